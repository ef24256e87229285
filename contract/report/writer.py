"""One entry point for every command that writes reports: `write_reports`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from contract.core.memory import gc_paused
from contract.errors import InputError
from contract.report.github import render_annotations
from contract.report.html import html_pieces
from contract.report.json import json_chunks, write_json, write_text_atomic
from contract.report.junit import render_junit
from contract.report.markdown import render_markdown
from contract.report.sarif import render_sarif

FORMATS: tuple[str, ...] = ("json", "junit", "md", "html", "sarif", "github")
FILENAMES: dict[str, str] = {"json": "report.json", "junit": "junit.xml", "md": "report.md",
                             "html": "report.html", "sarif": "report.sarif", "github": "annotations.txt"}

_RENDER: dict[str, Callable[[Mapping[str, Any]], str | Iterable[str]]] = {
    "junit": render_junit,
    "md": render_markdown,
    "html": html_pieces,
    "sarif": lambda report: json_chunks(render_sarif(report)),
    "github": render_annotations,
}


def parse_formats(text: str | Iterable[str]) -> tuple[str, ...]:
    """"json,junit" (or an iterable of names) → validated names in FORMATS order; "all" means every one."""
    names = [n.strip().lower() for part in ([text] if isinstance(text, str) else text) for n in part.split(",")]
    names = [n for n in names if n]
    if "all" in names:
        return FORMATS
    unknown = sorted(set(names) - set(FORMATS))
    if unknown:
        raise InputError(None, f"unknown report format {', '.join(unknown)} (expected {', '.join(FORMATS)})")
    return tuple(f for f in FORMATS if f in names)


def write_reports(report_dir: str | Path, report: Mapping[str, Any],
                  formats: str | Iterable[str] = FORMATS) -> dict[str, Path]:
    """Write `report` in each format to `report_dir` (atomically, file by file); format → path."""
    folder = Path(report_dir)
    written: dict[str, Path] = {}
    # Rendering builds acyclic pieces (the SARIF log, HTML fragments) beside a report of millions of
    # objects: collections meanwhile walk the report again and again and find nothing.
    with gc_paused():
        for fmt in parse_formats(formats):
            if fmt == "json":
                written[fmt] = write_json(folder, dict(report), FILENAMES["json"])
            else:
                written[fmt] = write_text_atomic(folder / FILENAMES[fmt], _RENDER[fmt](report))
    return written
