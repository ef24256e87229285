"""Minimal violating cases: each breaks its one labelled constraint and satisfies every other known one.

"Known" is the strictest reading of the seed: the spec, the prose of its descriptions and the
docs pages (the constraints `contract check` gives the generator: `prose_constraints` plus
`docs_constraints` of the spec↔docs drift), for both profile operations (POST from the spec,
PATCH from the docs page).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract.compare.probes import docs_constraints
from contract.docs import DocsPage, read_docs
from contract.generate import ExtraConstraint, generate_cases, prose_constraints
from contract.load import Spec
from contract.model import Case, Operation
from contract.pipeline import offline
from contract.replay.operations import docs_operations
from contract.validate import Validators

from .strict_checker import docs_attribute_problems, what_else_breaks

ROOT = Path(__file__).parents[2]
DOCS = [ROOT / "specs" / "003_adc150077d28c6e1.txt", ROOT / "specs" / "000_f29c871810a0beae.txt"]
AUTH = {"Authorization": "Api-Key test"}


@pytest.fixture(scope="module")
def pages() -> list[DocsPage]:
    return [read_docs(p) for p in DOCS]


@pytest.fixture(scope="module")
def profile_ops(seed_spec: Spec, pages: list[DocsPage]) -> list[tuple[Operation, list[ExtraConstraint]]]:
    """POST (spec) and PATCH (docs page) with the extra constraints `contract check` generates with."""
    drift = [f for f in offline(seed_spec, pages) if f.check.startswith("drift.")]
    ops = [seed_spec.operation("createProfile"), *(lo.op for lo in docs_operations(seed_spec, pages))]
    out = [(op, [*prose_constraints(seed_spec, op), *docs_constraints(seed_spec, op, drift)]) for op in ops]
    assert [op.method for op, _ in out] == ["POST", "PATCH"]
    return out


@pytest.fixture(scope="module")
def validators(seed_spec: Spec, profile_ops: list[tuple[Operation, list[ExtraConstraint]]]) -> Validators:
    return Validators(seed_spec, [op for op, _ in profile_ops])


@pytest.fixture(scope="module")
def generated(seed_spec: Spec, profile_ops: list[tuple[Operation, list[ExtraConstraint]]],
              validators: Validators) -> dict[str, list[Case]]:
    out = {}
    for op, extras in profile_ops:
        result = generate_cases(seed_spec, op, mode="violating", count=400, seed=7, headers=AUTH, extra=extras,
                                validators=validators)
        assert not [f.message for f in result.findings if f.check in ("generate.unsatisfiable", "generate.budget")]
        out[op.key] = result.cases
    return out


def test_docs_constraints_reach_the_generator(profile_ops: list[tuple[Operation, list[ExtraConstraint]]]) -> None:
    post = {(e.location, e.keyword, json.dumps(e.value)) for e in profile_ops[0][1] if e.source == "docs"}
    assert {("/custom_attributes", "maxItems", "30"), ("/custom_attributes/*/value", "maxLength", "30"),
            ("/birthday", "type", '"string"')} <= post


def test_every_violating_case_satisfies_all_other_constraints(
        profile_ops: list[tuple[Operation, list[ExtraConstraint]]], validators: Validators,
        generated: dict[str, list[Case]]) -> None:
    for op, extras in profile_ops:
        validator = validators.request(op)
        cases = generated[op.key]
        assert len(cases) >= 400
        wrong = [(c.label, what_else_breaks(c, validator.validate_case(c), extras)) for c in cases]
        assert [w for w in wrong if w[1]] == [], op.key
        # ...and the rules of the docs' attribute table, which the drift reads only in part
        attribute_rules = [(c.label, docs_attribute_problems(_other_attributes(c))) for c in cases
                           if _other_attributes(c) is not None]
        assert [w for w in attribute_rules if w[1]] == [], op.key
        sources = {c.label.source for c in cases if c.label is not None}
        assert sources == ({"spec", "prose", "docs"} if op.origin == "spec" else {"spec", "prose"})


def _other_attributes(case: Case) -> list[object] | None:
    """The custom attributes of a case that its violation is not about (None: none of them)."""
    assert case.label is not None
    body = case.body if isinstance(case.body, dict) and case.raw_body is None else {}
    attributes = body.get("custom_attributes")
    if not isinstance(attributes, list) or not attributes:
        return None
    pointer = case.label.pointer
    if pointer == "/custom_attributes":
        return None
    if pointer.startswith("/custom_attributes/"):
        index = int(pointer.split("/")[2])
        return [a for i, a in enumerate(attributes) if i != index] or None
    return attributes


def test_the_31_custom_attributes_case_is_otherwise_valid_by_the_docs(generated: dict[str, list[Case]]) -> None:
    for key, cases in generated.items():
        limit = [c for c in cases if c.label is not None and c.label.pointer == "/custom_attributes"
                 and c.label.keyword == "maxItems"]
        assert limit, key
        for case in limit:
            attributes = case.body["custom_attributes"]
            assert len(attributes) == 31
            assert docs_attribute_problems(attributes) == [], (case.label, attributes)
            assert case.label.description == "31-item custom_attributes"


def test_plain_values_satisfy_the_docs_even_when_only_the_prose_is_known(seed_spec: Spec) -> None:
    """The live run generates with the prose only; the conforming part is plain enough for the docs too."""
    result = generate_cases(seed_spec, "createProfile", mode="violating", count=200, seed=3, headers=AUTH)
    limit = [c for c in result.cases if c.label is not None and c.label.keyword == "maxItems"]
    assert limit and all(docs_attribute_problems(c.body["custom_attributes"]) == [] for c in limit)
    for case in result.cases:
        if case.label is not None and case.label.pointer.startswith("/custom_attributes/"):
            others = case.body["custom_attributes"][1:]
            assert docs_attribute_problems(others) == [], case.label


def test_seed_without_docs_constraints_keeps_its_coverage(seed_spec: Spec) -> None:
    result = generate_cases(seed_spec, "createProfile", mode="violating", count=60, seed=1, headers=AUTH)
    missing = [(r.pointer, r.keyword, r.note) for r in result.coverage if not r.cases]
    assert all("string parameter has no wrong type" in note for _, _, note in missing), missing
    assert result.discarded == 0, result.discard_reasons
