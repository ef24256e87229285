"""Listening to a logger for the length of a test (the sandbox's access log, mostly)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator


@contextlib.contextmanager
def listening(name: str, handler: logging.Handler, level: int = logging.INFO) -> Iterator[None]:
    """`handler` attached to logger `name` at `level`; both restored afterwards."""
    logger = logging.getLogger(name)
    before = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(before)
