"""Readers: one per page format, all producing a :class:`~contract.docs.blocks.Document`.

The format comes from the extension when it says something (`.md`, `.mdx`,
`.html`), otherwise from the content, because crawled pages are often saved as
`.txt` whatever they hold.
"""

from __future__ import annotations

import re
from pathlib import Path

from contract.docs.blocks import Document
from contract.docs.model import DocsFormat
from contract.docs.readers.html import read_html
from contract.docs.readers.markdown import read_markdown
from contract.docs.readers.text import read_text

_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)
_MARKDOWN_SIGNS = re.compile(
    r"^(?:---\s*\n(?:.*\n)*?---\s*$|#{1,6}\s+\S|```|~~~|import\s+\w+.*\bfrom\s+['\"]|:::\w+|<[A-Z][a-z]\w*[\s/>])",
    re.MULTILINE,
)


def detect_format(text: str, file: str = "") -> DocsFormat:
    """Markdown/MDX, HTML or rendered text, by extension first and content second."""
    suffix = Path(file).suffix.lower()
    if suffix == ".mdx":
        return "mdx"
    if suffix in (".md", ".markdown"):
        return "markdown"
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    head = text[:4096]
    if _HTML_START.match(head):
        return "html"
    if _MARKDOWN_SIGNS.search(head):
        return "mdx" if re.search(r"^import\s+\w+.*\bfrom\s+['\"]|^<[A-Z][a-z]\w*[\s/>]", head, re.MULTILINE) else "markdown"
    return "text"


def read_document(text: str, file: str, *, format: DocsFormat | None = None,
                  components_dir: str | Path | None = None) -> Document:
    """Blocks of a page in the given (or detected) format."""
    fmt = format or detect_format(text, file)
    if fmt == "html":
        return read_html(text, file)
    if fmt in ("markdown", "mdx"):
        doc = read_markdown(text, file, components_dir=components_dir)
        if fmt == "mdx":
            doc.format = "mdx"
        return doc
    return read_text(text, file)


__all__ = ["detect_format", "read_document", "read_html", "read_markdown", "read_text"]
