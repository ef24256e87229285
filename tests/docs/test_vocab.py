"""Type words, yes/no notations, column roles and the prose additions the docs model relies on."""

from __future__ import annotations

import pytest

from contract.docs.blocks import Table, TableRow
from contract.docs.tables import column_roles, normalise
from contract.docs.vocab import normalise_type, parse_flag
from contract.prose import extract


@pytest.mark.parametrize(("written", "expected"), [
    ("String", ("string", None)),
    ("ISO 8601 date", ("string", "date")),
    ("ISO 8601 date-time", ("string", "date-time")),
    ("datetime", ("string", "date-time")),
    ("UUID", ("string", "uuid")),
    ("Dictionary", ("object", None)),
    ("JSON object", ("object", None)),
    ("Float", ("number", "float")),
    ("Integer", ("integer", None)),
    ("int64", ("integer", "int64")),
    ("Boolean", ("boolean", None)),
    ("Array of strings", ("array", None)),
    ("string[]", ("array", None)),
    ("`str`", ("string", None)),
    ("String or Float", (["number", "string"], None)),
    ("String or null", (["null", "string"], None)),
    ("Integer / Integer", ("integer", None)),
    ("Widget", (None, None)),
    ("", (None, None)),
])
def test_normalise_type(written: str, expected: tuple[object, object]) -> None:
    assert normalise_type(written) == expected


@pytest.mark.parametrize(("cell", "expected"), [
    ("➕", True), ("➖", False), ("✅", True), ("❌", False), ("✓", True), ("✗", False), ("✔️", True),
    ("yes", True), ("No", False), ("true", True), ("FALSE", False), ("required", True), ("optional", False),
    ("Y", True), ("n", False), ("-", False), ("**Yes**", True), ("Yes, for Android", True), ("", None),
    ("maybe", None), ("depends", None),
])
def test_parse_flag(cell: str, expected: bool | None) -> None:
    assert parse_flag(cell) is expected


def test_column_roles() -> None:
    header = ["Parameter", "Type", "Required in request", "Nullable in request", "Description"]
    assert column_roles(header) == {"name": 0, "type": 1, "required": 2, "nullable": 3, "description": 4}
    assert column_roles(["Header", "Format", "Optional"]) == {"name": 0, "type": 1, "optional": 2}
    assert column_roles(["Value", "Meaning"]) == {"description": 1, "name": 0}


def test_shift_is_not_repaired_when_flags_would_not_line_up() -> None:
    table = Table("f", 1, header=["Name", "Type", "Required"], rows=[TableRow(["String", "something", "x"], 3)])
    rows = normalise(table)
    assert not rows[0].shifted and rows[0].cells["name"] == "String"


def test_prose_always_and_enum() -> None:
    said = [(c.keyword, c.value) for c in extract("Short error name. Always not_authenticated .")]
    assert said == [("const", "not_authenticated")]
    assert [(c.keyword, c.value) for c in extract("HTTP status. Always 404 .")] == [("const", 404)]
    assert [(c.keyword, c.value) for c in extract("This is always sent when paying.")] == []
    enum = extract("The store. Possible values are: `app_store`, `play_store` or `stripe`.")
    assert [(c.keyword, c.value) for c in enum] == [("enum", ["app_store", "play_store", "stripe"])]
    assert extract("Allowed values include anything the store accepts and more") == []


def test_prose_either_says_when_it_is_about_headers() -> None:
    rule = extract("Profile_id or customer_user_id must be set up as a header as described in Authorization.")
    assert [(c.value, c.extra) for c in rule] == [(("Profile_id", "customer_user_id"), {"in": "header"})]
    body_rule = extract("Either `email` or `phone` is required.")
    assert [(c.value, c.extra) for c in body_rule] == [(("email", "phone"), {})]


def test_every_anomaly_kind_in_the_code_is_registered() -> None:
    import re
    from pathlib import Path

    from contract.docs import findings

    root = Path(findings.__file__).parent
    pattern = re.compile(r"\"((?:table|example|include|mdx|embed)\.[a-z_]+)\"")
    used = {m for path in root.rglob("*.py") if path.name != "findings.py"
            for m in pattern.findall(path.read_text(encoding="utf-8"))}
    assert used and used <= findings.ANOMALY_CHECKS.keys(), used - findings.ANOMALY_CHECKS.keys()
