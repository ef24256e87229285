"""How docs pages write types and yes/no flags, mapped onto JSON Schema terms.

Writers say "ISO 8601 date", "Dictionary" or "Float" and mark required columns
with ➕/➖, ✅/❌, "yes"/"no" or "-". Comparing with a spec needs one reading of
all of them; knowing the type words also lets the table code notice a row whose
cells slid one column over.
"""

from __future__ import annotations

import re

from contract.docs.model import JsonType

_TRUE = {"➕", "+", "✅", "✔", "✔️", "✓", "☑", "☑️", "yes", "y", "true", "required", "mandatory", "x"}
_FALSE = {"➖", "✖", "✖️", "❌", "✗", "✘", "no", "n", "false", "optional", "-", "—", "–", "−", "not required"}

# (pattern, json type, format); first match wins, so specific readings come first.
_TYPES: list[tuple[re.Pattern[str], JsonType, str | None]] = [
    (re.compile(p, re.IGNORECASE), t, f)
    for p, t, f in [
        (r"^(?:array|list)\b.*|.*\[\]$|^array of\b.*|^list of\b.*", "array", None),
        (r"^(?:iso[\s-]*8601\s+)?(?:date[\s-]*time|datetime)\b.*|^timestamp\s*\(iso.*", "string", "date-time"),
        (r"^(?:iso[\s-]*8601\s+)?date\b.*", "string", "date"),
        (r"^iso[\s-]*8601\b.*", "string", "date-time"),
        (r"^uuid\b.*", "string", "uuid"),
        (r"^e-?mail\b.*", "string", "email"),
        (r"^(?:url|uri)\b.*", "string", "uri"),
        (r"^(?:str|string|text|enum)\b.*", "string", None),
        (r"^(?:int64|long)\b.*", "integer", "int64"),
        (r"^(?:int32)\b.*", "integer", "int32"),
        (r"^(?:int|integer)\b.*", "integer", None),
        (r"^float\b.*", "number", "float"),
        (r"^double\b.*", "number", "double"),
        (r"^(?:number|decimal|numeric)\b.*", "number", None),
        (r"^(?:bool|boolean)\b.*", "boolean", None),
        (r"^(?:object|dict|dictionary|map|hash|json(?:\s+object)?)\b.*", "object", None),
        (r"^null$", "null", None),
    ]
]
_ALTERNATIVES = re.compile(r"\s*(?:\bor\b|/|,|\|)\s*", re.IGNORECASE)


def _clean(text: str) -> str:
    text = re.sub(r"[`*_]", "", text or "").strip()
    return " ".join(text.split())


# A yes/required cell that names its condition (listmonk's "Required for `add`", the "Required if …" and "REQUIRED
# if …" cells of many READMEs' parameter tables): the field is required only sometimes.
_CONDITIONAL = re.compile(r"^(?:required|mandatory)\b[\s,:;(—-]*(?:only\s+)?(?:for|when|if|unless|with)\b")


def parse_flag(text: str | None) -> bool | None:
    """Read a yes/no cell; None for empty or unreadable cells."""
    cell = _clean(text or "").rstrip(".").lower()
    if not cell:
        return None
    if cell in _TRUE or cell.replace("\ufe0f", "") in _TRUE:
        return True
    if cell in _FALSE or cell.replace("\ufe0f", "") in _FALSE:
        return False
    if _CONDITIONAL.match(cell):
        return None  # "Required for `add`", "Required if `authMode` = `account`": neither always nor never
    first = cell.split()[0].rstrip(",;:")
    if first in {"yes", "required", "mandatory", "true"}:
        return True
    if first in {"no", "optional", "false"}:
        return False
    return None


def is_flag(text: str | None) -> bool:
    return parse_flag(text) is not None or not _clean(text or "")


def _one_type(text: str) -> tuple[JsonType, str | None]:
    for pattern, json_type, fmt in _TYPES:
        if pattern.match(text):
            return json_type, fmt
    return None, None


def normalise_type(text: str | None) -> tuple[JsonType, str | None]:
    """The JSON type (or list of types) and format a written type means; (None, None) if unknown.

    "String or Float" → (["number", "string"], None); "String or null" → (["null", "string"], None).
    """
    cell = _clean(text or "")
    if not cell:
        return None, None
    json_type, fmt = _one_type(cell)
    if json_type is not None and not _ALTERNATIVES.search(cell.split("(")[0]):
        return json_type, fmt
    parts = [p for p in _ALTERNATIVES.split(cell) if p]
    if len(parts) > 1:
        readings = [_one_type(p) for p in parts]
        if all(t is not None for t, _ in readings):
            types = sorted({t for t, _ in readings if isinstance(t, str)})
            if len(types) == 1:
                return types[0], readings[0][1]
            return types, None
    return json_type, fmt


def is_type_word(text: str | None) -> bool:
    return normalise_type(text)[0] is not None
