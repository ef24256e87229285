"""The one "no value here" sentinel.

`MISSING` is distinct from every JSON value, `None` (JSON null) included: an
absent body, an absent key, a pointer that resolves to nothing. It is an enum
member, so it survives `copy.deepcopy` and pickling as itself and a type
checker narrows ``x is MISSING`` / ``x is not MISSING``. Its value is a bare
object, not a string or number: validators that read an enum member by its
value (jsonschema-rs does) refuse it as they refuse any non-JSON value, rather
than taking it for the string "MISSING".
"""

from __future__ import annotations

import enum
from typing import Final, Literal

__all__ = ["MISSING", "Missing", "MissingType"]


class Missing(enum.Enum):
    MISSING = object()

    def __repr__(self) -> str:
        return "MISSING"

    def __reduce_ex__(self, protocol: object) -> tuple[object, tuple[object, ...]]:
        return getattr, (type(self), self.name)  # by name (the value is a bare object): loads as itself


MISSING: Final = Missing.MISSING
MissingType = Literal[Missing.MISSING]
