"""The collector pause of loads and reports: paused within, restored after, what was built filed as old."""

from __future__ import annotations

import gc

from contract.core.memory import gc_paused


class _Node:
    """A tracked object the test can find among the collector's generations."""


def _generation_of(obj: object) -> int | None:
    return next((g for g in range(3) if any(o is obj for o in gc.get_objects(generation=g))), None)


def test_paused_within_and_restored_after() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # nested: the inner exit leaves it paused
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_what_was_built_is_filed_with_the_old_objects() -> None:
    with gc_paused():
        built = _Node()
    assert _generation_of(built) == 2
    assert gc.get_count()[0] < 100  # the young count starts over: no collection walks them on the next allocation
    outside = _Node()
    assert _generation_of(outside) == 0


def test_a_program_s_own_frozen_objects_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with gc_paused():
            _Node()
        assert gc.get_freeze_count() == frozen and gc.isenabled()
    finally:
        gc.unfreeze()
