"""`contract lint`: the spec's own defects."""

from __future__ import annotations

import click

from contract.cli._options import (
    exit_code,
    fail_on_option,
    nullable_option,
    print_findings,
    report_dir_option,
)
from contract.lint import lint
from contract.load import load_spec
from contract.report import build_report, write_json


@click.command("lint")
@click.argument("spec", type=click.Path(dir_okay=False))
@nullable_option
@report_dir_option
@fail_on_option
def command(spec: str, nullable: str, report_dir: str, fail_on: str) -> int:
    """Lint SPEC (YAML, JSON, or a Markdown page wrapping it) and write report.json.

    Exit 1 when there are findings at or above --fail-on (default: error).
    """
    loaded = load_spec(spec, nullable=nullable)  # type: ignore[arg-type]
    findings = lint(loaded)
    print_findings(findings)
    report = build_report(findings, command="lint", inputs={"spec": spec, "nullable": nullable})
    path = write_json(report_dir, report)
    counts = report["summary"]["by_severity"]
    summary = ", ".join(f"{n} {sev}" for sev, n in counts.items()) or "no findings"
    click.echo(f"{len(findings)} findings ({summary}); report: {path}", err=True)
    return exit_code(findings, fail_on)
