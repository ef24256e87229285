"""Drawing from hypothesis strategies outside hypothesis's test engine.

The engine (`@given`, `find`) is built to search for failing examples: it tracks
a choice tree, mutates, and stops on its own terms. Generation only wants many
values, reproducibly, fast. A `ConjectureData` fed by a seeded `random.Random`
gives exactly that: the same seed draws the same values, no example database,
no deadline, no health checks. This is the one module that touches hypothesis
internals (tests/generate fails loudly if they move; `tools/canary.py` tries the
newest releases before users do).

It also carries the one adapter between hypothesis-jsonschema 0.23.1 (its last
release, 2024-02) and hypothesis >= 6.170.10, which rewrote the private
`conjecture.utils.many` from a `while elements.more():` loop into
`with many(...) as elements: for _ in elements:`. hypothesis-jsonschema's object
strategy still calls `.more()` ("'many' object has no attribute 'more'"), so the
adapter gives that one module a `many` with `more()` on top of the new protocol.

The provider never draws hypothesis's "constants": those are collected from
whichever modules happen to be imported, which would make output depend on what
else the process loaded (a CLI run and a test run would differ for one seed).
"""

from __future__ import annotations

import hashlib
import random
import types
from collections.abc import Iterator
from typing import Any

import hypothesis_jsonschema._from_schema as _hjs_from_schema
from hypothesis.control import BuildContext
from hypothesis.errors import StopTest
from hypothesis.internal.conjecture import utils as _cu
from hypothesis.internal.conjecture.data import ConjectureData
from hypothesis.internal.conjecture.providers import HypothesisProvider
from hypothesis.strategies import SearchStrategy

__all__ = ["MANY_ADAPTED", "NOTHING", "Drawer", "derive_seed"]

NOTHING: Any = object()  # a draw that did not produce a value (filter or size limit hit)


class _ManyWithMore(_cu.many):  # type: ignore[misc,name-defined]  # untyped private class
    """The new `many` protocol driven through the old `more()` call, for hypothesis-jsonschema.

    `more()` enters the context on the first call and advances the element iterator on
    each; when the iterator ends it exits the context, as the `with` block would. An
    exception mid-loop leaves the context open, as the old protocol did: the draw is
    then abandoned with its ConjectureData.
    """

    _legacy: Iterator[None] | None = None

    def more(self) -> bool:
        if self._legacy is None:
            self.__enter__()
            self._legacy = iter(self)
        try:
            next(self._legacy)
        except StopIteration:
            self.__exit__(None, None, None)
            return False
        return True


MANY_ADAPTED = not hasattr(_cu.many, "more")  # True on hypothesis >= 6.170.10
if MANY_ADAPTED and _hjs_from_schema.cu is _cu:
    # Only hypothesis-jsonschema's view of the module changes; hypothesis itself keeps its own `many`.
    _hjs_from_schema.cu = types.SimpleNamespace(**{**vars(_cu), "many": _ManyWithMore})  # type: ignore[assignment]


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
