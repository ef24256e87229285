"""JSON lines without a YAML node tree: the same line for every pointer as the composed tree gives."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from contract.core import pointer as jp
from contract.load.source import Document, JsonLines
from tests.conftest import CORPUS


def _pointers(data: Any, tokens: list[str]) -> Any:
    yield tokens
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _pointers(value, [*tokens, key])
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _pointers(value, [*tokens, str(i)])


def _same_lines(text: str, sample: int = 1500) -> None:
    data = json.loads(text)
    as_yaml = Document("t.json", data, text, kind="yaml")  # the reference: lines of the composed YAML node tree
    every = list(_pointers(data, []))
    chosen = random.Random(18).sample(every, min(sample, len(every)))
    chosen += [[*t, "no-such-key"] for t in chosen[:100]] + [[*t, "99999"] for t in chosen[:50]]
    lines = JsonLines(text)
    wrong = [(jp.join("", *t), lines.line_of(t), as_yaml.line_of(jp.join("", *t))) for t in chosen
             if lines.line_of(t) != as_yaml.line_of(jp.join("", *t))]
    assert wrong == []


@pytest.mark.parametrize("name", ["adyen-checkout-v71-3.1.json", "discord-3.1.json", "petstore-2.0.json",
                                  "uspto-3.0.json"])
def test_lines_of_real_json_specs_are_those_of_the_yaml_node_tree(name: str) -> None:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip("shared corpus not present")
    _same_lines(path.read_text(encoding="utf-8"))


def test_escaped_keys_nested_arrays_and_odd_spacing() -> None:
    text = ('{\n  "a\\/b": {"x\\"y" : [1, {"k": "v}]"},\n\t[ ]\n ], "z":null},\n'
            '  "dup": 1, "dup": {"q": 2},\n  "s": "{[not structure",\n  "n": -1.5e3 ,\n  "t": true\n}\n')
    _same_lines(text, sample=100)
    assert JsonLines(text).line_of(["dup"]) == 5


def test_a_minified_document_is_all_on_line_one() -> None:
    text = json.dumps({"paths": {f"/p{i}": {"get": {"responses": {"200": {}}}} for i in range(50)}})
    lines = JsonLines(text)
    assert lines.line_of(["paths", "/p7", "get", "responses"]) == 1
    _same_lines(text + "\n", sample=100)


def test_long_objects_and_arrays_keep_first_duplicates_and_every_index() -> None:
    """Past the members scanned afresh: a long object's map keeps the first of duplicate keys, a long array's
    every item, and the second lookup (from the kept map) gives the first one's line."""
    members = [f'"k{i}": {{"v": [{", ".join(str(j) for j in range(i % 40))}]}}' for i in range(60)]
    members.insert(45, '"k3": "late duplicate"')
    text = "{\n" + ",\n".join(members) + ',\n"list": [\n' + ",\n".join(f'{{"i": {i}}}' for i in range(50)) + "\n]\n}\n"
    _same_lines(text, sample=400)
    lines = JsonLines(text)
    for _ in range(2):
        assert lines.line_of(["k3"]) == 5
        assert lines.line_of(["k50"]) == 53
        assert lines.line_of(["list", "37"]) == 101
        assert lines.line_of(["list", "50", "i"]) == 63  # no such item: the array's line


def test_placing_every_operation_keeps_no_structure_per_operation() -> None:
    """Pointers through many small objects (operations, their responses) keep nothing per object: the memory
    held after placing all of them does not grow with how many there are (a dict per object did: ~1.4 kB, so
    5.5 MB for 4,000 operations; what is held is the bounded set of the objects read last)."""
    import tracemalloc

    def held_after_placing(n: int) -> int:
        spec = {"paths": {f"/r{i}": {"get": {"operationId": f"op{i}", "responses": {"200": {"description": "ok"}}}}
                          for i in range(n)}}
        lines = JsonLines(json.dumps(spec, indent=1))
        lines.line_of(["paths", f"/r{n - 1}"])  # the long map of the paths is built: it is not per operation
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for i in range(n):
                assert lines.line_of(["paths", f"/r{i}", "get", "responses", "200"]) == 7 + 10 * i
            return tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()

    small, large = held_after_placing(1000), held_after_placing(4000)
    assert large < 300_000
    assert large < small * 1.5
