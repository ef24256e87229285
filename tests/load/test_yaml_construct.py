"""The alias-free constructor builds exactly what PyYAML's safe constructor builds, and fails as it fails."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml

from contract.load.source import _Loader
from tests.conftest import CORPUS, needs_corpus


def _same(a: Any, b: Any) -> bool:
    """Equal values of the same types, keys in the same order (NaN equal to NaN); no recursion, as deep
    as the parser allows."""
    pending = [(a, b)]
    while pending:
        x, y = pending.pop()
        if type(x) is not type(y):
            return False
        if isinstance(x, dict):
            if list(x) != list(y):
                return False
            pending.extend((x[k], y[k]) for k in x)
        elif isinstance(x, list):
            if len(x) != len(y):
                return False
            pending.extend(zip(x, y, strict=True))
        elif not (x == y or (isinstance(x, float) and math.isnan(x) and math.isnan(y))):
            return False
    return True


def _both(text: str) -> tuple[tuple[Any, str | None], tuple[Any, str | None]]:
    out = []
    for build in ("construct_document", "construct_unshared"):
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            value = loader.construct_unshared(root, text)[0] if build == "construct_unshared" else \
                loader.construct_document(root)
            out.append((value, None))
        except yaml.YAMLError as exc:
            out.append((None, str(exc)))
        finally:
            loader.dispose()
    return out[0], out[1]


@pytest.mark.parametrize("text", [
    "a: 1\nb: [true, null, 1.5, .nan, -.inf, 0x1f, 0o17, '3', 2001-12-14t21:59:43.10-05:00, 2002-12-14]\n",
    "a: 1\na: 2\nb: {c: [1, {d: e}]}\n",  # a repeated key: the last wins
    "<<: {a: 1, b: 2}\nb: 3\nc: {<<: [{x: 1}, {y: 2}], z: 3}\n",  # merge keys
    "? [a, b]\n: complex key\n",  # an unhashable key: PyYAML's error
    "? {a: 1}\n: v\n",
    "1: int key\n2.5: float key\ntrue: bool key\n~: null key\n",
    "s: !!set {a, b}\no: !!omap [{a: 1}, {b: 2}]\np: !!pairs [{a: 1}]\nb: !!binary aGVsbG8=\nstr: !!str 12\n",
    "x: !custom 1\n",  # an unknown tag: PyYAML's error
    "x: !!map [1, 2]\n",  # a tag that does not fit its node: PyYAML's error
    "- a\n- [b, [c, [d]]]\n- {e: {f: {g: h}}}\n",
    "[" * 900 + "]" * 900 + "\n",  # nested far beyond Python's recursion limit
    "{a: " * 900 + "1" + "}" * 900 + "\n",
])
def test_same_value_or_same_error(text: str) -> None:
    (expected, expected_error), (value, error) = _both(text)
    assert error == expected_error
    assert _same(value, expected)


@needs_corpus("openai-3.1.yaml", "netlify-2.0.yaml", "twilio-lookups-v2-3.0.yaml")
def test_same_value_on_real_specs() -> None:
    for name in ("openai-3.1.yaml", "netlify-2.0.yaml", "twilio-lookups-v2-3.0.yaml"):
        (expected, _), (value, _) = _both((CORPUS / name).read_text())
        assert expected and _same(value, expected), name


@pytest.mark.parametrize("text", ["&a [*a]\n", "a: &x {b: [*x, *x]}\n", "a: &x [1, 2]\nb: *x\nc: *x\n"])
def test_an_alias_the_scan_missed_is_built_by_pyyaml(text: str) -> None:
    """Called on an aliased tree anyway, it notices (more containers than characters) and hands over."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        value, tree = loader.construct_unshared(root, text)
    finally:
        loader.dispose()
    if "*x\nc" in text:  # aliases that do not recurse fit the budget: the same value, each alias its own copy
        assert tree and value == {"a": [1, 2], "b": [1, 2], "c": [1, 2]}
    else:
        assert not tree
        inner = value if isinstance(value, list) else value["a"]["b"]
        assert inner[0] is (value if isinstance(value, list) else value["a"])  # PyYAML's shared recursive node
