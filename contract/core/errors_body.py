"""Reading what a server says when it refuses a request: one reader of the common error-body shapes.

:func:`read_errors` turns an error body into a list of :class:`ErrorItem` — ``(field, message)``,
``field`` being the request field the server blames as it names it (``"vector"``,
``"records/0/vector"``, ``"/data/attributes/firstName"``) or ``None`` when the message blames no
field. The shapes read (each tested on an example from the API named, ``tests/core/test_errors_body.py``):

* an error object — ``{"error": {"code", "message", "field"|"param"|"target"?, "details"?}}``
  (Stripe, OpenAI, Google APIs with ``fieldViolations``, Azure/Microsoft Graph with ``target``);
* an error word — ``{"error": "text"}`` (Slack, OAuth 2.0 with ``error_description``), and
  ``{"status": {"error": "text"}}`` (Qdrant);
* FastAPI — ``{"detail": "text"}`` and ``{"detail": [{"loc", "msg"}]}`` (and Django REST framework's
  ``{"detail": "text"}``);
* an error list — ``{"errors": [{"source"|"field"|"path"|"pointer", "message"|"detail"|"errors"}]}``
  (JSON:API, GitHub, GraphQL, Adapty);
* a field map — ``{"errors": {"name": ["…"]}}`` (Laravel, Rails, ASP.NET ``ValidationProblemDetails``)
  and a bare one, ``{"name": ["…"]}`` (Django REST framework);
* a bare message — ``{"message": "text"}`` (GitHub, AWS API Gateway, Spring Boot);
* RFC 9457 problem details — ``{"type", "title", "detail", "errors"?}``;
* plain text.

When the blamed field is named only in the message, as in ``{"error": {"code": "validation_error",
"message": "vector: must have 3 items"}}``, a leading ``name:`` is read as the field. Specific items
win over the general message around them (GitHub's ``"Validation Failed"`` beside its items).
This module imports nothing of the stages: replay and compare both read error bodies with it.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

__all__ = ["ErrorItem", "field_tokens", "mentioned", "read_errors", "same_field", "summary"]

_MAX_ITEMS = 20
_MAX_MESSAGE = 300
_MAX_DEPTH = 5

# Keys that name the blamed field inside one error item, most specific first.
_FIELD_KEYS = ("field", "param", "parameter", "property", "attribute", "target", "pointer", "loc", "path",
               "source", "parameters")
# Keys that carry the human message of one item, best first.
_MESSAGE_KEYS = ("message", "msg", "detail", "description", "error_description", "reason", "title")
# Keys whose value is a list of (or a map of) nested items.
_NESTED_KEYS = ("errors", "details", "fieldViolations", "field_violations", "invalid_params", "invalid-params",
                "violations", "issues", "fields")
# Field-map keys that stand for "the request as a whole", not a field.
_GENERAL = frozenset({"non_field_errors", "__all__", "", "_schema", "general", "base", "*"})
# Request locations that prefix a FastAPI `loc` or a pointer and are not part of the field's name.
_LOCATIONS = frozenset({"body", "query", "path", "header", "headers", "cookie", "cookies", "request", "#",
                        "data", "attributes", "json", "form"})
# Words that begin a message as "Word: ..." without naming a field.
_NOT_FIELDS = frozenset({
    "error", "errors", "warning", "invalid", "note", "reason", "detail", "details", "message", "forbidden",
    "unauthorized", "conflict", "validation", "exception", "failed", "failure", "denied", "info", "hint",
    "cause", "status", "code", "bad_request", "not_found", "internal", "fatal", "notice", "http", "https",
    "see", "expected", "got", "value", "input", "request",
})
_LEADING_FIELD = re.compile(r"^\s*['\"`]?(?P<field>[A-Za-z_$][\w$-]*(?:(?:\.|/|\[)[\w$\]-]+)*)['\"`]?\s*:\s+(?P<rest>\S.*)$",
                            re.S)
_SPLIT = re.compile(r"[./\[\]]+|\s*->\s*")


class ErrorItem(NamedTuple):
    """One thing the server blames: the field as it names it (None: the request as a whole) and why."""

    field: str | None
    message: str


def read_errors(body: bytes | str | Any) -> list[ErrorItem]:
    """The (field, message) pairs an error body states, in the body's order; [] when it states none.

    `body` is the raw response body (bytes or text; JSON or plain text) or already parsed JSON.
    """
    data: Any = body
    if isinstance(body, bytes | bytearray):
        try:
            body = bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            return []
    if isinstance(body, str):
        text = body.strip()
        if not text:
            return []
        try:
            data = json.loads(text)
        except ValueError:
            if text.startswith("<"):  # an HTML error page: nothing a client can quote reliably
                return []
            return [_item(None, text)]
    out: list[ErrorItem] = []
    for item in _top(data):
        if item.message and item not in out:
            out.append(item)
        if len(out) >= _MAX_ITEMS:
            break
    return out


def summary(items: list[ErrorItem], limit: int = 200) -> str:
    """The items as one line for a finding's message: ``vector: must have 3 items; name: taken``."""
    text = "; ".join(f"{i.field}: {i.message}" if i.field and not i.message.startswith(i.field) else i.message
                     for i in items)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def field_tokens(field: str) -> list[str]:
    """A field name as comparable tokens: ``body.records[0].vector`` → ``["records", "vector"]``.

    Request locations in front (FastAPI's ``body``, JSON:API's ``/data/attributes``) and array
    indexes are dropped; tokens are lower case with ``-``/``_`` removed (``first_name`` = ``firstName``).
    """
    parts = [p for p in _SPLIT.split(field.strip().lstrip("#")) if p]
    while parts and parts[0].lower() in _LOCATIONS and len(parts) > 1:
        parts = parts[1:]
    return [_norm(p) for p in parts if not p.isdigit() and p not in ("*", "-")]


def same_field(a: str, b: str) -> bool:
    """Whether two names denote the same request field, or one contains the other.

    ``/custom_attributes/0/value`` and ``custom_attributes`` are the same place (the server blames
    the array); ``records/0/vector`` and ``/vector`` share the leaf; ``vector`` and ``score`` differ.
    """
    ta, tb = field_tokens(a), field_tokens(b)
    if not ta or not tb:
        return False
    if ta[-1] == tb[-1]:
        return True
    shorter, longer = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return longer[: len(shorter)] == shorter


def mentioned(message: str, names: list[str]) -> list[str]:
    """Those of `names` the message mentions as a whole word (``'first_name' is too long`` → first_name)."""
    out = []
    for name in names:
        if name and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", message, re.I):
            out.append(name)
    return out


# --------------------------------------------------------------------------- the walk


def _norm(token: str) -> str:
    return re.sub(r"[-_\s]", "", token).lower()


def _clean(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _MAX_MESSAGE else flat[: _MAX_MESSAGE - 1] + "…"


def _item(field: str | None, message: str) -> ErrorItem:
    message = _clean(message)
    if field is None:
        m = _LEADING_FIELD.match(message)
        if m and m.group("field").lower() not in _NOT_FIELDS and not m.group("field")[0].isupper():
            return ErrorItem(m.group("field"), _clean(m.group("rest")))
    elif field in _GENERAL:
        field = None
    return ErrorItem(field, message)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def _field_of(node: dict[str, Any], keys: tuple[str, ...] = _FIELD_KEYS) -> str | None:
    for key in keys:
        value = node.get(key)
        if isinstance(value, dict):  # JSON:API source: {"pointer": "/data/attributes/x"} or {"parameter": "x"}
            inner = next((value[k] for k in ("pointer", "parameter", "header", "field")
                          if isinstance(value.get(k), str)), None)
            if inner is None and key == "parameters" and value:  # Twitter v2: {"parameters": {"ids": [...]}}
                inner = next(iter(value))
            if inner:
                return str(inner).strip().lstrip("#")
        elif isinstance(value, list) and value and key in ("loc", "path"):
            parts = [str(p) for p in value]
            while len(parts) > 1 and parts[0] in _LOCATIONS:
                parts = parts[1:]
            return "/".join(parts)
        elif isinstance(value, str) and value.strip() and key != "parameters":
            return value.strip().lstrip("#") if key == "pointer" else value.strip()
    return None


# At the top level of a body only these name a field (Spring Boot's "path" is the request's URL path there).
_TOP_FIELD_KEYS = ("field", "param", "parameter", "property", "target")


def _messages_of(node: dict[str, Any]) -> list[str]:
    for key in _MESSAGE_KEYS:
        texts = _strings(node.get(key))
        if texts:
            return texts
    for key in ("errors", "messages"):  # Adapty: {"source": "email", "errors": ["Enter a valid email."]}
        texts = _strings(node.get(key))
        if texts:
            return texts
    error = node.get("error")
    if isinstance(error, str) and error.strip():
        return [error]
    code = node.get("code") or node.get("type")
    if isinstance(code, str) and code.strip() and not code.startswith(("http://", "https://")):
        return [code]  # GitHub: {"field": "title", "code": "missing_field"}
    return []


def _nested(node: dict[str, Any], depth: int) -> list[ErrorItem]:
    """Items from the node's nested lists/maps (errors, details, fieldViolations, ...)."""
    out: list[ErrorItem] = []
    for key in _NESTED_KEYS:
        value = node.get(key)
        if isinstance(value, list):
            for entry in value:
                if isinstance(entry, str) and key in ("errors", "details", "messages"):
                    out.append(_item(None, entry))
                elif isinstance(entry, dict):
                    out.extend(_node(entry, depth + 1))
        elif isinstance(value, dict) and key in ("errors", "fields", "details"):
            out.extend(_field_map(value, depth + 1))
    return out


def _field_map(node: dict[str, Any], depth: int, prefix: str = "") -> list[ErrorItem]:
    """``{"name": ["msg", ...], "address": {"city": ["msg"]}}`` → one item per message."""
    out: list[ErrorItem] = []
    if depth > _MAX_DEPTH:
        return out
    for key, value in node.items():
        name = f"{prefix}/{key}" if prefix else str(key)
        texts = _strings(value)
        if texts:
            out.extend(_item(None if key in _GENERAL else name, t) for t in texts)
        elif isinstance(value, dict):
            out.extend(_field_map(value, depth + 1, name))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for i, entry in enumerate(value):  # DRF nested lists: {"items": [{"name": ["msg"]}, {}]}
                out.extend(_field_map(entry, depth + 1, f"{name}/{i}"))
    return out


def _node(node: dict[str, Any], depth: int) -> list[ErrorItem]:
    """One error item (a dict with a message and maybe a field), or the items nested in it.

    Nested items that name a field win over the node's own general message (Google's
    fieldViolations, Microsoft's details); otherwise the node's own (field, message) comes first.
    """
    if depth > _MAX_DEPTH:
        return []
    inner = _nested(node, depth)
    if any(i.field is not None for i in inner):
        return inner
    field = _field_of(node)
    messages = _messages_of(node)
    own = [_item(field, m) for m in messages]
    return own + [i for i in inner if i.message not in messages]


def _top(data: Any) -> list[ErrorItem]:
    if isinstance(data, list):  # a bare list of items or strings
        out: list[ErrorItem] = []
        for entry in data[:_MAX_ITEMS]:
            if isinstance(entry, str):
                out.append(_item(None, entry))
            elif isinstance(entry, dict):
                out.extend(_node(entry, 1))
        return out
    if isinstance(data, str):
        return [_item(None, data)] if data.strip() else []
    if not isinstance(data, dict):
        return []
    error = data.get("error")
    if isinstance(error, dict):  # Stripe, OpenAI, Google, Azure, Microsoft Graph, hier
        return _node(error, 1) or _general(data)
    status = data.get("status")
    if isinstance(status, dict) and isinstance(status.get("error"), str):  # Qdrant
        return [_item(None, status["error"])]
    detail = data.get("detail")
    if isinstance(detail, list):  # FastAPI validation errors
        out = []
        for entry in detail:
            if isinstance(entry, dict):
                out.extend(_node(entry, 1))
            elif isinstance(entry, str):
                out.append(_item(None, entry))
        if out:
            return out
    errors = data.get("errors")
    if isinstance(errors, list | dict) and errors:  # JSON:API, GitHub, GraphQL, Adapty, Laravel, RFC 9457
        items = _nested(data, 0)
        if items:
            return items
    if isinstance(error, str) and error.strip():  # Slack, OAuth 2.0, Spring Boot ("error": the reason phrase)
        described = _strings(data.get("error_description")) or _strings(data.get("message"))
        return [_item(_field_of(data, _TOP_FIELD_KEYS), described[0] if described else error)]
    general = _general(data)
    if general:
        return general
    # Django REST framework: {"name": ["This field is required."], "non_field_errors": [...]}
    return _field_map({k: v for k, v in data.items() if (isinstance(v, list) and _strings(v)) or isinstance(v, dict)},
                      1)


def _general(data: dict[str, Any]) -> list[ErrorItem]:
    """The top-level message: RFC 9457 ``detail`` (else ``title``), ``message``, FastAPI/DRF ``detail``."""
    for key in ("detail", "message", "title", "error_description", "description", "reason", "msg"):
        texts = _strings(data.get(key))
        if texts:
            return [_item(_field_of(data, _TOP_FIELD_KEYS), texts[0])]
    return []
