"""`contract checks`: every check id of every stage, with its stage, severity and what it means."""

from __future__ import annotations

import json
import sys

import click

from contract.core.checks import STAGES, CheckInfo
from contract.errors import EXIT_OK


@click.command("checks")
@click.option("--stage", "stage", type=click.Choice(STAGES), default=None,
              help="Only the checks of this stage.")
@click.option("--json", "as_json", is_flag=True, help="One JSON array (id, stage, severity, kind, description, "
                                                      "aliases) instead of a table.")
def command(stage: str | None, as_json: bool) -> int:
    """List every check: the ids findings carry, the stage that reports them, their usual severity.

    \b
    The ids are what `--checks` (contract run / check) takes and what reports,
    baselines and SARIF rules name. Old names (before the ids took one style) are
    listed as aliases; `--checks` still accepts them for one release.
    """
    from contract.pipeline import load_checks

    infos = [i for i in load_checks() if stage is None or i.stage == stage]
    if as_json:
        click.echo(json.dumps([i.to_dict() for i in infos], indent=2, ensure_ascii=False))
    elif sys.stdout.isatty():
        _rich_table(infos)
    else:
        click.echo(_plain(infos))
    return EXIT_OK


def _plain(infos: list[CheckInfo]) -> str:
    """Aligned columns for a pipe or a file (no colour, no box drawing)."""
    width = max((len(i.id) for i in infos), default=2)
    lines = [f"{'id':{width}}  {'stage':9}  {'severity':8}  description"]
    lines += [f"{i.id:{width}}  {i.stage:9}  {i.severity!s:8}  {i.description}"
              + (f" (was {', '.join(i.aliases)})" if i.aliases else "") for i in infos]
    return "\n".join(lines)


def _rich_table(infos: list[CheckInfo]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(infos)} checks")
    for column in ("id", "stage", "severity", "description"):
        table.add_column(column, overflow="fold")
    style = {"error": "red", "warning": "yellow", "info": "blue"}
    for i in infos:
        aliases = f" [dim](was {', '.join(i.aliases)})[/dim]" if i.aliases else ""
        table.add_row(escape(i.id), i.stage, f"[{style[str(i.severity)]}]{i.severity}[/]",
                      escape(i.description) + aliases)
    Console(file=sys.stdout).print(table)
