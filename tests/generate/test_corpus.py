"""One operation with a body from every spec of the shared corpus (Swagger 2.0 ones read as 3.0)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract.generate import generate_cases, prose_constraints
from contract.generate.engine import FORM_OBJECT, FORM_TEXT, body_operation
from contract.load import load_spec
from contract.model import Case
from contract.validate import Validators

from .helpers import label_agrees
from .strict_checker import what_else_breaks

CORPUS = Path(__file__).parents[2].parent / "shared" / "corpus"
SPECS = sorted(p for p in CORPUS.glob("*") if p.suffix in (".yaml", ".json")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not SPECS, reason=f"corpus not found at {CORPUS}")
@pytest.mark.parametrize("path", SPECS, ids=[p.name for p in SPECS])
def test_corpus_operation_with_a_body(path: Path) -> None:
    spec = load_spec(path)
    op = body_operation(spec)
    if op is None:
        pytest.skip("no operation with a request body")
    result = generate_cases(spec, op, mode="all", count=40, seed=4, budget=30)
    validator = Validators(spec).request(op)
    conforming = [c for c in result.cases if c.mode == "conforming"]
    violating = [c for c in result.cases if c.mode == "violating"]
    assert [f.message for f in result.findings if f.check in ("generate.unsatisfiable", "generate.budget")] == []
    assert len(conforming) == 40
    assert [validator.validate_case(c) for c in conforming if validator.validate_case(c)] == []
    assert len(violating) >= 40
    assert [(c.label, validator.validate_case(c)) for c in violating
            if not label_agrees(c, validator.validate_case(c))] == []
    if not any(f.check == "generate.validator_unusable" for f in result.findings):
        sendable = [r for r in result.coverage if r.note not in (FORM_TEXT, FORM_OBJECT)]  # unbreakable in a form
        assert sum(1 for r in sendable if r.cases) >= len(sendable) // 4


_PARAM_PARTS = ("header/", "query/", "path/", "cookie/")


@pytest.mark.skipif(not SPECS, reason=f"corpus not found at {CORPUS}")
@pytest.mark.parametrize("path", SPECS, ids=[p.name for p in SPECS])
def test_corpus_violating_cases_break_their_label_only_and_travel_as_labelled(path: Path) -> None:
    """Operations with parameters (and the body one): every violating case breaks its label and no other
    known constraint (spec or prose); every parameter travels as a non-empty string, as its label says."""
    spec = load_spec(path)
    ops = [op for op in spec.operations if op.parameters][:6]
    body_op = body_operation(spec)
    if body_op is not None and body_op not in ops:
        ops.append(body_op)
    if not ops:
        pytest.skip("no operation with parameters or a body")
    validators = Validators(spec)
    checked = 0
    for op in ops:
        extras = prose_constraints(spec, op)
        result = generate_cases(spec, op, mode="violating", count=10, seed=2, budget=15, extra=extras,
                                validators=validators)
        validator = validators.request(op)
        for case in result.cases:
            assert case.label is not None
            found = validator.validate_case(case)
            assert what_else_breaks(case, found, extras) == [], (op.key, case.label, found)
            sent = [*case.query.values(), *case.path_params.values(), *case.headers.values()]
            assert all(isinstance(v, str) and v != "" for v in sent), (op.key, case.label, sent)
            if case.label.pointer.startswith(_PARAM_PARTS) and case.label.keyword not in (
                    "required", "either", "security") and case.label.source == "spec":
                _says_what_is_sent(case)
            checked += 1
    assert checked


def _says_what_is_sent(case: Case) -> None:
    """A parameter label describes the wire value: its JSON-quoted string, or its length or item count."""
    assert case.label is not None
    part, name = case.label.pointer.split("/")[:2]
    if part == "header":
        value = next(v for k, v in case.headers.items() if k.lower() == name.lower())
    else:
        value = {"query": case.query, "path": case.path_params}.get(part, {}).get(name)
        if value is None:  # a cookie
            cookie = next(v for k, v in case.headers.items() if k.lower() == "cookie")
            value = dict(p.strip().split("=", 1) for p in cookie.split(";"))[name]
    text = case.label.description
    items = value.split(",")
    if case.label.keyword in ("minLength", "maxLength"):
        assert text.endswith(("-char " + name, "-char " + case.label.pointer.rsplit("/", 1)[-1])), text
    elif case.label.keyword in ("minItems", "maxItems"):
        assert text == f"{len(items)}-item {name}", (text, value)
    elif case.label.keyword == "uniqueItems":
        assert len(set(items)) < len(items), (text, value)
    else:
        shown = [json.dumps(v, ensure_ascii=False) for v in (value, *items)]
        assert any(s in text or s[:38] in text for s in shown), (text, value)
