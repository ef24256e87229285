"""Reading the user's files: text with one-line errors, for every stage that reads one.

Specs, docs pages, saved reports and baselines all arrive as files that may be
missing, binary, UTF-16 from a Windows editor, or not what they claim; each
problem becomes one `InputError` naming the file (exit 2), never a traceback.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

from contract.errors import InputError

__all__ = ["decode_text", "read_json"]

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_text(raw: bytes, shown: str, *, kind: str) -> str:
    """UTF-16/32 with a byte-order mark, else UTF-8 (BOM optional); `kind` names what was expected."""
    for bom, codec in _BOMS:  # checked first: their NUL bytes would otherwise read as binary
        if raw.startswith(bom):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError:
                raise InputError(shown, f"not valid {codec.upper()} despite its byte-order mark") from None
    if b"\x00" in raw[:8192]:
        raise InputError(shown, f"binary file (contains NUL bytes), not {kind}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(shown, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", line=line) from None


def read_json(path: str | Path, *, missing: str = "no such file") -> Any:
    """A JSON file's value; one line for a missing, unreadable or malformed file."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(path), missing) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"not JSON: {exc.msg}", line=exc.lineno, column=exc.colno) from None
