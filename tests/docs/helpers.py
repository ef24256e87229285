"""Shared paths and small helpers for the docs-stage tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from contract.docs import DocsPage, read_docs

SPECS = Path(__file__).resolve().parents[2] / "specs"
RENDERED = SPECS / "003_adc150077d28c6e1.txt"  # Create profile, rendered text
MDX = SPECS / "000_f29c871810a0beae.txt"  # Update profile, Docusaurus MDX
WRAPPED = SPECS / "004_3595492f66c876e6.txt"  # Markdown page wrapping the OpenAPI spec

PROFILE = "/api/v2/server-side-api/profile/"


@cache
def seed(path: Path) -> DocsPage:
    return read_docs(path)


def source_line(path: Path | str, line: int | None) -> str:
    assert line is not None
    return Path(path).read_text(encoding="utf-8").splitlines()[line - 1]
