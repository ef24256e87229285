"""`contract check`: the main job — everything `contract` knows how to check, in one run."""

from __future__ import annotations

from pathlib import Path

import click

from contract.cli._options import (
    exit_code,
    fail_on_option,
    nullable_option,
    print_findings,
    report_dir_option,
)
from contract.pipeline import BUNDLED_DOCS, BUNDLED_SPEC, offline_findings
from contract.report import build_report, write_json


@click.command("check")
@click.option("--spec", "spec_path", type=click.Path(dir_okay=False), default=None,
              help=f"The OpenAPI spec (default: the bundled {BUNDLED_SPEC}).")
@click.option("--docs", "docs", multiple=True, type=click.Path(dir_okay=False),
              help="A docs page; repeatable (default: the bundled pages when the spec is the bundled one).")
@click.option("--components-dir", type=click.Path(file_okay=False), default=None)
@nullable_option
@report_dir_option
@fail_on_option
def command(spec_path: str | None, docs: tuple[str, ...], components_dir: str | None, nullable: str,
            report_dir: str, fail_on: str) -> int:
    """Lint the spec and compare it with its docs pages.

    With no arguments: the bundled Adapty profile spec and docs pages (run from the repository root).
    """
    if spec_path is None:
        spec_path = BUNDLED_SPEC
        docs = docs or BUNDLED_DOCS
        if not Path(spec_path).exists():
            raise click.UsageError(f"{spec_path} not found: run from the repository root or pass --spec")
    findings = offline_findings(spec_path, list(docs), nullable=nullable, components_dir=components_dir)
    print_findings(findings)
    report = build_report(findings, command="check", inputs={"spec": spec_path, "docs": list(docs)})
    path = write_json(report_dir, report)
    summary = ", ".join(f"{n} {s}" for s, n in report["summary"]["by_severity"].items()) or "no findings"
    click.echo(f"{len(findings)} findings ({summary}); report: {path}", err=True)
    return exit_code(findings, fail_on)
