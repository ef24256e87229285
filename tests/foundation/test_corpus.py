"""Breadth: every spec of the shared corpus (Swagger 2.0 too) loads and gets validators for every operation."""

from __future__ import annotations

import pytest

from contract.load import load_spec
from contract.validate import Validators
from tests.conftest import corpus_specs

SPECS = corpus_specs()
LARGE = 1_000_000


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name, marks=[pytest.mark.slow] if p.stat().st_size > LARGE
                                               else []) for p in SPECS])
def test_corpus_spec(path):
    if not SPECS:
        pytest.skip("shared corpus not present")
    spec = load_spec(path)
    validators = Validators(spec)
    for op in spec.operations:
        validators.request(op)
        validators.response(op)
    assert validators.broken_schemas() == []
    assert len(spec.operations) > 0 or "webhook" in path.name
