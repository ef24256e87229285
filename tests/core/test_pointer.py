"""contract.core.pointer: RFC 6901, one implementation."""

from __future__ import annotations

import pytest

from contract.core import pointer as jp
from contract.core.sentinel import MISSING


@pytest.mark.parametrize(("key", "written"), [
    ("a", "a"), ("a/b", "a~1b"), ("m~n", "m~0n"), ("~1", "~01"), ("/~", "~1~0"), ("", ""), (3, "3"),
])
def test_escape_and_unescape_are_inverse(key, written):
    assert jp.escape(key) == written
    assert jp.unescape(written) == str(key)


def test_unescape_reads_tilde_one_first():
    # "~01" is "~" followed by "1", not "/": ~1 is replaced before ~0 (RFC 6901 §4).
    assert jp.unescape("~01") == "~1"
    assert jp.unescape("~10") == "/0"


def test_unescape_keeps_a_stray_tilde():
    assert jp.unescape("a~b") == "a~b"
    assert jp.unescape("a~") == "a~"


@pytest.mark.parametrize(("pointer", "tokens"), [
    ("", []), ("#", []), ("/", [""]), ("#/", [""]), ("/a/b", ["a", "b"]), ("#/a/b", ["a", "b"]),
    ("/a~1b/c~0d", ["a/b", "c~d"]), ("//a", ["", "a"]), ("/a/", ["a", ""]), ("/0/-", ["0", "-"]),
    ("/custom_attributes/*/key", ["custom_attributes", "*", "key"]),
])
def test_split(pointer, tokens):
    assert jp.split(pointer) == tokens


@pytest.mark.parametrize("pointer", ["a/b", "a", "##/a", "#a"])
def test_split_refuses_what_is_not_a_pointer(pointer):
    with pytest.raises(ValueError, match="not a JSON pointer"):
        jp.split(pointer)


def test_join():
    assert jp.join("") == ""
    assert jp.join("", "paths", "/pets/{id}", "get") == "/paths/~1pets~1{id}/get"
    assert jp.join("", "items", 0) == "/items/0"
    assert jp.join("/paths", "/pets") == "/paths/~1pets"
    assert jp.join("/a") == "/a"
    assert jp.join("", "") == "/"
    assert jp.join("#/components", "a~b") == "#/components/a~0b"


@pytest.mark.parametrize("tokens", [["a"], ["a/b", "~", ""], ["", ""], ["x~1y", "0"]])
def test_split_reads_back_what_join_writes(tokens):
    assert jp.split(jp.join("", *tokens)) == tokens
    assert jp.split("#" + jp.join("", *tokens)) == tokens


DOC = {"a": {"b/c": [10, {"d": None}], "": "empty key", "m~n": 1}, "list": [0, 1, 2]}


@pytest.mark.parametrize(("pointer", "value"), [
    ("", DOC), ("#", DOC), ("/a/b~1c/0", 10), ("#/a/b~1c/1/d", None), ("/a/", "empty key"), ("/a/m~0n", 1),
    ("/list/2", 2),
])
def test_resolve(pointer, value):
    assert jp.resolve(DOC, pointer) == value


@pytest.mark.parametrize("pointer", [
    "/nope", "/a/b~1c/2", "/list/3", "/list/01", "/list/-", "/list/+1", "/list/ 1", "/list/²", "/a/b~1c/0/x",
    "a", "/", "/a/b/c",
])
def test_resolve_missing(pointer):
    assert jp.resolve(DOC, pointer) is MISSING
    assert jp.resolve(DOC, pointer, None) is None


def test_resolve_returns_a_present_none_not_the_default():
    assert jp.resolve({"a": None}, "/a", "default") is None
