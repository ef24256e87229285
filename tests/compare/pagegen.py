"""Render a docs page from a spec operation, the way schema-driven docs generators do.

Descriptions state the schema's own limits (not the spec's free text), so the page
agrees with the spec exactly; drift on it must be empty.
"""

from __future__ import annotations

import json
from typing import Any

from contract.load import Spec
from contract.model import Operation

_TYPES = {"string": "String", "integer": "Integer", "number": "Float", "boolean": "Boolean", "array": "Array",
          "object": "Object"}


def _resolve(spec: Spec, schema: Any) -> dict[str, Any]:
    while isinstance(schema, dict) and "$ref" in schema:
        schema = spec.resolve_ref(schema["$ref"])
    if isinstance(schema, dict) and isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:
        inner = _resolve(spec, schema["allOf"][0])
        return {**inner, **{k: v for k, v in schema.items() if k != "allOf"}}
    return schema if isinstance(schema, dict) else {}


def _type(schema: dict[str, Any]) -> str:
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), "string")
    if t is None and "oneOf" in schema:
        return "String or Float"
    return _TYPES.get(str(t), "String")


def _nullable(schema: dict[str, Any]) -> bool:
    t = schema.get("type")
    return schema.get("nullable") is True or (isinstance(t, list) and "null" in t)


def _describe(schema: dict[str, Any]) -> str:
    parts = []
    if isinstance(schema.get("maxLength"), int):
        parts.append(f"No more than {schema['maxLength']} characters.")
    if isinstance(schema.get("maxItems"), int):
        parts.append(f"At most {schema['maxItems']} items.")
    if isinstance(schema.get("enum"), list):
        parts.append("Possible values are: " + ", ".join(str(v) for v in schema["enum"] if v is not None) + ".")
    return " ".join(parts) or "-"


def render(spec: Spec, op: Operation, host: str = "https://api.example.com") -> str:
    lines = [f"# {op.summary or op.key}", "", op.description or "", "", "## Method and endpoint", "", "```",
             f"{op.method} {host}{op.path}", "```", ""]
    headers = [p for p in op.parameters if p.location == "header"]
    if headers:
        lines += ["## Request headers", "", "| Header | Type | Required | Description |", "|---|---|---|---|"]
        for p in headers:
            lines.append(f"| {p.name} | String | {'yes' if p.required else 'no'} | - |")
        lines.append("")
    media = next(iter(op.request_body.content.values()), None) if op.request_body else None
    if media is not None and media.schema is not None:
        body = _resolve(spec, media.schema)
        required = set(body.get("required") or [])
        lines += ["## Parameters", "", "| Parameter | Type | Required | Nullable | Description |",
                  "|---|---|---|---|---|"]
        for name, prop in (body.get("properties") or {}).items():
            sub = _resolve(spec, prop)
            lines.append(f"| {name} | {_type(sub)} | {'yes' if name in required else 'no'} | "
                         f"{'yes' if _nullable(sub) else 'no'} | {_describe(sub)} |")
        lines.append("")
        if media.has_example:
            lines += ["## Example request", "", "```json", json.dumps(media.example, indent=2), "```", ""]
    for status, resp in op.responses.items():
        title = "Successful response" if status.startswith("2") else "Errors"
        lines += [f"## {title}: {status}", "", resp.description or "", ""]
        mt = next(iter(resp.content.values()), None)
        if mt is not None and mt.has_example:
            lines += ["```json", json.dumps(mt.example, indent=2), "```", ""]
    return "\n".join(lines)
