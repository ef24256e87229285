"""Options and output helpers shared by several commands."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click

from contract.errors import EXIT_FINDINGS, EXIT_OK
from contract.model import Finding, Severity
from contract.schema import NULLABLE_POLICIES

F = TypeVar("F", bound=Callable[..., Any])


def nullable_option(fn: F) -> F:
    return click.option(
        "--nullable", type=click.Choice(NULLABLE_POLICIES), default="auto", show_default=True,
        help="How `nullable: true` is read: auto = honoured even in 3.1 (what the author meant); "
             "version = only in 3.0 documents; strict = never, null only where `type` allows it.",
    )(fn)


def report_dir_option(fn: F) -> F:
    return click.option("--report-dir", type=click.Path(file_okay=False), default="reports", show_default=True,
                        help="Folder the reports are written to.")(fn)


def fail_on_option(fn: F) -> F:
    return click.option("--fail-on", type=click.Choice(["info", "warning", "error"]), default="error",
                        show_default=True, help="Lowest severity that makes the exit code 1.")(fn)


def print_findings(findings: Iterable[Finding]) -> None:
    for f in findings:
        where = str(f.spec) if f.spec else (str(f.docs) if f.docs else (f.operation or "-"))
        where = where.split("#", 1)[0]
        click.echo(f"{where}: {f.severity} [{f.check}] {f.message}")


def exit_code(findings: Iterable[Finding], fail_on: str) -> int:
    threshold = Severity.parse(fail_on)
    return EXIT_FINDINGS if any(f.severity >= threshold for f in findings) else EXIT_OK
