"""Constraints that humans state in prose but schemas often lack.

Spec descriptions and docs pages say things like "no more than 30 characters" or
"Either `a` or `b` is required". Lint compares them with the schema, the docs
model compares them with the spec, and generation can honour them; all three use
this one extractor so they agree on what a sentence means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_NUM = r"(\d+(?:\.\d+)?)"
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "twenty": 20, "thirty": 30, "fifty": 50, "hundred": 100,
}


@dataclass(frozen=True, slots=True)
class ProseConstraint:
    """One constraint read from a sentence.

    `subject` says what it applies to: "value" (the field itself), "items" (array
    length / object size), "key" / "value" inside a key-value collection, or
    "either" for a one-of-these-is-required rule (then `value` lists the names).
    `keyword` is the JSON Schema keyword that would express it.
    """

    keyword: str
    value: Any
    subject: str = "value"
    text: str = ""  # the sentence it came from
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def _num(text: str) -> int | float:
    text = text.lower()
    if text in _WORDS:
        return _WORDS[text]
    value = float(text)
    return int(value) if value.is_integer() else value


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`*_])|\n\s*\n|(?<=\.)\s*(?=Key:|Value:)")
_LEN = re.compile(
    r"(?:no\s+(?:more|longer)\s+than|not\s+(?:more|longer)\s+than|at\s+most|up\s+to|maximum\s+(?:of\s+)?|"
    r"max(?:imum)?\.?\s+length\s+(?:of\s+|is\s+)?|a\s+maximum\s+of|less\s+than\s+or\s+equal\s+to)\s*"
    rf"({_NUM[1:-1]}|\w+)\s+(characters?|chars?|symbols?|letters?|bytes?|items?|elements?|entries|attributes?|"
    r"values?|keys?|custom\s+attributes?|[a-z_]+s)\b",
    re.IGNORECASE,
)
_MIN = re.compile(
    r"(?:at\s+least|no\s+(?:fewer|less)\s+than|minimum\s+(?:of\s+)?)\s*"
    rf"({_NUM[1:-1]}|\w+)\s+(characters?|chars?|items?|elements?|entries|attributes?|values?|keys?|[a-z_]+s)\b",
    re.IGNORECASE,
)
_CHARSET = re.compile(
    r"only\s+((?:(?:latin\s+)?letters|numbers|digits|dashes|hyphens|underscores|points|periods|dots|spaces)"
    r"(?:\s*(?:,\s*(?:and|or)?|and|or|&)\s*(?:(?:latin\s+)?letters|numbers|digits|dashes|hyphens|underscores|points|periods|dots|"
    r"spaces))*)",
    re.IGNORECASE,
)
_EITHER = re.compile(
    r"either\s+`?([\w.\-]+)`?\s+or\s+`?([\w.\-]+)`?\s+(?:is|must\s+be)\s+(?:required|set|provided|specified)",
    re.IGNORECASE,
)
_EITHER_ALT = re.compile(
    r"`?([\w.\-]+)`?\s+(?:and/or|or)\s+`?([\w.\-]+)`?\s+must\s+be\s+(?:set|included|provided|specified|present)",
    re.IGNORECASE,
)
_CONVERTED = re.compile(r"(\w+?)s?\s+will\s+be\s+converted\s+to\s+(\w+?)s?\b", re.IGNORECASE)
_DELETE = re.compile(
    r"to\s+delete\s+(?:an?\s+)?(\w+).*?send\s+(?:an?\s+)?(empty\s+value|empty\s+string|null)(?:\s+or\s+(null|empty\s+value))?",
    re.IGNORECASE,
)
_ONLY_TYPES = re.compile(
    r"only\s+(strings?|floats?|numbers?|integers?|booleans?)(?:\s+and\s+(strings?|floats?|numbers?|integers?|booleans?))?"
    r"\s+are\s+allowed",
    re.IGNORECASE,
)
_MUST_BE_TYPES = re.compile(
    r"must\s+be\s+an?\s+(string|float|number|integer|boolean)(?:\s+or\s+(string|float|number|integer|boolean))?",
    re.IGNORECASE,
)
_TOKEN = r"([\w\-]+(?:\.[\w\-]+)*)"  # dots only inside: "Always 401." is 401
_ALWAYS = re.compile(rf"^always\s+[`\"']?{_TOKEN}[`\"']?\s*\.?$", re.IGNORECASE)
_ENUM = re.compile(
    r"(?:possible|allowed|accepted|valid|supported)\s+values?\s*(?:are|include|:)\s*:?\s*(.+?)\.?$",
    re.IGNORECASE,
)
_ENUM_ITEM = re.compile(rf"^[`\"']?{_TOKEN}[`\"']?$")

_CHAR_CLASSES = {
    "letters": "A-Za-z", "latin letters": "A-Za-z", "numbers": "0-9", "digits": "0-9",
    "dashes": r"\-", "hyphens": r"\-", "underscores": "_", "points": r"\.", "periods": r"\.", "dots": r"\.",
    "spaces": " ",
}
_TYPE_NAMES = {"string": "string", "float": "number", "number": "number", "integer": "integer", "boolean": "boolean"}


def _own_subject(sentence: str) -> str | None:
    """The subject a sentence names itself ("Key: ...", "The attribute value ..."), if any."""
    head = sentence.strip().lower()
    if head.startswith("key") or re.match(r"the\s+(?:attribute\s+)?key\b", head):
        return "key"
    if head.startswith("value") or re.match(r"the\s+(?:attribute\s+)?value\b", head):
        return "value-of-entry"
    return None


def _unit_subject(unit: str) -> str:
    unit = unit.lower()
    if unit.startswith(("char", "symbol", "letter", "byte")):
        return "length"
    return "count"


def extract(text: str | None) -> list[ProseConstraint]:
    """All constraints a description states, in the order they appear."""
    if not text:
        return []
    out: list[ProseConstraint] = []
    carried: str | None = None  # "Only letters ... allowed" continues the previous sentence's subject
    for raw in _SENTENCE.split(text):
        sentence = " ".join(raw.split())
        if not sentence:
            continue
        own = _own_subject(sentence)
        if own is None and not sentence.lower().startswith("only"):
            carried = None
        carried = own or carried

        def _subject_of(_sentence: str, default: str, _subject: str | None = carried) -> str:
            return _subject or default

        for rx, length_kw, count_kw in ((_LEN, "maxLength", "maxItems"), (_MIN, "minLength", "minItems")):
            for m in rx.finditer(sentence):
                try:
                    n = _num(m.group(1))
                except ValueError:
                    continue
                if _unit_subject(m.group(2)) == "length":
                    out.append(ProseConstraint(length_kw, n, _subject_of(sentence, "value"), sentence))
                else:
                    out.append(ProseConstraint(count_kw, n, "items", sentence))
        for m in _CHARSET.finditer(sentence):
            names = re.split(r"\s*(?:,|\band\b|\bor\b|&)\s*", m.group(1).lower())
            classes = "".join(_CHAR_CLASSES[n.strip()] for n in names if n.strip() in _CHAR_CLASSES)
            if classes:
                out.append(ProseConstraint("pattern", f"^[{classes}]*$", _subject_of(sentence, "value"), sentence))
        for rx in (_EITHER, _EITHER_ALT):
            for m in rx.finditer(sentence):
                where = {"in": "header"} if re.search(r"\bheaders?\b", sentence, re.IGNORECASE) else {}
                out.append(ProseConstraint("either", (m.group(1), m.group(2)), "either", sentence, where))
        for m in _ONLY_TYPES.finditer(sentence):
            types = [_TYPE_NAMES[t.lower().rstrip("s")] for t in m.groups() if t]
            out.append(ProseConstraint("type", sorted(set(types)), _subject_of(sentence, "value"), sentence))
        for m in _MUST_BE_TYPES.finditer(sentence):
            types = [_TYPE_NAMES[t.lower()] for t in m.groups() if t]
            if len(types) > 1:
                out.append(ProseConstraint("type", sorted(set(types)), _subject_of(sentence, "value"), sentence))
        for m in _CONVERTED.finditer(sentence):
            src, dst = m.group(1).lower().rstrip("s"), m.group(2).lower().rstrip("s")
            if src in _TYPE_NAMES and dst in _TYPE_NAMES:
                out.append(ProseConstraint("converts", (_TYPE_NAMES[src], _TYPE_NAMES[dst]), "value", sentence))
        for m in _DELETE.finditer(sentence):
            tokens = {("null" if g.lower() == "null" else "empty") for g in m.groups()[1:] if g}
            out.append(ProseConstraint("deletes-with", sorted(tokens), m.group(1).lower(), sentence))
        if always := _ALWAYS.match(sentence):
            out.append(ProseConstraint("const", _literal(always.group(1)), _subject_of(sentence, "value"), sentence))
        if listing := _ENUM.search(sentence):
            values = _enum_values(listing.group(1))
            if values:
                out.append(ProseConstraint("enum", values, _subject_of(sentence, "value"), sentence))
    return _dedupe(out)


def _literal(token: str) -> Any:
    """"401" → 401, "true" → True, anything else stays text: docs write constants bare."""
    if re.fullmatch(r"-?\d+", token):
        return int(token)
    return {"true": True, "false": False, "null": None}.get(token.lower(), token)


def _enum_values(listing: str) -> list[Any]:
    """Items of "`a`, `b` and `c`" when every item is one bare token; [] for anything looser."""
    items = [i for i in re.split(r"\s*,\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+", listing.strip()) if i]
    values = []
    for item in items:
        m = _ENUM_ITEM.match(item.strip())
        if not m:
            return []
        values.append(_literal(m.group(1)))
    return values if len(values) >= 2 else []


def _dedupe(items: list[ProseConstraint]) -> list[ProseConstraint]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for item in items:
        key = (item.keyword, repr(item.value), item.subject)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
