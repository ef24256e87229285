"""HTTP readings and writings shared by the stages: cookie headers, request bodies as they travel."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

import httpx

from contract.model import Case

__all__ = ["FORM", "MULTIPART", "case_body", "encode_body", "form_pairs", "form_view", "is_form", "listed_values",
           "parse_cookie_header", "read_form", "with_content_type"]

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def is_form(media_type: str | None) -> bool:
    """A form or multipart media type: bodies travel as text fields, not as JSON."""
    return (media_type or "").split(";", 1)[0].strip().lower() in (FORM, MULTIPART)


def with_content_type(headers: dict[str, str], content_type: str | None) -> dict[str, str]:
    """`headers` with the Content-Type the body was encoded with: set when absent, and the multipart boundary
    put in when the case names the same media type without it."""
    if not content_type:
        return headers
    named = next((k for k in headers if k.lower() == "content-type"), None)
    if named is None:
        return {**headers, "Content-Type": content_type}
    if "boundary=" in content_type and headers[named].split(";", 1)[0].strip().lower() == content_type.split(";", 1)[0]:
        return {**headers, named: content_type}
    return headers


def case_body(case: Case) -> tuple[bytes | None, str | None]:
    """A case's body as sent and its Content-Type: raw bytes as given, else JSON, a form or multipart parts."""
    if case.raw_body is not None:
        return case.raw_body, case.media_type
    if not case.has_body:
        return None, None
    return encode_body(case.body, case.media_type)


def encode_body(body: Any, media_type: str | None) -> tuple[bytes, str | None]:
    """A request body as it travels and the Content-Type that says how (a multipart boundary included).

    The generator and the docs examples keep bodies as JSON values; a form or multipart operation
    (Stripe, Twilio and USPTO take forms; Box and OpenAI take multipart uploads) must get them encoded
    as such, or a real server reads every field as absent.
    """
    media = (media_type or "").split(";", 1)[0].strip().lower()
    if media == FORM and isinstance(body, Mapping):
        return urlencode(form_pairs(body)).encode("ascii"), media_type
    if media == MULTIPART and isinstance(body, Mapping):
        return _multipart(body)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), media_type


def form_pairs(body: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Form fields of a JSON object: scalars as text, arrays of scalars as the key repeated (OpenAPI's
    default `style: form, explode: true`), objects and arrays of objects in bracket notation
    (`metadata[plan]=pro`, `items[0][price]=1`: OpenAPI's `deepObject`, what Rails, PHP and Stripe read).
    A null has no form spelling and is left out."""
    out: list[tuple[str, str]] = []
    for key, value in body.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, Mapping):
            out += form_pairs(value, name)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Mapping):
                    out += form_pairs(item, f"{name}[{i}]")
                elif item is not None:
                    out.append((name, _text(item)))
        elif value is not None:
            out.append((name, _text(value)))
    return out


def form_view(body: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON value a server reads back from `body` sent as a form: nulls and empty arrays or objects have
    no form spelling and vanish (so a violating case "rows: null" is a case without `rows` on the wire)."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        if isinstance(value, Mapping):
            value = form_view(value)
        elif isinstance(value, list):
            value = [form_view(v) if isinstance(v, Mapping) else v for v in value if v is not None]
        if value is None or (isinstance(value, dict | list) and not value):
            continue
        out[key] = value
    return out


_BRACKETS = re.compile(r"(?:\[[^\[\]]*\])+")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
# Delimiters of an array sent as one value (OpenAPI's styles for `explode: false`).
_DELIMITERS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}
_Entry = tuple[list[str], str]


def read_form(pairs: Iterable[tuple[str, str]], schema: Any, *, encoding: Mapping[str, Any] | None = None,
              resolve: Callable[[Any], Any] = lambda node: node,
              typed: Callable[[str, Any], Any] = lambda value, schema: value) -> dict[str, Any]:
    """The JSON value a server reads from a form's (name, value) pairs: the inverse of :func:`form_pairs`.

    Read as the OpenAPI Encoding Object says (3.0 and 3.1, "Encoding Object"; a property's default is
    `style: form, explode: true`): an array property is every value its name carries (`Permissions=a&
    Permissions=b`, Twilio), or, under `explode: false` or a `spaceDelimited`/`pipeDelimited` style, its one value
    split at the delimiter; bracket names (`metadata[plan]=pro`, `items[0][price]=1`, `expand[]=x`: `deepObject`,
    what Rails, PHP and Stripe read) build objects and arrays. A name the schema declares as it is stays one
    field, brackets and all. A scalar given twice keeps its last value (what most servers keep). `resolve`
    follows a schema's `$ref`s, `typed` turns a leaf's text into the value its schema says."""
    properties = _properties(resolve(schema), resolve)
    grouped: dict[str, list[_Entry]] = {}
    for name, value in pairs:
        top, path = name, []
        cut = name.find("[")
        if name not in properties and cut > 0 and _BRACKETS.fullmatch(name, cut):
            top, path = name[:cut], _SEGMENT.findall(name, cut)
        grouped.setdefault(top, []).append((path, value))
    encoding = encoding or {}
    return {name: _form_value(entries, resolve(properties.get(name)), resolve, typed,
                              encoding.get(name) if isinstance(encoding.get(name), Mapping) else None)
            for name, entries in grouped.items()}


def _properties(schema: Any, resolve: Callable[[Any], Any]) -> dict[str, Any]:
    """An object schema's properties, its `allOf` parts' included."""
    if not isinstance(schema, Mapping):
        return {}
    out = dict(schema.get("properties") or {})
    for part in schema.get("allOf") or []:
        out.update(_properties(resolve(part), resolve))
    return out


def _kinds(schema: Any) -> set[str]:
    if not isinstance(schema, Mapping):
        return set()
    kind = schema.get("type")
    kinds = {kind} if isinstance(kind, str) else {k for k in kind if isinstance(k, str)} if isinstance(kind, list) \
        else set()
    if schema.get("properties"):
        kinds.add("object")
    if "items" in schema or "prefixItems" in schema:
        kinds.add("array")
    return kinds


def listed_values(schema: Mapping[str, Any]) -> list[Any] | None:
    """The values a schema lists (`enum`, or its `const`), None when it lists none."""
    enum = schema.get("enum")
    return enum if isinstance(enum, list) else [schema["const"]] if "const" in schema else None


def _names(schema: Any, text: str) -> bool:
    """A scalar schema that lists `text` among its values (`enum`, `const`): the one reading of that text."""
    if not isinstance(schema, Mapping) or _kinds(schema) & {"array", "object"}:
        return False
    return text in (listed_values(schema) or [])


def _form_value(entries: list[_Entry], schema: Any, resolve: Callable[[Any], Any], typed: Callable[[str, Any], Any],
                encoding: Mapping[str, Any] | None = None) -> Any:
    kinds = _kinds(schema)
    if not kinds and isinstance(schema, Mapping):  # a nullable array or object written as `anyOf: [X, null]`
        branches = [resolve(b) for b in (schema.get("anyOf") or schema.get("oneOf") or [])]
        shaped = next((b for b in branches if _kinds(b) & {"array", "object"}), None)
        literal = next((b for b in branches if len(entries) == 1 and not entries[0][0]
                        and _names(b, entries[0][1])), None)
        if literal is not None:  # `x=` under `anyOf: [{type: array}, {enum: [""]}]`: Stripe's "unset", not [""]
            return typed(entries[0][1], literal)
        if shaped is not None:
            schema, kinds = shaped, _kinds(shaped)
    items = resolve(schema.get("items")) if isinstance(schema, Mapping) else None
    plain = [value for path, value in entries if not path]
    nested = [(path, value) for path, value in entries if path]
    if not nested:
        if "array" not in kinds:
            return typed(plain[-1], schema)
        style = str((encoding or {}).get("style") or "form")
        explode = (encoding or {}).get("explode", style == "form")
        if len(plain) == 1 and explode is False and style in _DELIMITERS:
            plain = plain[0].split(_DELIMITERS[style]) if plain[0] else []
        return [typed(value, items) for value in plain]
    heads = [path[0] for path, _ in nested]
    if "array" in kinds or ("object" not in kinds and all(h == "" or h.isdigit() for h in heads)):
        out = [typed(value, items) for value in plain]
        by_index: dict[str, list[_Entry]] = {}
        for path, value in nested:
            if path[0] == "" and len(path) == 1:
                out.append(typed(value, items))
            else:
                by_index.setdefault(path[0], []).append((path[1:], value))
        ordered = sorted(by_index.items(), key=lambda kv: (not kv[0].isdigit(), int(kv[0]) if kv[0].isdigit() else 0))
        return out + [_form_value(group, items, resolve, typed) for _, group in ordered]
    properties = _properties(schema, resolve)
    by_name: dict[str, list[_Entry]] = {}
    for path, value in nested:
        by_name.setdefault(path[0], []).append((path[1:], value))
    extra = schema.get("additionalProperties") if isinstance(schema, Mapping) else None
    return {name: _form_value(group, resolve(properties.get(name, extra if isinstance(extra, Mapping) else None)),
                              resolve, typed)
            for name, group in by_name.items()}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _multipart(body: Mapping[str, Any]) -> tuple[bytes, str | None]:
    """Each field a part: text for scalars, `application/json` for objects and arrays (OpenAPI's default
    part content types), encoded by httpx so the boundary is a real one."""
    files: list[tuple[str, tuple[str | None, bytes, str]]] = []
    for key, value in body.items():
        if value is None:
            continue
        if isinstance(value, Mapping | list):
            data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            files.append((str(key), (None, data, "application/json")))
        else:
            files.append((str(key), (None, _text(value).encode("utf-8"), "text/plain; charset=utf-8")))
    request = httpx.Request("POST", "http://127.0.0.1/", files=files or {"": (None, b"", "text/plain")})
    return request.read(), request.headers.get("content-type")


def parse_cookie_header(header: str) -> dict[str, str]:
    """Name → value of a request's ``Cookie`` header, read pair by pair as a server reads it.

    ``a=1; b="x y"`` → ``{"a": "1", "b": "x y"}``. Each ``;``-separated pair is read
    on its own (RFC 6265 §5.4 ``cookie-pair``s): name and value are trimmed of
    whitespace, one pair of surrounding double quotes is removed from the value
    (as server frameworks do), a pair without ``=`` or with an empty name is
    skipped without losing the others, and of repeated names the last one wins.

    Unlike ``http.cookies.SimpleCookie`` this never drops the whole header over
    one malformed pair, and never reads a cookie named ``path``, ``expires``,
    ``domain``, ... as an attribute of the previous one: a validator has to see
    every cookie the server would see.
    """
    cookies: dict[str, str] = {}
    for pair in header.split(";"):
        name, eq, value = pair.partition("=")
        name = name.strip(" \t")
        if not eq or not name:
            continue
        value = value.strip(" \t")
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        cookies[name] = value
    return cookies
