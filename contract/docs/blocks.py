"""The intermediate structure every reader produces: a flat list of blocks.

Markdown, MDX, HTML and rendered text differ in syntax but describe the same
things — headings, prose, tables, code, lists, admonitions, includes. Readers
reduce a page to these blocks (each with its own file and 1-based line, since an
include may splice in blocks from another file) so that one interpreter
(:mod:`contract.docs.build`) turns any format into a :class:`DocsPage`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contract.docs.model import Anomaly, DocsFormat, Import
from contract.model import Location

Link = tuple[str, str]
"""A hyperlink as written: (its text, its target)."""


@dataclass(slots=True)
class Block:
    file: str
    line: int

    @property
    def where(self) -> Location:
        return Location(self.file, self.line)


@dataclass(slots=True)
class Heading(Block):
    level: int
    text: str
    anchor: str | None = None  # an explicit id: `## Title {#custom-id}`


@dataclass(slots=True)
class Element(Block):
    """A JSX component with its attributes and the text it wraps.

    `<Route method="GET">/users/[\\{user.id\\}](#user-object)</Route>` is
    Element("Route", {"method": "GET"}, "/users/{user.id}"); a self-closing
    `<ManualAnchor id="user-object-user-flags" />` has no text. What a component
    means is decided by :mod:`contract.docs.conventions`, not here.
    """

    name: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    text: str = ""
    links: list[Link] = field(default_factory=list)


@dataclass(slots=True)
class Tag(Block):
    """A JSX component's opening or closing tag alone on its line, whose content spans the blocks between.

    `<ParamField body="name" type="string" required>` … `</ParamField>`: the description (and nested
    components) follow as their own blocks; the builder pairs the tags. Self-closing and one-line components
    are :class:`Element`s.
    """

    kind: str  # "open" | "close"
    name: str
    attrs: dict[str, str | None] = field(default_factory=dict)


@dataclass(slots=True)
class FrontMatter(Block):
    """The page's YAML front matter (Mintlify's `openapi: "GET /users/{id}"`, `api: "POST https://…"`)."""

    data: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Paragraph(Block):
    text: str
    admonition: str | None = None  # "tip", "note", ... when inside an admonition
    links: list[Link] = field(default_factory=list)


@dataclass(slots=True)
class ListItem(Block):
    text: str
    admonition: str | None = None
    links: list[Link] = field(default_factory=list)


@dataclass(slots=True)
class TableRow:
    cells: list[str]
    line: int
    links: list[list[Link]] = field(default_factory=list)  # per cell, in order


@dataclass(slots=True)
class Table(Block):
    header: list[str]
    rows: list[TableRow] = field(default_factory=list)


@dataclass(slots=True)
class Code(Block):
    """A code block; `line` is the line of its first content line."""

    lang: str | None
    text: str
    label: str | None = None  # tab label/value around it, e.g. "cURL"
    fenced: bool = True


@dataclass(slots=True)
class Admonition(Block):
    """Start of a `:::tip`-style box; the blocks inside follow, marked with its kind."""

    kind: str
    title: str = ""


@dataclass(slots=True)
class IncludeRef(Block):
    """`<Name />` in MDX: content from another file, spliced in after this block if resolved."""

    name: str
    source: str | None = None
    import_line: int | None = None
    resolved_file: str | None = None


@dataclass(slots=True)
class Document:
    """A page as read: format, title, blocks in order, and what the reader itself noticed."""

    file: str
    format: DocsFormat
    title: str = ""
    blocks: list[Block] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)

    def anomaly(self, kind: str, message: str, line: int | None, *, file: str | None = None,
                **details: object) -> None:
        self.anomalies.append(Anomaly(kind, message, Location(file or self.file, line), dict(details)))
