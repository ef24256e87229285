"""contract.core.http: one reading of a Cookie header for the validator and the generator's gate."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest

from contract.core.http import parse_cookie_header


@pytest.mark.parametrize(("header", "cookies"), [
    ("", {}),
    ("a=1", {"a": "1"}),
    ("a=1; b=2", {"a": "1", "b": "2"}),
    ("a=1;b=2", {"a": "1", "b": "2"}),
    ("  a = 1 ;  b=2  ", {"a": "1", "b": "2"}),
    ("token=abc=def==", {"token": "abc=def=="}),
    ('a="quoted value"', {"a": "quoted value"}),
    ('a="', {"a": '"'}),
    ('a=""', {"a": ""}),
    ("a=", {"a": ""}),
    ("a=1; a=2", {"a": "2"}),
    ("a=x y", {"a": "x y"}),
])
def test_pairs(header, cookies):
    assert parse_cookie_header(header) == cookies


def test_a_malformed_pair_loses_only_itself():
    header = "session=abc; garbage; =nameless; b=2"
    assert parse_cookie_header(header) == {"session": "abc", "b": "2"}
    # SimpleCookie, which validation used before, drops every cookie of such a header.
    assert dict(SimpleCookie(header)) == {}


@pytest.mark.parametrize("name", ["path", "expires", "domain", "version", "max-age", "secure"])
def test_attribute_names_are_cookies_in_a_request(name):
    header = f"a=1; {name}=2"
    assert parse_cookie_header(header) == {"a": "1", name: "2"}
    assert name not in dict(SimpleCookie(header))  # read as an attribute of `a` there


@pytest.mark.parametrize("header", ["a=1; b=2", 'a="x"; b=y', "k=v=w"])
def test_agrees_with_simplecookie_on_well_formed_headers(header):
    assert parse_cookie_header(header) == {k: m.value for k, m in SimpleCookie(header).items()}
