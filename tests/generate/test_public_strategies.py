"""`contract.strategies.cases`: generated requests as a hypothesis strategy (shrinking, seeds, labels)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, find, given, seed, settings
from hypothesis import strategies as st

import contract.strategies
from contract.load import load_spec
from contract.validate import Validators
from tests.conftest import ROOT, SEED_SPEC

DISCORD = ROOT / "tests" / "docs" / "vendor" / "discord" / "spec.json"
# too_slow: a case is a whole request (ms, not µs); on a loaded CI machine hypothesis would call that slow
FAST = settings(max_examples=25, database=None, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def seed_spec():
    return load_spec(SEED_SPEC)


def test_conforming_cases_pass_the_request_validator(seed_spec):
    validator = Validators(seed_spec).request(seed_spec.operation("createProfile"))
    seen = []

    @FAST
    @given(contract.strategies.cases(seed_spec, "createProfile"))
    def prop(case):
        assert case.mode == "conforming" and case.label is None
        assert validator.validate_case(case) == [], case
        seen.append(case)

    prop()
    assert len({repr(c.body) for c in seen}) > 10  # varied, not one case repeated


def test_violating_cases_carry_the_one_constraint_they_break(seed_spec):
    validator = Validators(seed_spec).request(seed_spec.operation("createProfile"))
    labels = set()

    @FAST
    @given(contract.strategies.cases(seed_spec, "createProfile", mode="violating"))
    def prop(case):
        assert case.mode == "violating" and case.label is not None
        if case.label.source == "spec" and case.label.keyword not in ("security", "either"):
            assert validator.validate_case(case) != [], case.label  # the spec's own rule is really broken
        labels.add(case.label.keyword)

    prop()
    assert len(labels) >= 2  # more than one kind of constraint is drawn


def test_shrinking_reaches_the_smallest_case_with_the_property(seed_spec):
    strategy = contract.strategies.cases(seed_spec, "createProfile")
    quiet = settings(database=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
    smallest = find(strategy, lambda c: True, settings=quiet)
    assert list(smallest.body) == ["installation_meta"] and list(smallest.body["installation_meta"]) == ["device_id"]
    with_email = find(strategy, lambda c: isinstance(c.body.get("email"), str), settings=quiet)
    assert set(with_email.body) == {"email", "installation_meta"}


def test_the_same_seed_draws_the_same_cases(seed_spec):
    strategy = contract.strategies.cases(seed_spec, "createProfile", mode="all")

    def run() -> list[str]:
        out: list[str] = []

        @seed(1234)
        @settings(max_examples=15, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(strategy)
        def prop(case):
            out.append(repr(case))

        prop()
        return out

    assert run() == run()


def test_combines_with_other_strategies_on_a_real_spec():
    spec = load_spec(DISCORD)
    validator = Validators(spec).request(spec.operation("create_guild_emoji"))

    @FAST
    @given(contract.strategies.cases(spec, "create_guild_emoji"), st.integers(1, 3))
    def prop(case, copies):
        assert validator.validate_case(case) == []
        assert case.path_params["guild_id"].isdigit() and case.body["name"] * copies

    prop()


def test_docs_pages_add_their_rules(seed_spec):
    docs = [ROOT / "specs" / "003_adc150077d28c6e1.txt", ROOT / "specs" / "000_f29c871810a0beae.txt"]
    strategy = contract.strategies.cases(seed_spec, "createProfile", mode="violating", docs=docs)
    docs_only = find(strategy, lambda c: c.label.source == "docs", settings=settings(database=None, max_examples=500,
                                                                           suppress_health_check=[HealthCheck.too_slow]))
    assert docs_only.label.keyword in {"maxItems", "minItems", "pattern", "maxLength", "type"}
    gone = load_spec(SEED_SPEC)
    for op in gone.operations:
        op.parameters, op.request_body, op.security = [], None, []
    with pytest.raises(ValueError, match="no constraint can be broken alone"):
        contract.strategies.cases(gone, "createProfile", mode="violating", extra=[])


def test_an_unknown_format_beside_a_pattern_is_generated_from_the_pattern():
    """Discord's snowflake ids: `format: snowflake` (nobody generates or checks it) with a digits pattern."""
    from contract.generate import generate_cases

    spec = load_spec(DISCORD)
    without = [op.key for op in spec.operations if not generate_cases(spec, op, mode="conforming", count=2).cases]
    assert without == []
    case = generate_cases(spec, "GET /applications/{application_id}/emojis", mode="conforming", count=1).cases[0]
    assert case.path_params["application_id"].isdigit()
