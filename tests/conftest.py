from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
SEED_SPEC = SPECS / "adapty-api.yaml"
SEED_WRAPPED = SPECS / "004_3595492f66c876e6.txt"
CORPUS = ROOT.parent / "shared" / "corpus"

# Property tests are derandomized everywhere (and so identical in CI and locally).
settings.register_profile("ci", derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The corpus walks (marked `slow`: minutes each) first, so under `-n 2` they start at once and the short
    tests fill the other worker around them instead of one walk starting last and running alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session", autouse=True)
def _warm_start_cache(tmp_path_factory: pytest.TempPathFactory):
    """The warm-start cache on, in a folder of this session: a test never writes into the real home,
    and the CLI children of a test (which inherit the environment) share it."""
    previous = os.environ.get("CONTRACT_CACHE_DIR")
    os.environ["CONTRACT_CACHE_DIR"] = str(tmp_path_factory.mktemp("contract-cache"))
    yield
    if previous is None:
        os.environ.pop("CONTRACT_CACHE_DIR", None)
    else:
        os.environ["CONTRACT_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def seed_spec():
    from contract.load import load_spec

    return load_spec(SEED_SPEC)


def needs_corpus(*names: str) -> pytest.MarkDecorator:
    """Skip a test that reads these shared-corpus specs where the corpus is not checked out beside the repo."""
    missing = [n for n in names if not (CORPUS / n).is_file()]
    return pytest.mark.skipif(bool(missing), reason=f"shared corpus file(s) not found: {', '.join(missing)} "
                                                     f"(looked in {CORPUS})")


def corpus_specs() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.suffix in (".yaml", ".json"))
