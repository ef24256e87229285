"""Response times per operation: what the report's response-time picture is drawn from.

The :class:`~contract.replay.sender.Sender` observes every answered request (a transport error has
no response time: a timeout would only repeat ``--timeout``). The report keeps a bounded summary,
not every exchange: per operation the count, min, median, p95 and max in milliseconds and the
counts in fixed buckets (the same edges for every operation, so their histograms compare), so a
run of a million requests still writes a few lines per operation.
"""

from __future__ import annotations

import bisect
import math
import statistics
import threading
from typing import Any

__all__ = ["BUCKETS_MS", "ResponseTimes", "summarise"]

# Bucket upper edges in milliseconds (1-2-5 steps); the last bucket is everything from 10 s on.
BUCKETS_MS: tuple[float, ...] = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)


def summarise(seconds: list[float]) -> dict[str, Any]:
    """count, min, median, p95 (nearest rank), max in ms, and the bucket counts of :data:`BUCKETS_MS`."""
    ms = sorted(s * 1000 for s in seconds)
    histogram = [0] * (len(BUCKETS_MS) + 1)
    for value in ms:
        histogram[bisect.bisect_right(BUCKETS_MS, value)] += 1
    n = len(ms)
    return {"count": n, "min": round(ms[0], 3), "median": round(statistics.median(ms), 3),
            "p95": round(ms[max(0, math.ceil(0.95 * n) - 1)], 3), "max": round(ms[-1], 3),
            "histogram": histogram}


class ResponseTimes:
    """Thread-safe; :meth:`observe` per answered request, :meth:`summary` once at the end of the run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seconds: dict[str, list[float]] = {}

    def observe(self, operation: str, seconds: float) -> None:
        with self._lock:
            self._seconds.setdefault(operation, []).append(max(0.0, seconds))

    def summary(self) -> dict[str, Any]:
        """The report's ``response_times``: the unit, the bucket edges, and per operation its summary."""
        with self._lock:
            items = {op: list(values) for op, values in self._seconds.items() if values}
        return {"unit": "ms", "buckets": list(BUCKETS_MS),
                "operations": {op: summarise(values) for op, values in sorted(items.items())}}
