"""Options and output helpers shared by several commands."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import click

from contract.errors import EXIT_FINDINGS, EXIT_OK
from contract.model import Finding, Location, Severity
from contract.redact import Redactor
from contract.schema import NULLABLE_POLICIES

F = TypeVar("F", bound=Callable[..., Any])


def secrets_of(values: Iterable[str]) -> list[str]:
    """The values to mask: every `--secret`, and the `CONTRACT_API_KEY` credential when it is set."""
    env = os.environ.get("CONTRACT_API_KEY")
    return [*values, *([env] if env else [])]


def nullable_option(fn: F) -> F:
    return click.option(
        "--nullable", type=click.Choice(NULLABLE_POLICIES), default="auto", show_default=True,
        help="How `nullable: true` is read: auto = honoured even in 3.1 (what the author meant); "
             "version = only in 3.0 documents; strict = never, null only where `type` allows it.",
    )(fn)


def docs_options(help_docs: str) -> Callable[[F], F]:
    """`--docs` and `--components-dir`, with several pages after one `--docs` (what a shell glob produces).

    Click options take one value per flag, so the values that follow `--docs a.md` (`b.md c.md`, or
    everything `docs/*.md` expands to) arrive as the command's arguments; they are docs pages too, and
    the command sees one `docs` tuple. Each value is a page, a folder (read recursively) or a glob.
    """
    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def command(*args: Any, docs: tuple[str, ...] = (), more_docs: tuple[str, ...] = (), **kwargs: Any) -> Any:
            return fn(*args, docs=(*docs, *more_docs), **kwargs)

        wrapped: Any = click.argument("more_docs", nargs=-1, metavar="[DOCS]...")(command)
        wrapped = click.option("--components-dir", type=click.Path(file_okay=False), default=None,
                               help="Folder to resolve MDX component imports from (files in it are never "
                                    "read as pages).")(wrapped)
        wrapped = click.option("--docs", "docs", multiple=True, metavar="PATH...",
                               help=f"{help_docs} A page (Markdown/MDX, HTML, text), a folder (read "
                                    "recursively: .md .mdx .html .txt) or a glob; several may follow one "
                                    "--docs.")(wrapped)
        return wrapped  # type: ignore[no-any-return]

    return decorate


def cache_option(fn: F) -> F:
    return click.option("--no-cache", "no_cache", is_flag=True,
                        help="Neither read nor write the warm-start cache of loaded specs (also: CONTRACT_CACHE=0; "
                             "where: CONTRACT_CACHE_DIR, else $XDG_CACHE_HOME/contract or ~/.cache/contract).")(fn)


def report_dir_option(fn: F) -> F:
    return click.option("--report-dir", type=click.Path(file_okay=False), default="reports", show_default=True,
                        help="Folder the reports are written to.")(fn)


def fail_on_option(fn: F) -> F:
    return click.option("--fail-on", type=click.Choice(["info", "warning", "error"]), default="error",
                        show_default=True, help="Lowest severity that makes the exit code 1.")(fn)


def baseline_option(fn: F) -> F:
    return click.option("--baseline", "baseline", type=click.Path(dir_okay=False), default=None,
                        help="Fail only on findings not in this baseline (see `contract baseline`); "
                             "fixed ones are listed.")(fn)


def finish(findings: list[Finding], report: dict[str, Any], *, report_dir: str, fail_on: str,
           baseline: str | None, redactor: Redactor | None = None, notes: Sequence[str] = ()) -> int:
    """Redact the report, print its findings (then `notes` on stderr), apply the baseline, write every
    report format, print the summary line; the exit code.

    The one place a report is redacted: what is printed and every format are made from this copy.
    """
    from contract.baseline import apply_baseline, baseline_exit_code
    from contract.report import write_reports

    report = (redactor or Redactor()).report(report)
    github = os.environ.get("GITHUB_ACTIONS") == "true"
    if github:  # annotations instead of plain lines: GitHub shows them on the lines of the pull request
        from contract.report.github import render_annotations

        click.echo(render_annotations(report), nl=False)
    else:
        print_findings(report["findings"])
    for line in notes:
        click.echo(line, err=True)
    code = exit_code(findings, fail_on)
    note = ""
    if baseline:
        new, known, fixed = apply_baseline(report, baseline)
        code = baseline_exit_code(new, fail_on)
        note = f"; against {baseline}: {len(new)} new, {len(known)} known, {len(fixed)} fixed"
    written = write_reports(report_dir, report)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if github and step_summary:
        _append_summary(step_summary, report, report_dir)
    counts = report["summary"]["by_severity"]
    summary = ", ".join(f"{n} {sev}" for sev, n in counts.items()) or "no findings"
    click.echo(f"{len(report['findings'])} findings ({summary}){note}; reports: {written['json'].parent}/"
               f"{{{','.join(p.name for p in written.values())}}}", err=True)
    return code


def _append_summary(path: str, report: Mapping[str, Any], report_dir: str) -> None:
    from contract.report.github import render_summary

    try:
        with open(path, "a", encoding="utf-8") as out:
            out.write(render_summary(report, report_dir=report_dir) + "\n")
    except OSError as exc:  # the reports are written; a summary GitHub cannot take is worth a line, not a failure
        click.echo(f"contract: could not append to $GITHUB_STEP_SUMMARY ({exc.strerror or exc})", err=True)


def print_findings(findings: Iterable[Mapping[str, Any]]) -> None:
    """One line per finding of a (redacted) report: `file:line: severity [check] message`."""
    for f in findings:
        place = f.get("spec") or f.get("docs")
        where = str(Location(**place)) if place else (f.get("operation") or "-")
        where = where.split("#", 1)[0]
        click.echo(f"{where}: {f['severity']} [{f['check']}] {f['message']}")


def exit_code(findings: Iterable[Finding], fail_on: str) -> int:
    threshold = Severity.parse(fail_on)
    return EXIT_FINDINGS if any(f.severity >= threshold for f in findings) else EXIT_OK
