"""Answers that are valid against the spec: a documented status, its media type, a body drawn from its schema.

Every body starts as a value drawn from the response schema (seeded by the operation and the
instance, so the same instance always gets the same server-generated fields); what the emulator
knows (a stored instance, the fields a request sent) is laid over it at the resource's place in
the body, and whatever of that the schema refuses is taken back, field by field, until the
project's response validator accepts the whole answer. So an answer is never invalid because a
client sent a value the response schema words differently (a form-encoded number, an extra field).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from contract.core.schema_facts import local_resolver, resolved
from contract.generate.values import SchemaValues, Unsatisfiable
from contract.load import Spec
from contract.model import Location, Operation, Response
from contract.replay.roundtrip import unwrap
from contract.validate import Validators, is_json_media

__all__ = ["Answer", "Renderer", "status_code"]

log = logging.getLogger("contract.sandbox.generic")
_FIT_ROUNDS = 6
_GREEDY_FIELDS = 64
# Set by the HTTP layer, never by the app (OpenAI documents Transfer-Encoding: a drawn value would break framing).
_SERVER_HEADERS = frozenset({"content-type", "content-length", "transfer-encoding", "connection", "keep-alive",
                             "upgrade", "te", "trailer", "date", "server"})
_KIN = {401: 403, 404: 410}  # the next-best documented status for a refusal of this kind
_MAX_BODY = 128 * 1024  # a body this large is drawn again with only the required properties


@dataclass(slots=True)
class Answer:
    status: int
    body: bytes = b""
    media_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    value: Any = None  # the JSON value sent (None when no JSON body)


def status_code(key: str) -> int:
    """`200` → 200, `2XX` → 200, `4XX` → 400; `default` is read as the success it stands for."""
    if key.isdigit():
        return int(key)
    if len(key) == 3 and key[0].isdigit() and key[1:].upper() == "XX":
        return int(key[0]) * 100
    return 200


def _media(resp: Response) -> str | None:
    """The media type answered: JSON when the response offers it, else the first one documented."""
    if not resp.content:
        return None
    return next((m for m in resp.content if is_json_media(m)), next(iter(resp.content)))


class Renderer:
    """Builds answers for one spec; schemas and generators are compiled on first use and kept."""

    def __init__(self, spec: Spec, validators: Validators, seed: int) -> None:
        self.spec = spec
        self.validators = validators
        self.values = SchemaValues(seed)
        self._schemas: dict[tuple[str, str, str], Any] = {}
        self._converted: dict[tuple[str | None, str], Any] = {}
        self._failed: set[tuple[str, str]] = set()

    # ---------------------------------------------------------------- statuses

    def success(self, op: Operation, prefer: Sequence[str] = ()) -> str | None:
        """The documented success status key: `prefer`red ones first, then the lowest 2xx, then `default`."""
        keys = [k for k in op.responses if k.startswith("2")]
        for want in prefer:
            if want in keys:
                return want
        if keys:
            return sorted(keys, key=lambda k: (k.upper() == "2XX", k))[0]
        return "default" if "default" in op.responses else None

    def client_error(self, op: Operation) -> int:
        """The status the operation documents for a bad request: 400, 422, another 4xx; 400 when none is."""
        documented = [k for k in op.responses if k.startswith("4")]
        for want in ("400", "422"):
            if want in documented:
                return int(want)
        others = sorted(k for k in documented if k.isdigit() and k not in ("401", "403", "404", "405", "409",
                                                                            "429"))
        if others:
            return int(others[0])
        if any(not k.isdigit() for k in documented) or "default" in op.responses or "404" not in documented:
            return 400  # `4XX`/`default` cover it, or nothing is documented: the fallback
        return 404  # only "not found" is documented: a request naming nothing valid finds nothing

    def refusal(self, op: Operation, wanted: int) -> int:
        """`wanted` (401, 404) when the operation documents it (exactly, `4XX` or `default`), else its kin
        (403 for 401, 410 for 404), else its client error.

        An answer is never given a status the spec does not list for the operation when one it
        lists says the same thing well enough (a refusal is a refusal): Twilio Lookups documents
        only 400 on its overrides, so an override that does not exist is a 400 there, as a client
        written against that spec expects; with no client error documented, `wanted` it is.
        """
        if self.validators.response(op).documented_status(wanted) is not None:
            return wanted
        kin = _KIN.get(wanted)
        if kin is not None and str(kin) in op.responses:
            return kin
        other = self.client_error(op)
        return other if self.validators.response(op).documented_status(other) is not None else wanted

    # ---------------------------------------------------------------- bodies

    def _schema(self, op: Operation, key: str, media: str) -> Any:
        cache = (op.key, key, media)
        if cache not in self._schemas:
            mt = op.responses[key].content[media]
            self._schemas[cache] = self._convert(mt.schema, mt.where) if mt.schema is not None else None
        return self._schemas[cache]

    def _convert(self, schema: Any, where: Location | None) -> Any:
        """The self-contained schema of `schema`, one object per schema as written (and file): every operation
        answering Stripe's `customer` shares it, so the drawer finds its generator by identity instead of
        serialising a converted tree with all its `$defs` once per operation (1,690 times, 37 CPU s a walk)."""
        key = (where.file if where is not None else None, json.dumps(schema, sort_keys=True, default=str))
        if key not in self._converted:
            self._converted[key] = self.spec.json_schema(schema, "response")
        return self._converted[key]

    def draw(self, op: Operation, key: str, *parts: object) -> Any:
        """A body value for response `key` of `op` (None when it has no body or no schema)."""
        resp = op.responses[key]
        media = _media(resp)
        if media is None:
            return None
        schema = self._schema(op, key, media)
        if schema is None:
            return None
        try:
            value = self.values.draw(schema, op.key, key, *parts)
            if len(json.dumps(value, default=str, ensure_ascii=False).encode("utf-8")) > _MAX_BODY:
                value = self.values.draw(schema, op.key, key, *parts, full=False)
        except (Unsatisfiable, RecursionError) as exc:
            if (op.key, key) not in self._failed:
                self._failed.add((op.key, key))
                log.warning("%s %s: no body can be drawn from the schema (%s)", op.key, key, exc)
            return None
        return value

    def shaped_like(self, op: Operation, key: str, member: Operation, *parts: object,
                    items_at: tuple[str, ...] | None = None) -> Any:
        """A body for response `key` of `op` drawn from `member`'s success answer instead (an item of it, for a
        list whose items are at `items_at`), when `op` answers a union (`anyOf`/`oneOf`) that accepts that shape
        whole; else None.

        Stripe's `POST /v1/customers/{customer}/bank_accounts` answers `payment_source` (account, bank account,
        card, source…) while the list and the read of that collection answer `bank_account` (and the list of
        `/sources` holds no `account`): an instance drawn as another branch could never be listed there, and
        the list would fall back to drawn items."""
        media = _media(op.responses[key])
        other = self.success(member)
        if media is None or not is_json_media(media) or other is None or (member.key, other) == (op.key, key):
            return None
        schema = self._schema(op, key, media)
        node = resolved(schema, local_resolver(schema))
        if not isinstance(node, dict) or not (node.get("anyOf") or node.get("oneOf")):
            return None
        value = self.draw(member, other, *parts)
        if items_at is not None:
            value = unwrap(value, items_at)
            value = value[0] if isinstance(value, list) and value else None
        if not isinstance(value, dict):
            return None
        text = json.dumps(value, default=str).encode("utf-8")
        found = self.validators.response(op).validate(status_code(key), {"content-type": media}, text)
        return value if not [v for v in found if v.part == "body"] else None

    def headers(self, op: Operation, key: str, *parts: object) -> dict[str, str]:
        """A value for every documented response header, except those the HTTP server owns (framing, the
        connection) and Content-Type (`content` says it)."""
        out: dict[str, str] = {}
        for name, header in op.responses[key].headers.items():
            if name.lower() in _SERVER_HEADERS:
                continue
            if header.schema is None:
                out[name] = "sandbox"
                continue
            cache = (op.key, key, "header " + name)
            if cache not in self._schemas:
                self._schemas[cache] = self._convert(header.schema, header.where)
            schema = self._schemas[cache]
            try:
                value = self.values.draw(schema, op.key, key, name, *parts, context="header", name=name)
            except (Unsatisfiable, RecursionError):
                continue
            out[name] = value if isinstance(value, str) else json.dumps(value) if not isinstance(value, bool) \
                else str(value).lower()
        return out

    def answer(self, op: Operation, key: str | None, *parts: object, status: int | None = None,
               overlay: Mapping[str, Any] | None = None, at: tuple[str, ...] = (),
               items: Sequence[Mapping[str, Any]] | None = None, items_at: tuple[str, ...] = (),
               base: Any = None) -> Answer:
        """The answer for response `key`: drawn (or `base`, a valid body to start from), with `overlay` laid at
        `at` (or `items` as the array at `items_at`), fitted until valid. `status` overrides the code sent (an
        error's own code)."""
        if key is None:
            return Answer(status or 200)
        code = status if status is not None else status_code(key)
        media = _media(op.responses[key])
        headers = self.headers(op, key, *parts)
        if media is None:
            return Answer(code, headers=headers)
        base = self.draw(op, key, *parts) if base is None else base
        if base is None and (op.key, key) in self._failed and status is None:
            other = next((k for k in sorted(op.responses) if k.startswith("2") and k != key
                          and (op.key, k) not in self._failed), None)
            if other is not None:  # Discord's interaction callback: a 200 nobody can draw, a 204 anyone can
                return self.answer(op, other, *parts, overlay=overlay, at=at, items=items, items_at=items_at)
        value = base
        if overlay is not None or items is not None:
            value = self._fit(op, code, media, base, overlay, at, items, items_at, headers)
        if is_json_media(media):
            body = json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
        else:
            body = (value if isinstance(value, str) else json.dumps(value)).encode("utf-8") if value is not None \
                else b""
        return Answer(code, body, media, headers, value)

    def _fit(self, op: Operation, code: int, media: str, base: Any, overlay: Mapping[str, Any] | None,
             at: tuple[str, ...], items: Sequence[Mapping[str, Any]] | None, items_at: tuple[str, ...],
             headers: Mapping[str, str]) -> Any:
        """`base` with what is known laid over it, minus the fields the response schema refuses."""
        if not is_json_media(media):
            return base
        validator = self.validators.response(op)
        check_headers = {**headers, "content-type": media}
        candidate = _copy(base) if isinstance(base, dict) or at or items_at else base
        if items is not None:
            rows = [dict(row) for row in items]
            if not items_at:
                candidate = rows
            else:
                container = _dig(candidate, items_at[:-1]) if isinstance(candidate, dict) else None
                if container is None:
                    return base
                container[items_at[-1]] = rows
            root = items_at
        else:
            rows = []
            target = _dig(candidate, at) if isinstance(candidate, dict) else None
            if target is None:
                return base
            for name, value in (overlay or {}).items():  # objects merged into what was drawn: its required parts stay
                target[name] = _merged(target.get(name), value)
            root = at
        for _round in range(_FIT_ROUNDS):
            violations = validator.validate(code, check_headers, json.dumps(candidate, default=str).encode("utf-8"))
            body_errors = [v for v in violations if v.part == "body"]
            if not body_errors:
                return candidate
            changed = False
            for v in body_errors:
                tokens = [t.replace("~1", "/").replace("~0", "~") for t in v.pointer.split("/")[1:]]
                if tokens[:len(root)] != list(root) or len(tokens) <= len(root):
                    continue
                rest = tokens[len(root):]
                if items is not None:
                    if not rest[0].isdigit() or int(rest[0]) >= len(rows):
                        continue
                    row, rest = rows[int(rest[0])], rest[1:]
                    if rest and rest[0] in row:
                        del row[rest[0]]
                        changed = True
                    continue
                target = _dig(candidate, root)
                original = _dig(base, root) if isinstance(base, dict) else None
                name = rest[0]
                if target is None or name not in target:
                    continue
                if original is not None and name in original and target[name] != original[name]:
                    target[name] = _copy(original[name])
                    changed = True
                elif original is None or name not in original:
                    del target[name]
                    changed = True
            if not changed:
                break
        return self._greedy(validator, code, check_headers, base, overlay, at, items, items_at)

    def _greedy(self, validator: Any, code: int, headers: Mapping[str, str], base: Any,
                overlay: Mapping[str, Any] | None, at: tuple[str, ...], items: Sequence[Mapping[str, Any]] | None,
                items_at: tuple[str, ...]) -> Any:
        """When the validator's pointers do not say which field to take back (a `oneOf` at the top): add the
        known fields one at a time, keeping each the schema accepts."""
        if items is not None or not isinstance(base, dict) or not overlay:
            return base

        def valid(value: Any) -> bool:
            text = json.dumps(value, default=str).encode("utf-8")
            return not [v for v in validator.validate(code, headers, text) if v.part == "body"]

        candidate = _copy(base)
        if not valid(candidate):
            return base
        for name, value in list(overlay.items())[:_GREEDY_FIELDS]:
            target = _dig(candidate, at)
            if target is None:
                return base
            had, old = name in target, target.get(name)
            target[name] = value
            if not valid(candidate):
                if had:
                    target[name] = old
                else:
                    del target[name]
        return candidate


def _merged(drawn: Any, known: Any) -> Any:
    if isinstance(drawn, dict) and isinstance(known, dict):
        return {**drawn, **{k: _merged(drawn.get(k), v) for k, v in known.items()}}
    return _copy(known)


def _copy(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _dig(value: Any, path: Sequence[str]) -> dict[str, Any] | None:
    """The object at `path` inside `value`, created when missing; None when something else is there."""
    node = value
    for key in path:
        if not isinstance(node, dict):
            return None
        if not isinstance(node.get(key), dict):
            if key in node and node[key] is not None:
                return None
            node[key] = {}
        node = node[key]
    return node if isinstance(node, dict) else None
