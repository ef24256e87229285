"""The one place secrets are removed from anything the tool writes.

Every recorded exchange, every curl line and every progress/log line goes through
a :class:`Redactor` before it leaves the process. Two rules, applied together:

* by *name*: credential headers and query parameters (``Authorization``, ``Cookie``,
  ``X-Api-Key`` and any name that suggests a secret: key, token, secret, password,
  auth, session, signature) have their value replaced; an ``Authorization`` value
  keeps its scheme word (``Api-Key ***``) so a reader still sees *how* it authenticates;
* by *value*: every secret value seen in such a header, plus any value the user
  marks secret, is replaced wherever it appears (URLs, bodies echoed by the
  server, error messages), so a secret that leaks into an unexpected place is
  still caught. A redactor that already knows every credential sent (a live run:
  its headers, second credential, `--secret`s) learns nothing more from the
  exchanges it records (``learn=False``): the other secret-named headers there
  carry values the run made up (an `Idempotency-Key` of "value" would mask every
  "value" in the report, keys included).

Exchanges (and the curl lines made from them) are redacted where they are recorded,
before a body is cut to the report's size limit; the finished report is redacted by
value once more, as a whole, just before it is written (:meth:`Redactor.report`), and
every format and the findings printed on the terminal are made from that one copy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from contract.core.memory import gc_paused
from contract.model import Exchange

__all__ = ["MASK", "Redactor", "is_secret_name"]

MASK = "***"
_ALWAYS = {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "apikey"}
_SECRET_WORDS = re.compile(r"key|token|secret|passw|auth|session|signature|credential|cookie", re.IGNORECASE)
_SCHEMED = {"authorization", "proxy-authorization"}
_MIN_SECRET = 4  # shorter values would mask innocent text everywhere


def is_secret_name(name: str) -> bool:
    """Whether a header / query parameter name suggests its value is a credential."""
    lowered = name.strip().lower()
    return lowered in _ALWAYS or _SECRET_WORDS.search(lowered) is not None


class Redactor:
    """Masks secrets by name and by value; learns values from the credential headers it sees."""

    def __init__(self, secrets: Iterable[str] = (), *, learn: bool = True) -> None:
        self._secrets: set[str] = set()
        self._learn = learn  # learn secret values from the request headers of the exchanges it records
        for s in secrets:
            self.add(s)

    def add(self, secret: str | None) -> None:
        """Mark a value secret (and, for `Scheme value`, the bare value too)."""
        if not secret:
            return
        secret = secret.strip()
        if len(secret) >= _MIN_SECRET:
            self._secrets.add(secret)
        _, _, bare = secret.partition(" ")
        if len(bare.strip()) >= _MIN_SECRET:
            self._secrets.add(bare.strip())

    def learn_headers(self, headers: Mapping[str, str]) -> None:
        for name, value in headers.items():
            if is_secret_name(name):
                self.add(value)

    # ------------------------------------------------------------------ by value

    def text(self, text: str) -> str:
        """`text` with every known secret value masked (longest first, so no partial leaks)."""
        return _masked(text, self._ordered())

    def _ordered(self) -> list[str]:
        return sorted(self._secrets, key=len, reverse=True)

    def report(self, report: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of a finished report with every secret masked in every string, keys included.

        The copy is plain JSON data (what writing and reading it back gives: tuples become lists,
        keys strings, any other value its `str`), so every format renders the same thing.
        """
        ordered = self._ordered()
        # No secret known (lint, drift): nothing to mask, only the plain-JSON copy to make.
        with gc_paused():  # a copy as large as the report, and acyclic: collections meanwhile find nothing
            out = _json_copy(report, ordered) if ordered else _plain_copy(report)
        assert isinstance(out, dict)
        return out

    def data(self, body: bytes | None) -> bytes | None:
        if body is None:
            return None
        for secret in sorted(self._secrets, key=len, reverse=True):
            raw = secret.encode("utf-8")
            if raw in body:
                body = body.replace(raw, MASK.encode())
        return body

    # ------------------------------------------------------------------ by name

    def header_value(self, name: str, value: str) -> str:
        if not is_secret_name(name):
            return self.text(value)
        if name.strip().lower() in _SCHEMED:
            scheme, sep, rest = value.strip().partition(" ")
            if sep and rest.strip():
                return f"{scheme} {MASK}"
        return MASK

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {name: self.header_value(name, value) for name, value in headers.items()}

    def url(self, url: str) -> str:
        parts = urlsplit(url)
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            query = urlencode([(k, MASK if is_secret_name(k) else v) for k, v in pairs], safe="*")
        netloc = parts.netloc
        if "@" in netloc:  # user:password@host
            netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
        return self.text(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)))

    def exchange(self, exchange: Exchange) -> Exchange:
        """A copy safe to record: headers by name, URL, bodies and error text by value."""
        if self._learn:
            self.learn_headers(exchange.request_headers)
        return replace(
            exchange,
            url=self.url(exchange.url),
            request_headers=self.headers(exchange.request_headers),
            request_body=self.data(exchange.request_body),
            response_headers=self.headers(exchange.response_headers),
            response_body=self.data(exchange.response_body),
            error=self.text(exchange.error) if exchange.error else None,
        )


def _masked(text: str, ordered: Sequence[str]) -> str:
    for secret in ordered:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def _json_key(key: Any) -> str:
    """A mapping key as JSON writes it (`1` → "1", `None` → "null")."""
    if isinstance(key, str):
        return str.__str__(key)
    if key is None or isinstance(key, int | float):
        return json.dumps(key)
    return str(key)


def _plain_copy(value: Any) -> Any:
    """`_json_copy(value, ())`, faster: the plain JSON types (nearly every value of a report) by their
    exact type first, anything else (subclasses, tuples' items, other objects) as `_json_copy` does."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is dict:
        return {key if type(key) is str else _json_key(key): _plain_copy(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [_plain_copy(item) for item in value]
    return _json_copy(value, ())


def _json_copy(value: Any, ordered: Sequence[str]) -> Any:
    """`value` as plain JSON data, every string masked."""
    if isinstance(value, str):
        return _masked(str.__str__(value), ordered)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, Mapping):
        return {_masked(_json_key(k), ordered): _json_copy(v, ordered) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_copy(v, ordered) for v in value]
    return _masked(str(value), ordered)
