"""Drawing from hypothesis strategies outside hypothesis's test engine.

The engine (`@given`, `find`) is built to search for failing examples: it tracks
a choice tree, mutates, and stops on its own terms. Generation only wants many
values, reproducibly, fast. A `ConjectureData` fed by a seeded `random.Random`
gives exactly that: the same seed draws the same values, no example database,
no deadline, no health checks. This is the one module that touches hypothesis
internals (pinned in pyproject.toml; tests/generate fails loudly if they move).

The provider never draws hypothesis's "constants": those are collected from
whichever modules happen to be imported, which would make output depend on what
else the process loaded (a CLI run and a test run would differ for one seed).
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from hypothesis.control import BuildContext
from hypothesis.errors import StopTest
from hypothesis.internal.conjecture.data import ConjectureData
from hypothesis.internal.conjecture.providers import HypothesisProvider
from hypothesis.strategies import SearchStrategy

__all__ = ["NOTHING", "Drawer", "derive_seed"]

NOTHING: Any = object()  # a draw that did not produce a value (filter or size limit hit)


class _Provider(HypothesisProvider):
    """HypothesisProvider without the process-dependent constants pool."""

    def _maybe_draw_constant(self, choice_type: Any, constraints: Any, *, p: float = 0.05) -> None:
        return None


def derive_seed(*parts: object) -> int:
    """A stable 64-bit seed from any parts (`hash()` of a str differs per process)."""
    digest = hashlib.sha256("\x1f".join(repr(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


class Drawer:
    """Draws values from strategies, deterministically for a given seed."""

    __slots__ = ("_random",)

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def draw(self, strategy: SearchStrategy[Any]) -> Any:
        """One value, or NOTHING when hypothesis rejected this attempt (filters, size)."""
        data = ConjectureData(random=random.Random(self._random.getrandbits(64)), provider=_Provider)
        with BuildContext(data, is_final=False, wrapped_test=_no_test):
            try:
                return data.draw(strategy)
            except StopTest:
                return NOTHING

    def draw_many(self, strategy: SearchStrategy[Any], n: int, *, attempts: int | None = None) -> list[Any]:
        """Up to `n` values in `attempts` tries (default 3n): fewer when the strategy rejects a lot."""
        out: list[Any] = []
        for _ in range(attempts if attempts is not None else 3 * n):
            if len(out) >= n:
                break
            value = self.draw(strategy)
            if value is not NOTHING:
                out.append(value)
        return out


def _no_test() -> None:  # BuildContext wants a test function for its reports; there is none
    return None
