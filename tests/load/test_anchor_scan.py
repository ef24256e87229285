"""The pre-scan that lets a load skip the alias-expansion walk: it must see every anchor PyYAML sees."""

from __future__ import annotations

import pytest
import yaml

from contract.load.source import _ANCHOR


def _has_anchor(text: str) -> bool:
    """What PyYAML itself reads as an anchor (the events of the parse)."""
    return any(getattr(event, "anchor", None) for event in yaml.parse(text, Loader=yaml.CSafeLoader))


@pytest.mark.parametrize("text", [
    "&a x\n", "a: &b {c: 1}\nd: *b\n", "- &x 1\n- *x\n", "[&x 1, *x]\n", "{a: &x 1, b: *x}\n",
    "a:\n  - &x\n    b: 1\n  - *x\n", "a: [1,&x 2, *x]\n", "a: {b: 1,&x c: 2}\n", "a:\n- &x 1\n- *x\n", "a: {b: &x 1}\n",
])
def test_anchors_are_seen(text: str) -> None:
    assert _has_anchor(text) and _ANCHOR.search(text)


@pytest.mark.parametrize("text", ["a: b&c\n", "url: https://x.test/?a=1&b=2\n", "a: '&'\n", "a: x &\n"])
def test_ampersands_inside_values_are_no_anchor(text: str) -> None:
    assert not _has_anchor(text) and not _ANCHOR.search(text)
