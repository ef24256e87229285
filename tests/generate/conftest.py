from __future__ import annotations

from pathlib import Path

import pytest

from contract.load import Spec, load_spec

ROOT = Path(__file__).parents[2]
SEED_SPEC = ROOT / "specs" / "adapty-api.yaml"
CORPUS = Path(__file__).parents[2].parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def seed_spec() -> Spec:
    return load_spec(SEED_SPEC)
