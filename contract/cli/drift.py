"""`contract drift`: the spec against its docs pages, offline."""

from __future__ import annotations

import click

from contract.cli._options import (
    exit_code,
    fail_on_option,
    nullable_option,
    print_findings,
    report_dir_option,
)
from contract.pipeline import offline_findings
from contract.report import build_report, write_json


@click.command("drift")
@click.option("--spec", "spec_path", required=True, type=click.Path(dir_okay=False), help="The OpenAPI spec.")
@click.option("--docs", "docs", multiple=True, required=True, type=click.Path(dir_okay=False),
              help="A docs page (Markdown/MDX, HTML or rendered text); repeatable.")
@click.option("--components-dir", type=click.Path(file_okay=False), default=None,
              help="Folder to resolve MDX component imports from.")
@nullable_option
@report_dir_option
@fail_on_option
def command(spec_path: str, docs: tuple[str, ...], components_dir: str | None, nullable: str, report_dir: str,
            fail_on: str) -> int:
    """Compare SPEC with its docs pages (no network) and write report.json."""
    findings = offline_findings(spec_path, list(docs), nullable=nullable, components_dir=components_dir,
                                lint_spec=False)
    print_findings(findings)
    report = build_report(findings, command="drift", inputs={"spec": spec_path, "docs": list(docs)})
    path = write_json(report_dir, report)
    click.echo(f"{len(findings)} findings; report: {path}", err=True)
    return exit_code(findings, fail_on)
