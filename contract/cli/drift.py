"""`contract drift`: the spec against its docs pages, offline."""

from __future__ import annotations

from typing import Any

import click

from contract.cli._options import (
    baseline_option,
    cache_option,
    docs_options,
    fail_on_option,
    finish,
    nullable_option,
    report_dir_option,
)
from contract.pipeline import load_inputs, offline
from contract.report import build_report


@click.command("drift")
@click.option("--spec", "spec_path", required=True, type=click.Path(dir_okay=False), help="The OpenAPI spec.")
@docs_options("The docs to compare (at least one).")
@nullable_option
@report_dir_option
@fail_on_option
@baseline_option
@cache_option
def command(spec_path: str, docs: tuple[str, ...], components_dir: str | None, nullable: str, report_dir: str,
            fail_on: str, baseline: str | None, no_cache: bool) -> int:
    """Compare the spec with its docs pages (no network) and write the reports.

    contract drift --spec openapi.yaml --docs docs/
    """
    if not docs:
        raise click.UsageError("give the docs to compare: --docs PAGE, FOLDER or GLOB (several may follow)")
    inputs = load_inputs(spec_path, docs, nullable=nullable, components_dir=components_dir, cache=not no_cache)
    coverage: list[dict[str, Any]] = []
    findings = offline(inputs.spec, inputs.pages, lint_spec=False, coverage=coverage)
    report = build_report(findings, command="drift", inputs=inputs.describe(), extra={"coverage": {"pages": coverage}})
    return finish(findings, report, report_dir=report_dir, fail_on=fail_on, baseline=baseline)
