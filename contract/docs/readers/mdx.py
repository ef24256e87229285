"""The MDX layer on top of Markdown: ESM imports, JSX tags, JSX comments.

Imports are parsed with esprima (a real ECMAScript parser), JSX tag lines with
the stdlib HTML tokenizer; only the decision "is this line made of tags" is a
pattern, because markdown-it hands JSX over as opaque HTML blocks.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import esprima

from contract.docs.model import Import
from contract.model import Location

_TAG_LINE = re.compile(r"^\s*(?:<(?:/?[A-Za-z][\w.:-]*(?:\s[^<>]*?)?/?|!--.*?--)>\s*)+$")
_JSX_COMMENT = re.compile(r"\{\s*/\*.*?\*/\s*\}", re.DOTALL)
_CONTENT_SUFFIXES = (".md", ".mdx", ".markdown")


@dataclass(slots=True)
class TagEvent:
    kind: str  # "open" | "close" | "self"
    name: str  # as written, case kept
    attrs: dict[str, str | None] = field(default_factory=dict)


class _TagLineParser(HTMLParser):
    """Tokenises one line of JSX tags; names keep their case (HTMLParser lowercases them)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[TagEvent] = []

    def _name(self, fallback: str) -> str:
        raw = self.get_starttag_text() or ""
        m = re.match(r"<\s*([\w.:-]+)", raw)
        return m.group(1) if m else fallback

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(TagEvent("open", self._name(tag), dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(TagEvent("self", self._name(tag), dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(TagEvent("close", tag))


def is_tag_line(line: str) -> bool:
    return bool(_TAG_LINE.match(line))


def tag_events(line: str) -> list[TagEvent]:
    parser = _TagLineParser()
    parser.feed(line)
    parser.close()
    # HTMLParser lower-cases end tags and keeps no raw text for them; take their names from the line.
    closing = iter(re.findall(r"</\s*([\w.:-]+)", line))
    for event in parser.events:
        if event.kind == "close":
            event.name = next(closing, event.name)
    return parser.events


FIELD_COMPONENTS = ("ParamField", "ResponseField", "Expandable")
"""Mintlify's built-in field components: never an include, even self-closing (`<ParamField body="x" />`)."""

_COMPONENT = re.compile(r"^[A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)*$")


def is_component(name: str) -> bool:
    """JSX components are PascalCase; lower-case names are HTML, ALL-CAPS ones are placeholders (<TOKEN>)."""
    return bool(_COMPONENT.match(name)) and not name.isupper()


def is_content_import(source: str | None) -> bool:
    return bool(source) and source.lower().endswith(_CONTENT_SUFFIXES)  # type: ignore[union-attr]


def blank_jsx_comments(text: str, protected: list[tuple[int, int]]) -> str:
    """Replace `{/* ... */}` with spaces (newlines kept, so line numbers hold), outside code ranges.

    `protected` holds 0-based [start, end) line ranges (code blocks) left untouched.
    """

    # Line of an offset by bisection over the newlines, not text.count per match: O(n log n), not O(n²).
    newlines = [m.start() for m in re.finditer("\n", text)] if protected else []

    def inside_code(offset: int) -> bool:
        if not protected:
            return False
        line = bisect.bisect_left(newlines, offset)
        return any(start <= line < end for start, end in protected)

    def blank(m: re.Match[str]) -> str:
        if inside_code(m.start()):
            return m.group(0)
        return re.sub(r"[^\n]", " ", m.group(0))

    return _JSX_COMMENT.sub(blank, text)


def is_import_paragraph(text: str) -> bool:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return bool(lines) and all(ln.startswith(("import ", "export ", "import{")) for ln in lines)


def parse_imports(text: str, file: str, first_line: int) -> tuple[list[Import], str | None]:
    """The imports of an MDX import paragraph starting at `first_line`, or an error message."""
    try:
        tree = esprima.parseModule(text, {"loc": True})
    except Exception as exc:  # esprima raises its own Error, and others on odd input
        return [], str(exc)
    out: list[Import] = []
    for node in getattr(tree, "body", []) or []:
        if getattr(node, "type", None) != "ImportDeclaration":
            continue
        names = [s.local.name for s in node.specifiers or [] if getattr(s, "local", None)]
        out.append(Import(names, str(node.source.value), Location(file, first_line + node.loc.start.line - 1)))
    return out, None


def commented_components(comment: str) -> list[str]:
    """Component names used inside an HTML comment, e.g. `<!--- <Example /> --->`."""
    return re.findall(r"<([A-Z][\w.]*)\b", comment)
