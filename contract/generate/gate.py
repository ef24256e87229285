"""The self-consistency gate: a case is emitted only if the project's own validator agrees with its label.

Conforming: no violation at all, every extra constraint honoured. Violating: the
validator reports the labelled keyword at the labelled pointer and nothing else
(a wrong type may also fail `enum`/`const` at the same place: one mistake, two
keywords). A value inside an `anyOf`/`oneOf` branch is reported as the
combinator failing; the gate then re-validates the value against that branch
and expects the label there. Everything is checked again after a JSON round
trip, so what is written out is what was checked.

A violating case is checked against *every* known constraint, spec and extra
(prose, docs), in two halves:

- as sent, it breaks exactly the labelled constraint: the validator says only
  that, and every extra constraint holds except the labelled one and those the
  label implies (`allowed`: the same keyword at the same place, at least as
  strict — a 51-character value breaks a docs "at most 30" as surely as the
  prose "at most 50" it is labelled with);
- undone — the same request with the violating site set back to the conforming
  value it was made from — it satisfies everything: no violation, every extra
  constraint honoured. So a rejection can only be about the one broken constraint.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

from contract.core import pointer as jp
from contract.core.http import FORM, form_pairs, form_view, is_form, parse_cookie_header
from contract.core.sentinel import MISSING
from contract.generate.extra import ExtraCheck
from contract.model import Case, Violation
from contract.validate import CompiledSchema, RequestValidator

__all__ = ["Branch", "Expect", "Gate", "roundtrip"]

@dataclass(frozen=True, slots=True)
class Branch:
    """A combinator a violating value sits under: the validator reports `combinator` failing at `pointer`,
    and `schema` (the branch the value was made for) must report the labelled keyword."""

    pointer: str
    combinator: str  # anyOf | oneOf
    schema: CompiledSchema


@dataclass(frozen=True, slots=True)
class Expect:
    """What the validator must say about a violating case."""

    part: str
    pointer: str
    keyword: str
    name: str | None = None  # the property a `required` violation names
    chain: tuple[Branch, ...] = ()  # each combinator the value sits under, outermost first


def roundtrip(case: Case) -> Case:
    """The case as it comes back from JSON (raises ValueError when it cannot make the trip unchanged)."""
    data = {"path_params": case.path_params, "headers": case.headers, "query": case.query,
            "body": case.body, "raw_body": case.raw_body.decode("utf-8") if case.raw_body is not None else None}
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False)
        text.encode("utf-8")
    except (TypeError, ValueError, UnicodeError) as exc:
        raise ValueError(f"not serialisable as UTF-8 JSON: {exc}") from None
    back = json.loads(text)
    if back != data:
        raise ValueError("changed by a JSON round trip")
    body = back["body"]
    if back["raw_body"] is None and isinstance(body, dict) and is_form(case.media_type):
        body = form_view(body)  # what a form or multipart body can carry: no null, no empty array or object
    return Case(case.operation, case.method, case.path, back["path_params"], back["headers"], back["query"],
                body, case.has_body, case.media_type,
                back["raw_body"].encode("utf-8") if back["raw_body"] is not None else None, case.mode, case.label)


class Gate:
    """Checks cases of one operation against its RequestValidator and extra constraints."""

    def __init__(self, validator: RequestValidator, extras: Sequence[ExtraCheck], *, cookies: bool) -> None:
        self.validator = validator
        self.extras = list(extras)
        self.cookies = cookies

    def violations(self, case: Case) -> list[Violation]:
        if not self.cookies:
            return self.validator.validate_case(case)
        # validate_case has no cookies; the generator sends them in a Cookie header.
        cookies = parse_cookie_header(next((v for k, v in case.headers.items() if k.lower() == "cookie"), ""))
        content_type = case.media_type or (case.headers.get("Content-Type") if case.has_body else None)
        return self.validator.validate(headers=case.headers, query=case.query, path_params=case.path_params,
                                       cookies=cookies,
                                       body=case.body if case.has_body and case.raw_body is None
                                       else MISSING,
                                       raw_body=case.raw_body, content_type=content_type)

    def conforming(self, case: Case) -> str | None:
        """None if the case conforms (before and after a JSON round trip), else why not."""
        for c in self._both(case):
            if isinstance(c, str):
                return c
            found = self.violations(c)
            if found:
                return f"conforming case fails: {found[0]}"
            broken = next((x for x in self.extras if not x.holds(c)), None)
            if broken is not None:
                return f"conforming case breaks {broken.extra.source} constraint {broken.extra.keyword}"
        if self._wire_form(case) and self.validator.validate_body(self.validator.read_back(case.body), FORM):
            # an undeclared key holding a bracket (`features[0][a[b]]=x`) has no form spelling: it reads as
            # another field (Stripe-2023's POST /v1/products/{id})
            return "as a form on the wire it reads as a non-conforming request"
        return None

    def violating(self, case: Case, expect: Expect, undone: Case | None,
                  allowed: Collection[ExtraCheck] = ()) -> str | None:
        """None if `case` breaks exactly the labelled spec constraint and `undone` satisfies everything."""
        for c in self._both(case):
            if isinstance(c, str):
                return c
            found = self.violations(c)
            if not _matches(found, expect, c.body):
                shown = "; ".join(f"{v.part} {v.pointer!r} {v.keyword}" for v in found[:3]) or "nothing"
                return f"expected {expect.keyword} at {expect.part} {expect.pointer!r}, validator says {shown}"
            broken = next((x for x in self.extras if x not in allowed and not x.holds(c)), None)
            if broken is not None:
                return f"breaks {_named(broken)} too"
        read = self._read_as_text(case, expect)
        if read is not None:
            return read
        if expect.part == "body" and self._reads_as_conforming(case):
            return "as a form on the wire it also spells a conforming request (a one-value array: `name=x`)"
        return self.undone(undone)

    def _read_as_text(self, case: Case, expect: Expect) -> str | None:
        """Why the violating value is no violation once sent, or None.

        A form field is text (a multipart part without its own media type is `text/plain`; OpenAPI 3.1,
        "Encoding Object"): a server reads its text as whichever type the schema allows, so a value whose text
        is also that of a conforming value breaks nothing on the wire. OpenAI's transcription `stream`
        (`boolean | null`): the string `"null"` or `"true"` arrives as `null` and `true`; its image variation
        `model` (`string | null`): the integer 0 arrives as the string `"0"`. Multipart objects and arrays
        travel as JSON parts and keep their types; in a urlencoded form every leaf is text."""
        if expect.part != "body" or case.raw_body is not None or not isinstance(case.body, dict) \
                or not is_form(case.media_type):
            return None
        tokens = jp.split(expect.pointer)
        if not tokens or (len(tokens) > 1 and (case.media_type or "").split(";", 1)[0].strip().lower() != FORM):
            return None
        value = jp.resolve(case.body, expect.pointer)
        if value is MISSING or value is None or isinstance(value, dict | list):
            return None
        text = form_pairs({"": value})[0][1]
        for reading in _readings(text):
            if reading == value and type(reading) is type(value):
                continue
            if not self.violations(replace(case, body=_replaced(case.body, tokens, reading))):
                return f"sent as text {text!r}, it reads as {json.dumps(reading)}, which conforms"
        return None

    def _reads_as_conforming(self, case: Case) -> bool:
        """A urlencoded violating body whose fields, read back as a server reads the form (:func:`read_form`:
        a lone `name=x` under an array property is the one-item array), conform: the same bytes are what the
        writer sends for a conforming request, so no server could be expected to refuse them (Stripe's
        `default_tax_rates: anyOf: [{type: array}, {enum: [""]}]` broken as the string "_invalid")."""
        return self._wire_form(case) and not self.validator.validate_body(self.validator.read_back(case.body),
                                                                          FORM)

    @staticmethod
    def _wire_form(case: Case) -> bool:
        return case.raw_body is None and isinstance(case.body, dict) and (case.media_type or "").startswith(FORM)

    def extra_violating(self, case: Case, target: ExtraCheck, undone: Case | None,
                        allowed: Collection[ExtraCheck] = ()) -> str | None:
        """None if `case` breaks exactly `target` (nothing of the spec) and `undone` satisfies everything."""
        for c in self._both(case):
            if isinstance(c, str):
                return c
            found = self.violations(c)
            if found:
                return f"breaks the spec too: {found[0]}"
            if target.holds(c):
                return f"{_named(target)} holds"
            broken = next((x for x in self.extras if x is not target and x not in allowed and not x.holds(c)), None)
            if broken is not None:
                return f"breaks {_named(broken)} too"
        return self.undone(undone)

    def undone(self, case: Case | None) -> str | None:
        """None if the violating case with its violation undone satisfies every constraint, else why not.

        Checked once, without the JSON round trip: it is never sent, only reasoned about.
        """
        if case is None:
            return "no undone case to check"
        found = self.violations(case)
        if found:
            return f"undone, the case still fails: {found[0]}"
        broken = next((x for x in self.extras if not x.holds(case)), None)
        if broken is not None:
            return f"undone, the case still breaks {_named(broken)}"
        return None

    @staticmethod
    def _both(case: Case) -> list[Case | str]:
        try:
            return [case, roundtrip(case)]
        except ValueError as exc:
            return [str(exc)]


def _readings(text: str) -> list[Any]:
    """The values a form field's text can stand for: itself, and the boolean, null or number it spells."""
    out: list[Any] = [text]
    if text in ("true", "false"):
        out.append(text == "true")
    if text in ("", "null"):
        out.append(None)
    try:
        number = float(text)
    except ValueError:
        return out
    if math.isfinite(number):
        out.append(int(text) if text.lstrip("-").isdigit() else number)
    return out


def _replaced(body: Any, tokens: Sequence[str], value: Any) -> Any:
    """A copy of `body` with `value` at `tokens` (the containers on the way copied, the rest shared)."""
    if not tokens:
        return value
    head, rest = tokens[0], tokens[1:]
    if isinstance(body, list):
        out = list(body)
        out[int(head)] = _replaced(body[int(head)], rest, value)
        return out
    return {**body, head: _replaced(body[head], rest, value)}


def _named(check: ExtraCheck) -> str:
    e = check.extra
    return f"{e.source} constraint {e.keyword} at {e.location or e.part}"


def _matches(found: list[Violation], expect: Expect, body: Any) -> bool:
    if expect.chain:
        branch = expect.chain[0]
        pointer = branch.pointer
        if not found or any((v.part, v.pointer, v.keyword) != ("body", pointer, branch.combinator) for v in found):
            return False
        inner = [replace(v, pointer=pointer + v.pointer) for v in branch.schema.errors(jp.resolve(body, pointer))]
        return _matches(inner, replace(expect, chain=expect.chain[1:]), body)
    quoted = json.dumps(expect.name) if expect.name is not None else None
    hits = [v for v in found if v.part == expect.part and v.pointer == expect.pointer and
            v.keyword == expect.keyword and (quoted is None or quoted in v.message)]
    if not hits:
        return False
    for v in found:
        if v in hits:
            continue
        if not (expect.keyword == "type" and v.part == expect.part and v.pointer == expect.pointer
                and v.keyword in ("enum", "const")):
            return False
    return True
