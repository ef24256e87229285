"""`contract lint`: the spec's own defects."""

from __future__ import annotations

import click

from contract.cli._options import (
    baseline_option,
    cache_option,
    fail_on_option,
    finish,
    nullable_option,
    report_dir_option,
)
from contract.lint import lint
from contract.load import load_spec
from contract.report import build_report
from contract.schema import nullable_policy


@click.command("lint")
@click.argument("spec", type=click.Path(dir_okay=False))
@nullable_option
@report_dir_option
@fail_on_option
@baseline_option
@cache_option
def command(spec: str, nullable: str, report_dir: str, fail_on: str, baseline: str | None, no_cache: bool) -> int:
    """Lint SPEC (YAML, JSON, or a Markdown page wrapping it) and write the reports.

    Exit 1 when there are findings at or above --fail-on (default: error).
    """
    # Neither the loaded spec nor the unredacted report is kept while the reports are written: on a
    # 100,000-operation spec each is hundreds of MB.
    findings = lint(load_spec(spec, nullable=nullable_policy(nullable), cache=not no_cache), reuse=True)
    return finish(findings, build_report(findings, command="lint", inputs={"spec": spec, "nullable": nullable}),
                  report_dir=report_dir, fail_on=fail_on, baseline=baseline)
