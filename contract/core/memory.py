"""Pausing the cyclic garbage collector while a large acyclic structure is built.

Parsing a multi-MB spec (or unpickling it) creates millions of dicts, lists and nodes in a row. Each
allocation burst triggers collections that walk every live container again, though none of them can
be cyclic garbage yet: on Stripe's 4 MB spec half the CPU time of a load was the collector. Reference
counting still frees everything as usual while it is paused.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Within: no cyclic collection (restored on exit only if this call paused it, so nesting is safe).

    On exit what was built is filed with the old objects, as surviving two collections would have filed
    it: otherwise the first allocation after the pause walks every object made during it (16 ms after
    loading Kubernetes' spec) only to promote them, and the extra old objects then trigger a full
    collection in the next command step. Skipped when the program froze objects of its own
    (`gc.freeze`), which this must not thaw."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if gc.get_freeze_count() == 0:
                gc.freeze()  # every tracked object into the permanent generation, the young count reset...
                gc.unfreeze()  # ...and back into the oldest one: two list splices, no object walked
            gc.enable()

