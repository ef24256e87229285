"""Stage "docs": read documentation pages into a :class:`DocsPage`.

    page = read_docs("docs/update-profile.mdx", components_dir="docs/components")
    page.endpoints, page.fields, page.examples, page.statuses, page.includes, page.anomalies

Markdown/MDX, HTML and rendered text are read into one block structure
(:mod:`contract.docs.readers`) and interpreted once (:mod:`contract.docs.build`).
A file that cannot be read at all raises :class:`~contract.errors.InputError`;
anything wrong *inside* a readable page is an anomaly on the page instead.
"""

from __future__ import annotations

from pathlib import Path

from contract.docs.build import build_page
from contract.docs.model import (
    Anomaly,
    DocsConstraint,
    DocsFormat,
    DocsPage,
    Endpoint,
    Example,
    Field,
    Header,
    Import,
    Include,
    Status,
)
from contract.docs.readers import detect_format, read_document
from contract.errors import InputError
from contract.textio import decode_text

_FORMATS = ("markdown", "mdx", "html", "text")


def read_docs_text(text: str, file: str = "<docs>", format: DocsFormat | None = None, *,
                   components_dir: str | Path | None = None) -> DocsPage:
    """Read a page given as text (tests, stdin); `format` overrides detection."""
    if format is not None and format not in _FORMATS:
        raise InputError(file, f"unknown docs format {format!r} (expected one of {', '.join(_FORMATS)})")
    if not text.strip():
        raise InputError(file, "docs page is empty")
    if "\x00" in text:
        raise InputError(file, "not a text file (binary content)")
    document = read_document(text, file, format=format, components_dir=components_dir)
    return build_page(document)


def read_docs(path: str | Path, *, components_dir: str | Path | None = None,
              format: DocsFormat | None = None) -> DocsPage:
    """Read one docs page from disk; InputError (one line, naming the file) if it is unusable."""
    file = str(path)
    p = Path(path)
    if not p.exists():
        raise InputError(file, "docs page not found")
    if not p.is_file():
        raise InputError(file, "not a file")
    if components_dir is not None and not Path(components_dir).is_dir():
        raise InputError(str(components_dir), "components folder not found")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(file, f"cannot read: {exc.strerror or exc}") from None
    return read_docs_text(decode_text(data, file, kind="a docs page"), file, format, components_dir=components_dir)


__all__ = [
    "Anomaly", "DocsConstraint", "DocsFormat", "DocsPage", "Endpoint", "Example", "Field", "Header", "Import",
    "Include", "Status", "detect_format", "read_docs", "read_docs_text",
]
