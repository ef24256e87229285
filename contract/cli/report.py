"""`contract report`: re-render a saved report.json, or merge several (CI shards) into one."""

from __future__ import annotations

import os
import sys

import click

from contract.baseline import apply_baseline, baseline_exit_code
from contract.cli._options import fail_on_option, report_dir_option
from contract.errors import EXIT_OK
from contract.report.json import load_report
from contract.report.merge import merge_reports
from contract.report.writer import FORMATS, parse_formats, write_reports


def use_color(stream: object = sys.stderr) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return not os.environ.get("NO_COLOR") and bool(getattr(stream, "isatty", lambda: False)())


def say(text: str, *, fg: str | None = None) -> None:
    click.echo(click.style(text, fg=fg) if fg and use_color() else text, err=True)


@click.command("report")
@click.argument("reports", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--merge", is_flag=True, help="Combine several reports (e.g. CI shards) into one.")
@click.option("--format", "formats", default=",".join(FORMATS), show_default=True,
              help="Comma-separated formats to write: " + ", ".join(FORMATS) + " (or all).")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False), default=None,
              help="Mark findings new/known against this baseline; exit 1 only for new ones.")
@report_dir_option
@fail_on_option
def command(reports: tuple[str, ...], merge: bool, formats: str, baseline_file: str | None, report_dir: str,
            fail_on: str) -> int:
    """Render REPORT.json (default: reports/report.json) as junit.xml, report.md, report.html, report.sarif.

    With --merge, several reports become one: findings de-duplicated, summaries recomputed,
    coverage merged. Exit 0, or with --baseline 1 when there are new findings at or above --fail-on.
    """
    chosen = parse_formats(formats)
    paths = list(reports) or [os.path.join("reports", "report.json")]
    if len(paths) > 1 and not merge:
        raise click.UsageError("several reports given: pass --merge to combine them")
    loaded = [load_report(p) for p in paths]
    report = merge_reports(loaded, files=paths) if merge else loaded[0]
    code = EXIT_OK
    if baseline_file:
        new, known, fixed = apply_baseline(report, baseline_file)
        code = baseline_exit_code(new, fail_on)
        say(f"baseline: {len(new)} new, {len(known)} known, {len(fixed)} fixed",
            fg="red" if code else "green")
    written = write_reports(report_dir, report, chosen)
    total = report["summary"]["findings"]
    say(f"{total} findings" + (f" from {len(paths)} reports" if merge else "") + "; wrote "
        + ", ".join(str(p) for p in written.values()))
    return code
