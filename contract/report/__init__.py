"""Stage 5 — report: findings rendered for people and CI.

`build_report` makes the report dict (report.json); `write_reports` writes it in every
format; `merge_reports` combines shards. Renderers take the dict, never `Finding`s,
so a saved report can be re-rendered later (`contract report`).
"""

from contract.report.html import render_html
from contract.report.json import (
    REPORT_VERSION,
    build_report,
    coverage_section,
    load_report,
    summarize,
    validation_errors,
    write_json,
)
from contract.report.junit import render_junit
from contract.report.markdown import render_markdown
from contract.report.merge import merge_reports
from contract.report.sarif import render_sarif
from contract.report.writer import FILENAMES, FORMATS, parse_formats, write_reports

__all__ = [
    "FILENAMES",
    "FORMATS",
    "REPORT_VERSION",
    "build_report",
    "coverage_section",
    "load_report",
    "merge_reports",
    "parse_formats",
    "render_html",
    "render_junit",
    "render_markdown",
    "render_sarif",
    "summarize",
    "validation_errors",
    "write_json",
    "write_reports",
]
