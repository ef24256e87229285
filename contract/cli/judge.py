"""`contract judge`: re-judge recorded traffic (a HAR file) against a spec, offline."""

from __future__ import annotations

import click

from contract.cli._options import secrets_of
from contract.cli.proxy import judge_options, judged_report

__all__ = ["command"]


@click.command("judge")
@click.argument("har", type=click.Path(dir_okay=False))
@judge_options
def command(har: str, spec_path: str, docs: tuple[str, ...], components_dir: str | None, nullable: str,
            report_dir: str, fail_on: str, baseline: str | None, secrets: tuple[str, ...],
            max_response_time: float | None) -> int:
    """Judge the exchanges of HAR (from `contract proxy --record`, or a browser's export) against the spec
    (and docs) as the proxy judges them live: the same findings, no network.

    \b
    Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or
                input error (a file that is not HAR included).
    """
    from contract.pipeline import load_inputs
    from contract.proxy import Judge, read_har
    from contract.redact import Redactor

    exchanges = read_har(har)
    inputs = load_inputs(spec_path, docs, nullable=nullable, components_dir=components_dir)
    judge = Judge(inputs.spec, inputs.pages, redactor=Redactor(secrets_of(secrets)),
                  max_response_time=max_response_time)
    judge.add_all(exchanges)
    return judged_report(judge, command_name="judge", inputs=inputs, report_dir=report_dir, fail_on=fail_on,
                         baseline=baseline, notes=[judge.summary_line().replace("contract proxy", "contract judge")
                                                   + f" (from {har})"])
