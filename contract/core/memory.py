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
    """Within: no cyclic collection (restored on exit only if this call paused it, so nesting is safe)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()

