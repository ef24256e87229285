"""JSON pointers (RFC 6901), one implementation for every stage.

A pointer is ``""`` (the whole document) or a sequence of ``/token``; in a
token ``~`` is written ``~0`` and ``/`` is written ``~1``. The URI-fragment form
``#/a/b`` (as in a `$ref`) is accepted wherever a pointer is read.

Two readings are deliberately lenient, as every reader here has always been: a
``~`` not followed by ``0`` or ``1`` is kept as it is (hand-written `$ref`s do
that), and a token is looked up as a string key in a mapping. Array indexes are
read strictly: ``0`` or a number without leading zeros, below the length.
"""

from __future__ import annotations

import re
from typing import Any

from contract.core.sentinel import MISSING

__all__ = ["escape", "join", "resolve", "split", "unescape"]

_INDEX = re.compile(r"0|[1-9][0-9]*")


def escape(token: str | int) -> str:
    """One reference token as written in a pointer: ``a/b~c`` → ``a~1b~0c``."""
    text = str(token)
    if "~" in text or "/" in text:  # most keys have neither: no copy
        return text.replace("~", "~0").replace("/", "~1")
    return text


def unescape(token: str) -> str:
    """The key a written token names: ``a~1b~0c`` → ``a/b~c`` (``~1`` first, so ``~01`` → ``~1``)."""
    return token.replace("~1", "/").replace("~0", "~")


def split(pointer: str) -> list[str]:
    """The unescaped tokens of a pointer: ``""``/``"#"`` → ``[]``, ``"/"`` → ``[""]``, ``"#/a/b~1c"`` → ``["a", "b/c"]``.

    ``"/"`` names the key ``""`` (RFC 6901), not the document. Raises ValueError for
    anything else that does not start with ``/`` (after an optional ``#``).
    """
    if pointer.startswith("#"):
        pointer = pointer[1:]
    if not pointer:
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    tokens = pointer[1:].split("/")
    return [unescape(t) if "~" in t else t for t in tokens] if "~" in pointer else tokens


def join(pointer: str, *tokens: str | int) -> str:
    """`pointer` extended by (unescaped) tokens: ``join("/paths", "/pets", "get")`` → ``"/paths/~1pets/get"``.

    From the document root: ``join("", "items", 0)`` → ``"/items/0"``.
    """
    if len(tokens) == 1:  # the common case, without a generator
        return f"{pointer}/{escape(tokens[0])}"
    return pointer + "".join(["/" + escape(t) for t in tokens])


def resolve(document: Any, pointer: str, default: Any = MISSING) -> Any:
    """The value `pointer` names in `document`, or `default` (MISSING) when there is none.

    A malformed pointer names nothing. Mapping keys are matched as strings; list
    items by index (``0``, ``12``; not ``01``, ``-``, ``+1``).
    """
    try:
        tokens = split(pointer)
    except ValueError:
        return default
    node = document
    for token in tokens:
        if isinstance(node, dict):
            if token not in node:
                return default
            node = node[token]
        elif isinstance(node, list):
            if not _INDEX.fullmatch(token) or int(token) >= len(node):
                return default
            node = node[int(token)]
        else:
            return default
    return node
