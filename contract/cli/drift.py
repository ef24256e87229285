"""`contract drift`: the spec against its docs pages, offline."""

from __future__ import annotations

from typing import Any

import click

from contract.cli._options import (
    baseline_option,
    fail_on_option,
    finish,
    nullable_option,
    report_dir_option,
)
from contract.pipeline import offline_findings
from contract.report import build_report


@click.command("drift")
@click.option("--spec", "spec_path", required=True, type=click.Path(dir_okay=False), help="The OpenAPI spec.")
@click.option("--docs", "docs", multiple=True, required=True, type=click.Path(dir_okay=False),
              help="A docs page (Markdown/MDX, HTML or rendered text); repeatable.")
@click.option("--components-dir", type=click.Path(file_okay=False), default=None,
              help="Folder to resolve MDX component imports from.")
@nullable_option
@report_dir_option
@fail_on_option
@baseline_option
def command(spec_path: str, docs: tuple[str, ...], components_dir: str | None, nullable: str, report_dir: str,
            fail_on: str, baseline: str | None) -> int:
    """Compare SPEC with its docs pages (no network) and write the reports."""
    coverage: list[dict[str, Any]] = []
    findings = offline_findings(spec_path, list(docs), nullable=nullable, components_dir=components_dir,
                                lint_spec=False, coverage=coverage)
    report = build_report(findings, command="drift", inputs={"spec": spec_path, "docs": list(docs)},
                          extra={"coverage": {"pages": coverage}})
    return finish(findings, report, report_dir=report_dir, fail_on=fail_on, baseline=baseline)
