"""`contract cases`: generated requests as JSON lines, or the constraint coverage table."""

from __future__ import annotations

import json
import sys

import click

from contract.errors import InputError

_MODES = ("conforming", "violating", "all")


def _parse_header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise InputError(None, f"--header {text!r}: expected 'Name: value'")
    return name.strip(), value.strip()


@click.command("cases")
@click.option("--spec", "spec_path", required=True, type=click.Path(dir_okay=False), help="OpenAPI 3.x file.")
@click.option("--operation", "operation", default=None, help='operationId or "METHOD /path" (default: all).')
@click.option("--mode", type=click.Choice(_MODES), default="all", show_default=True)
@click.option("--count", type=int, default=100, show_default=True,
              help="Cases per mode (violating: at least one per constraint as well).")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same output.")
@click.option("--header", "headers", multiple=True, metavar="'Name: value'",
              help="Sent with every case; supplies credentials (repeatable).")
@click.option("--coverage", is_flag=True, help="Print the constraint coverage table instead of cases.")
@click.option("--budget", type=float, default=20.0, show_default=True, help="Seconds per operation.")
@click.option("--no-prose", is_flag=True, help="Ignore constraints stated only in descriptions.")
def command(spec_path: str, operation: str | None, mode: str, count: int, seed: int, headers: tuple[str, ...],
            coverage: bool, budget: float, no_prose: bool) -> None:
    """Generate conforming and violating requests, each checked by the validator."""
    from contract.generate import generate_cases, render_plain
    from contract.load import load_spec

    if count < 0:
        raise InputError(None, f"--count must be >= 0 (got {count})")
    if budget <= 0:
        raise InputError(None, f"--budget must be > 0 (got {budget})")
    extra_headers = dict(_parse_header(h) for h in headers)
    spec = load_spec(spec_path)
    ops = [spec.operation(operation)] if operation else list(spec.operations)
    tty = sys.stdout.isatty()
    for op in ops:
        result = generate_cases(spec, op, mode=mode, count=count, seed=seed,  # type: ignore[arg-type]
                                headers=extra_headers, extra=[] if no_prose else None, budget=budget)
        for finding in result.findings:
            if finding.check != "generate.placeholder_credential" or coverage:
                click.echo(f"contract: {finding.severity}: {finding.message}", err=True)
        if coverage:
            if tty:
                _rich_table(result.operation, result.coverage)
            else:
                click.echo(render_plain(result.operation, result.coverage))
            continue
        if result.cases:
            click.echo("\n".join(json_line(case.to_dict()) for case in result.cases))


def json_line(obj: object) -> str:
    """One JSON object on one line, even for line splitters that honour U+2028/U+2029/NEL."""
    text = json.dumps(obj, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")


def _rich_table(operation: str, rows: list) -> None:  # type: ignore[type-arg]
    from rich.console import Console
    from rich.table import Table

    covered = sum(1 for r in rows if r.cases)
    table = Table(title=f"{operation}: {covered}/{len(rows)} constraints with a violating case")
    for col in ("pointer", "keyword", "value", "source", "cases", "note"):
        table.add_column(col, justify="right" if col == "cases" else "left")
    for r in rows:
        value = json.dumps(r.value, ensure_ascii=False, default=str)
        table.add_row(r.pointer, r.keyword, value if len(value) <= 40 else value[:39] + "…", r.source,
                      str(r.cases), r.note, style=None if r.cases or r.note else "red")
    Console(file=sys.stdout).print(table)
