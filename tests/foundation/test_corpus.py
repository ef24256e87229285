"""Breadth: every OpenAPI 3.x spec of the shared corpus loads and gets validators for every operation."""

from __future__ import annotations

import pytest

from contract.errors import InputError
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
    if "-2.0." in path.name:
        with pytest.raises(InputError, match=r"Swagger 2\.0 is not supported"):
            load_spec(path)
        return
    spec = load_spec(path)
    validators = Validators(spec)
    for op in spec.operations:
        validators.request(op)
        validators.response(op)
    assert validators.broken_schemas() == []
    assert len(spec.operations) > 0 or "webhook" in path.name
