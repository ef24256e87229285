"""A seeded body mutator: a mixed corpus of valid and invalid bodies, independent of `contract.generate`.

The cross-check between validation paths must not depend on the generator it
later judges, so this builds its corpus by mutating the spec's own examples.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from typing import Any

_VALUES: list[Any] = [
    None, 0, -1, 1, 3, 1.5, 2**40, True, False, "", "x", "f", "m", "o", "z", "iOS", "web", "app_store",
    "paddle", "a" * 30, "a" * 31, "b" * 50, "b" * 51, "jane@example.com", "not-an-email", "2000-12-31",
    "2000-13-31", "31-12-2000", "2022-10-12T09:42:50Z", "2022-10-12T09:42:50.000000+0000",
    "3fa85f64-5717-4562-b3fc-2c963f66afa6", "3fa85f645717-4562-b3fc-2c963f66afa6", "not-a-uuid", "bad!key",
    "favourite_sport", "ünïcødé", [], {}, [1, 2], {"key": "k", "value": "v"}, {"key": "k"},
    [{"key": "k", "value": 1}], [{"key": "k" * 31, "value": "v"}], [{"key": "k", "value": True}],
]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


def _mutate(body: Any, rng: random.Random) -> Any:
    body = copy.deepcopy(body)
    paths = [p for p in _paths(body) if p]
    if not paths:
        return rng.choice(_VALUES)
    path = rng.choice(paths)
    parent = body
    for token in path[:-1]:
        parent = parent[token]
    last = path[-1]
    action = rng.random()
    if action < 0.25 and isinstance(parent, dict):
        del parent[last]
    elif action < 0.35 and isinstance(parent, dict):
        parent[f"extra_{rng.randint(0, 9)}"] = rng.choice(_VALUES)
    elif action < 0.45 and isinstance(parent[last], list):
        parent[last] = [copy.deepcopy(parent[last][0]) if parent[last] else {"key": f"k{i}", "value": i}
                        for i in range(rng.choice([0, 1, 29, 30, 31, 40]))]
    else:
        parent[last] = copy.deepcopy(rng.choice(_VALUES))
    return body


def mixed_corpus(bases: list[Any], count: int, seed: int) -> list[Any]:
    """`count` bodies: the bases, then mutants with one to three mutations each."""
    rng = random.Random(seed)
    out = [copy.deepcopy(b) for b in bases]
    while len(out) < count:
        body = rng.choice(bases)
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            body = _mutate(body, rng)
        out.append(body)
    return out[:count]
