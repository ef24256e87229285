"""HTML pages (and HTML fragments inside Markdown), read with BeautifulSoup's html.parser.

html.parser is used rather than lxml because it records each tag's source line,
which every extracted item must keep, and because it ships with Python.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from contract.docs.blocks import (
    Admonition,
    Block,
    Code,
    Document,
    Heading,
    ListItem,
    Paragraph,
    Table,
    TableRow,
)

_SKIP = {"script", "style", "template", "noscript", "nav", "svg", "head", "button", "form", "iframe"}
_INLINE = {"code", "span", "a", "strong", "em", "b", "i", "small", "kbd", "samp", "var", "sup", "sub", "mark", "abbr"}
_ADMONITION = re.compile(r"\b(?:admonition|alert|callout|note|tip|info|warning|caution|danger|important)\b")
_LANG = re.compile(r"^(?:language|lang|highlight(?:-source)?)-([\w+#.-]+)$")


def text_of(tag: Tag) -> str:
    """Visible text with inline markup flattened and whitespace collapsed."""
    return " ".join(tag.get_text("").split())


def _lang(pre: Tag) -> str | None:
    for node in (pre.find("code"), pre):
        if isinstance(node, Tag):
            for cls in node.get("class") or []:
                m = _LANG.match(cls)
                if m:
                    return m.group(1).lower()
    return None


class _HtmlWalker:
    def __init__(self, file: str, offset: int) -> None:
        self.file = file
        self.offset = offset
        self.blocks: list[Block] = []

    def _line(self, tag: Tag) -> int:
        return (tag.sourceline or 1) + self.offset

    def _string_line(self, parent: Tag, string: NavigableString) -> int:
        """Text nodes carry no line: count from the nearest earlier tag (or the parent)."""
        prev = string.previous_sibling
        while prev is not None and not isinstance(prev, Tag):
            prev = prev.previous_sibling
        base = self._line(prev) + str(prev).count("\n") if isinstance(prev, Tag) else self._line(parent)
        text = str(string)
        return base + text[: len(text) - len(text.lstrip())].count("\n")

    def walk(self, node: Tag, admonition: str | None = None) -> None:
        pending: list[str] = []  # loose inline content directly inside a container
        pending_line = self._line(node)

        def flush() -> None:
            text = " ".join("".join(pending).split())
            if text:
                self.blocks.append(Paragraph(self.file, pending_line, text, admonition=admonition))
            pending.clear()

        for child in node.children:
            if isinstance(child, Comment | Doctype | Declaration | ProcessingInstruction):
                continue
            if isinstance(child, NavigableString):
                if str(child).strip() and not "".join(pending).strip():
                    pending_line = self._string_line(node, child)
                pending.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = (child.name or "").lower()
            if name in _INLINE:
                if not pending or not "".join(pending).strip():
                    pending_line = self._line(child)
                pending.append(child.get_text(""))
                continue
            flush()
            self._block(child, name, admonition)
        flush()

    def _block(self, tag: Tag, name: str, admonition: str | None) -> None:
        if name in _SKIP or name == "title":
            return
        if re.fullmatch(r"h[1-6]", name):
            text = text_of(tag)
            if text:
                self.blocks.append(Heading(self.file, self._line(tag), level=int(name[1]), text=text))
        elif name == "p":
            text = text_of(tag)
            if text:
                self.blocks.append(Paragraph(self.file, self._line(tag), text, admonition=admonition))
        elif name == "pre":
            self._code(tag)
        elif name == "table":
            self._table(tag)
        elif name in ("ul", "ol"):
            for li in tag.find_all("li", recursive=False):
                self._list_item(li, admonition)
        elif name in ("div", "aside", "section", "blockquote") and _ADMONITION.search(" ".join(tag.get("class") or [])):
            classes = " ".join(tag.get("class") or [])
            kinds = re.findall(r"\b(note|tip|info|warning|caution|danger|important)\b", classes)
            kind = kinds[0] if kinds else "note"
            self.blocks.append(Admonition(self.file, self._line(tag), kind=kind))
            self.walk(tag, kind)
        else:
            self.walk(tag, admonition)

    def _list_item(self, li: Tag, admonition: str | None) -> None:
        nested = [c for c in li.children if isinstance(c, Tag) and c.name in ("ul", "ol", "pre", "table", "div", "p")]
        own = "".join(
            c.get_text("") if isinstance(c, Tag) else str(c)
            for c in li.children
            if not (isinstance(c, Tag) and c in nested) and not isinstance(c, Comment)
        )
        text = " ".join(own.split())
        paragraphs = [c for c in nested if c.name == "p"]
        if not text and paragraphs:
            text = text_of(paragraphs[0])
            nested = [c for c in nested if c is not paragraphs[0]]
        if text:
            self.blocks.append(ListItem(self.file, self._line(li), text, admonition=admonition))
        for child in nested:
            self._block(child, child.name or "", admonition)

    def _code(self, pre: Tag) -> None:
        text = pre.get_text("")
        line = self._line(pre)
        if text.startswith("\n"):
            text, line = text[1:], line + 1
        if text.strip():
            self.blocks.append(Code(self.file, line, lang=_lang(pre), text=text.rstrip("\n")))

    def _table(self, table: Tag) -> None:
        rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
        if not rows:
            return
        first = rows[0]
        header_cells = first.find_all(["th", "td"], recursive=False)
        block = Table(self.file, self._line(first), header=[text_of(c) for c in header_cells])
        for tr in rows[1:]:
            cells = [text_of(c) for c in tr.find_all(["td", "th"], recursive=False)]
            block.rows.append(TableRow(cells, self._line(tr)))
        self.blocks.append(block)


def _soup(text: str) -> BeautifulSoup:
    soup = BeautifulSoup(text, "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    return soup


def html_blocks(text: str, file: str, *, offset: int = 0) -> list[Block]:
    """Blocks of an HTML fragment whose first line is line `offset + 1` of `file`."""
    walker = _HtmlWalker(file, offset)
    walker.walk(_soup(text))
    return walker.blocks


def read_html(text: str, file: str) -> Document:
    """Read an HTML page into blocks; the title is <title>, else the first <h1>."""
    soup = _soup(text)
    doc = Document(file=file, format="html")
    walker = _HtmlWalker(file, 0)
    body = soup.body or soup
    walker.walk(body)
    doc.blocks = walker.blocks
    title = soup.find("title")
    if isinstance(title, Tag) and text_of(title):
        doc.title = text_of(title)
    else:
        h1 = next((b for b in doc.blocks if isinstance(b, Heading) and b.level == 1), None)
        doc.title = h1.text if h1 else ""
    return doc
