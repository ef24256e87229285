"""Copy-paste reproductions: one exchange as a shell-quoted `curl` command (secrets masked).

Used by replay (failing checks), compare (triangulation probes, docs examples
replayed live) and the consumer-facing assertions. The masking is whatever the
caller passes: anything with the three methods of :class:`Masker`, in practice
:class:`contract.redact.Redactor` (not imported here, so the shared layer stays
below every other module).
"""

from __future__ import annotations

import shlex
from typing import Protocol

from contract.model import Exchange

__all__ = ["Masker", "to_curl"]


class Masker(Protocol):
    """What :func:`to_curl` needs to hide secrets: the URL, each header value and the body, masked."""

    def url(self, url: str) -> str: ...

    def header_value(self, name: str, value: str) -> str: ...

    def data(self, body: bytes | None) -> bytes | None: ...

_SKIP = {"content-length", "host", "accept-encoding", "connection", "user-agent", "accept"}


def to_curl(exchange: Exchange, redactor: Masker) -> str:
    """`curl -sS -X METHOD 'URL' -H '...' --data-binary '...'`; the credential shown as `Api-Key ***`.

    A body that is not printable UTF-8 is piped through `printf` with escapes, so
    even malformed-JSON cases reproduce byte for byte.
    """
    parts = ["curl", "-sS", "-i", "-X", exchange.method, redactor.url(exchange.url)]
    for name, value in exchange.request_headers.items():
        if name.lower() in _SKIP:
            continue
        parts += ["-H", f"{name}: {redactor.header_value(name, value)}"]
    body = redactor.data(exchange.request_body)
    prefix = ""
    if body is not None:
        text = _printable(body)
        if text is not None:
            parts += ["--data-binary", text]
        else:
            escaped = "".join(f"\\x{b:02x}" for b in body)
            prefix = f"printf '%b' {shlex.quote(escaped)} | "
            parts += ["--data-binary", "@-"]
    return prefix + " ".join(shlex.quote(p) for p in parts)


def _printable(body: bytes) -> str | None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 32 and c not in "\t\n\r" for c in text) or text.startswith("@"):
        return None
    return text
