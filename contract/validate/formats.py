"""One definition of every `format`, shared by both validation paths.

jsonschema-rs ships its own format checks, which differ from jsonschema's (and
so from openapi-core's) at the edges — e.g. what counts as an email. Feeding
jsonschema-rs the very functions jsonschema uses makes the fast path and the
reference path agree by construction; the cross-check test proves it.
"""

from __future__ import annotations

import binascii
from base64 import b64decode
from collections.abc import Callable

import jsonschema

# jsonschema's draft 2020-12 checks (its class-wide default mixes in draft 3's `time`,
# `HH:MM:SS`), with every optional dependency of the `format` extra present
# (rfc3339-validator for date-time, rfc3987 for uri, ...), plus OpenAPI's own formats.
FORMAT_CHECKER = jsonschema.FormatChecker(formats=())
FORMAT_CHECKER.checkers = dict(jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers)


@FORMAT_CHECKER.checks("byte", raises=(binascii.Error, ValueError, UnicodeEncodeError))
def _is_byte(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    b64decode(instance.encode("ascii"), validate=True)
    return True


for _name in ("password", "binary", "int32", "int64", "float", "double"):
    # password/binary are UI hints; int32/int64 become numeric bounds in contract.schema;
    # float/double on JSON numbers always hold.
    FORMAT_CHECKER.checks(_name)(lambda _instance: True)


def _rs_check(name: str) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        return FORMAT_CHECKER.conforms(value, name)

    check.__name__ = f"check_{name}"
    return check


# jsonschema-rs calls these for string instances only, which is all formats apply to.
RS_FORMATS: dict[str, Callable[[str], bool]] = {name: _rs_check(name) for name in FORMAT_CHECKER.checkers}

KNOWN_FORMATS: frozenset[str] = frozenset(FORMAT_CHECKER.checkers)
