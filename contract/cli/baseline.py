"""`contract baseline`: accept the current findings, so later runs fail only on new ones."""

from __future__ import annotations

import click

from contract.baseline import DEFAULT_BASELINE, make_baseline, write_baseline
from contract.cli.report import say
from contract.errors import EXIT_OK
from contract.report.json import load_report


@click.command("baseline")
@click.option("--from", "source", type=click.Path(dir_okay=False), default="reports/report.json",
              show_default=True, help="The report whose findings to accept.")
@click.option("--output", type=click.Path(dir_okay=False), default=DEFAULT_BASELINE, show_default=True,
              help="The baseline file to write (commit it).")
def command(source: str, output: str) -> int:
    """Record the findings of a report as the baseline.

    Later runs given `--baseline FILE` mark each finding new or known, list the fixed
    ones, and fail only on new findings. Fingerprints ignore line numbers, so edits that
    shift lines do not make old findings new.
    """
    baseline = make_baseline(load_report(source))
    path = write_baseline(output, baseline)
    distinct = len({e["fingerprint"] for e in baseline["findings"]})
    say(f"baseline: {len(baseline['findings'])} findings ({distinct} fingerprints) from {source}; wrote {path}")
    return EXIT_OK
