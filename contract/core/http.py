"""HTTP header readings shared by the validator and the generator's self-check."""

from __future__ import annotations

__all__ = ["parse_cookie_header"]


def parse_cookie_header(header: str) -> dict[str, str]:
    """Name → value of a request's ``Cookie`` header, read pair by pair as a server reads it.

    ``a=1; b="x y"`` → ``{"a": "1", "b": "x y"}``. Each ``;``-separated pair is read
    on its own (RFC 6265 §5.4 ``cookie-pair``s): name and value are trimmed of
    whitespace, one pair of surrounding double quotes is removed from the value
    (as server frameworks do), a pair without ``=`` or with an empty name is
    skipped without losing the others, and of repeated names the last one wins.

    Unlike ``http.cookies.SimpleCookie`` this never drops the whole header over
    one malformed pair, and never reads a cookie named ``path``, ``expires``,
    ``domain``, ... as an attribute of the previous one: a validator has to see
    every cookie the server would see.
    """
    cookies: dict[str, str] = {}
    for pair in header.split(";"):
        name, eq, value = pair.partition("=")
        name = name.strip(" \t")
        if not eq or not name:
            continue
        value = value.strip(" \t")
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        cookies[name] = value
    return cookies
