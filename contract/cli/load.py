"""`contract load`: what the loader understood of a spec."""

from __future__ import annotations

import json
from typing import Any

import click

from contract.cli._options import nullable_option
from contract.load import Swagger2Document, load_spec
from contract.schema import nullable_policy


@click.command("load")
@click.argument("spec", type=click.Path(dir_okay=False))
@nullable_option
@click.option("--json", "as_json", is_flag=True, help="Print the operation model as JSON.")
def command(spec: str, nullable: str, as_json: bool) -> int:
    """Load SPEC and list its operations (method, path, operationId, parameters, body, responses)."""
    loaded = load_spec(spec, nullable=nullable_policy(nullable))
    ops: list[dict[str, Any]] = []  # JSON rows
    for op in loaded.operations:
        ops.append({
            "operation": op.key,
            "operationId": op.operation_id,
            "line": loaded.location(op.where.pointer or "").line if op.where else None,
            "parameters": [f"{p.location}:{p.name}{'*' if p.required else ''}" for p in op.parameters],
            "body": sorted(op.request_body.content) if op.request_body else [],
            "responses": sorted(op.responses),
            "security": [[s.key for s in req] for req in op.security],
        })
    if as_json:
        source = {"swagger": "2.0"} if isinstance(loaded.document, Swagger2Document) else {}
        click.echo(json.dumps({"spec": spec, "openapi": loaded.version, **source, "operations": ops}, indent=2))
        return 0
    version = f"OpenAPI {loaded.version}"
    if isinstance(loaded.document, Swagger2Document):
        version = f"Swagger 2.0 (read as {version})"
    click.echo(f"{spec}: {version}, {len(ops)} operations")
    for o in ops:
        click.echo(f"  {o['operation']}  ({o['operationId'] or '-'}, line {o['line']})  "
                   f"params={','.join(o['parameters']) or '-'} body={','.join(o['body']) or '-'} "
                   f"responses={','.join(o['responses'])}")
    return 0
