"""Markdown and MDX pages, read with markdown-it-py.

MDX adds front matter, ESM imports and JSX. Container components (`<Tabs>`,
`<TabItem label="cURL">`) are transparent: their children are read and the tab
label tags the code inside. Self-closing components imported from a content
file (`<ProfileRequest />` from `.../ProfileRequest.md`) are includes: spliced
in from `components_dir` when the file is there, otherwise kept as unresolved so
the page's missing content is reported instead of silently absent.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from contract.docs.blocks import (
    Admonition,
    Code,
    Document,
    Element,
    FrontMatter,
    Heading,
    IncludeRef,
    Link,
    ListItem,
    Paragraph,
    Table,
    TableRow,
    Tag,
)
from contract.docs.model import DocsFormat, Import
from contract.docs.readers import mdx
from contract.docs.readers.html import html_blocks

# A Mintlify site's configuration files (docs.json, the older mint.json), spelt by stem: a dotted literal such as
# "docs.json" reads like a check id to the registry test.
_MINTLIFY_CONFIGS = tuple(f"{stem}.json" for stem in ("docs", "mint"))

_MAX_INCLUDE_DEPTH = 8


def _admonition_name(params: str, *_: Any) -> bool:
    word = params.strip().split(" ")[0].split("[")[0]
    return word.isalpha()


def _parser(front_matter: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    if front_matter:
        md.use(front_matter_plugin)
    md.use(container_plugin, name="admonition", validate=_admonition_name)
    return md


_MD = _parser(front_matter=True)
_MD_FRAGMENT = _parser(front_matter=False)


def inline_text(token: Token) -> str:
    """Plain text of an inline token: code spans keep their content, markup and raw HTML go."""
    return _children_text(token.children or [])


def _children_text(children: list[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
        elif child.type == "html_inline" and child.content.lower().startswith("<br"):
            parts.append(" ")
    return " ".join("".join(parts).split())


def _children_links(children: list[Token]) -> list[Link]:
    """The links among inline tokens, as (text, href), in order."""
    out: list[Link] = []
    href: str | None = None
    start = 0
    for n, child in enumerate(children):
        if child.type == "link_open":
            href, start = str(child.attrs.get("href") or ""), n + 1
        elif child.type == "link_close" and href is not None:
            out.append((_children_text(children[start:n]), href))
            href = None
    return out


def inline_links(token: Token) -> list[Link]:
    return _children_links(token.children or [])


_HEADING_ID = re.compile(r"\s*\{#([\w.:-]+)\}\s*$")


@dataclass(slots=True)
class _Context:
    file: str
    components_dir: Path | None
    seen: frozenset[str]
    imports: dict[str, Import] = field(default_factory=dict)  # local name → import
    tabs: list[tuple[str, str | None]] = field(default_factory=list)  # open components, label
    admonition: str | None = None


class _MarkdownReader:
    def __init__(self, text: str, file: str, components_dir: Path | None, seen: frozenset[str]) -> None:
        self.text = text
        self.ctx = _Context(file, components_dir, seen | {file})
        self.doc = Document(file=file, format="markdown")

    # -- entry -------------------------------------------------------------------------
    def read(self) -> Document:
        tokens = _MD.parse(self.text)
        if "{/*" in self.text:
            code = [(t.map[0], t.map[1]) for t in tokens if t.type in ("fence", "code_block") and t.map]
            self.text = mdx.blank_jsx_comments(self.text, code)
            tokens = _MD.parse(self.text)
        self._collect_imports(tokens, 0)
        self._walk(tokens, 0)
        if not self.doc.title:
            h1 = next((b for b in self.doc.blocks if isinstance(b, Heading) and b.level == 1), None)
            self.doc.title = h1.text if h1 else ""
        self.doc.format = self._format()
        for imp in self.ctx.imports.values():
            if imp not in self.doc.imports:
                self.doc.imports.append(imp)
        return self.doc

    def _format(self) -> DocsFormat:
        mdx_like = self.ctx.imports or any(isinstance(b, IncludeRef) for b in self.doc.blocks)
        return "mdx" if mdx_like or self.ctx.file.lower().endswith(".mdx") else "markdown"

    # -- imports -----------------------------------------------------------------------
    def _collect_imports(self, tokens: list[Token], offset: int) -> None:
        for i, tok in enumerate(tokens):
            if tok.type == "inline" and i and tokens[i - 1].type == "paragraph_open" and tok.map \
                    and mdx.is_import_paragraph(tok.content):
                first = offset + tok.map[0] + 1
                found, error = mdx.parse_imports(tok.content, self.ctx.file, first)
                if error:
                    self.doc.anomaly("mdx.bad_import", f"unparseable import statement: {error}", first)
                for imp in found:
                    self.doc.imports.append(imp)
                    for name in imp.names:
                        self.ctx.imports[name] = imp

    # -- token walk --------------------------------------------------------------------
    def _walk(self, tokens: list[Token], offset: int) -> None:
        file = self.ctx.file
        in_item = 0
        item_has_text: list[bool] = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            line = offset + (tok.map[0] if tok.map else 0) + 1
            kind = tok.type
            if kind == "front_matter":
                self._front_matter(tok.content, line)
            elif kind == "heading_open":
                text = inline_text(tokens[i + 1])
                explicit = _HEADING_ID.search(text)
                if explicit:
                    text = text[:explicit.start()]
                self.doc.blocks.append(Heading(file, line, level=int(tok.tag[1:]), text=text,
                                               anchor=explicit.group(1) if explicit else None))
                i += 2
            elif kind == "paragraph_open":
                inline = tokens[i + 1]
                if not mdx.is_import_paragraph(inline.content):
                    self._paragraph(inline, line, bool(in_item) and not item_has_text[-1])
                    if in_item:
                        item_has_text[-1] = True
                i += 2
            elif kind == "list_item_open":
                in_item += 1
                item_has_text.append(False)
            elif kind == "list_item_close":
                in_item -= 1
                item_has_text.pop()
            elif kind == "code_block" and self._mdx_indented():
                self._mdx_content(tok.content, line)
            elif kind in ("fence", "code_block"):
                first = line + 1 if kind == "fence" else line
                info = tok.info.strip().split()
                label = self.ctx.tabs[-1][1] if self.ctx.tabs else None
                self.doc.blocks.append(Code(file, first, lang=info[0].lower() if info else None,
                                            text=tok.content.rstrip("\n"), label=label))
            elif kind == "table_open":
                i = self._table(tokens, i, offset)
            elif kind == "container_admonition_open":
                words = tok.info.strip().split(" ", 1)
                self.ctx.admonition = words[0].split("[")[0].lower()
                title = words[1].strip() if len(words) > 1 else ""
                self.doc.blocks.append(Admonition(file, line, kind=self.ctx.admonition, title=title))
            elif kind == "container_admonition_close":
                self.ctx.admonition = None
            elif kind == "html_block":
                self._html_block(tok.content, line)
            i += 1

    def _mdx_indented(self) -> bool:
        """Indented text inside a field component of an MDX page (`    <ParamField …>` nested under
        `<Expandable>`, its description indented under it): MDX has no indented code blocks, so what CommonMark
        reads as one is the component's content."""
        return self.ctx.file.lower().endswith(".mdx") and any(n in mdx.FIELD_COMPONENTS for n, _ in self.ctx.tabs)

    def _mdx_content(self, content: str, line: int) -> None:
        text = textwrap.dedent(content)
        first = text.lstrip().split("\n", 1)[0]
        if mdx.is_tag_line(first):
            self._html_block(text, line)
        else:
            self._walk(_MD_FRAGMENT.parse(text), line - 1)

    def _front_matter(self, content: str, line: int) -> None:
        try:
            data = yaml.safe_load(content)
        except yaml.YAMLError as exc:
            self.doc.anomaly("mdx.bad_front_matter", f"front matter is not valid YAML: {exc}".splitlines()[0], line)
            return
        if isinstance(data, dict):
            title = data.get("title") or data.get("sidebar_label")
            if isinstance(title, str) and title.strip():
                self.doc.title = title.strip()
            self.doc.blocks.append(FrontMatter(self.ctx.file, line, data={str(k): v for k, v in data.items()}))

    def _paragraph(self, inline: Token, line: int, as_item: bool) -> None:
        children = inline.children or []
        outside: list[Token] = []  # what is not wrapped by a component
        n = 0
        while n < len(children):
            child = children[n]
            if child.type != "html_inline":
                outside.append(child)
                n += 1
                continue
            events = mdx.tag_events(child.content)
            for event in events:
                self._tag(event, line)
            close = _closing(children, n, events)
            if close is not None:
                inner = children[n + 1:close]
                self.doc.blocks.append(Element(self.ctx.file, line, events[0].name, dict(events[0].attrs),
                                               text=_children_text(inner), links=_children_links(inner)))
                for event in mdx.tag_events(children[close].content):
                    self._tag(event, line)
                n = close + 1
                continue
            outside.append(child)
            n += 1
        text = _children_text(outside)
        if not text:
            return
        block = ListItem if as_item else Paragraph
        self.doc.blocks.append(block(self.ctx.file, line, text, admonition=self.ctx.admonition,
                                     links=_children_links(outside)))

    def _table(self, tokens: list[Token], i: int, offset: int) -> int:
        rows: list[TableRow] = []
        current: list[str] | None = None
        links: list[list[Link]] = []
        row_line = 0
        while i < len(tokens) and tokens[i].type != "table_close":
            tok = tokens[i]
            if tok.type == "tr_open":
                current, row_line = [], offset + (tok.map[0] if tok.map else 0) + 1
                links = []
            elif tok.type == "inline" and current is not None:
                current.append(inline_text(tok))
                links.append(inline_links(tok))
            elif tok.type == "tr_close" and current is not None:
                rows.append(TableRow(current, row_line, links))
                current = None
            i += 1
        if rows:
            self.doc.blocks.append(Table(self.ctx.file, rows[0].line, header=rows[0].cells, rows=rows[1:]))
        return i

    # -- HTML and JSX ------------------------------------------------------------------
    def _html_block(self, content: str, line: int) -> None:
        if content.lstrip().startswith("<!--"):
            for name in mdx.commented_components(content):
                if name in self.ctx.imports:
                    self.doc.anomaly("include.commented_out", f"<{name} /> is commented out", line, name=name)
            return
        lines = content.split("\n")
        chunk: list[str] = []
        chunk_start = line

        def flush() -> None:
            if "".join(chunk).strip():
                self._fragment("\n".join(chunk), chunk_start)
            chunk.clear()

        for n, text in enumerate(lines):
            if mdx.is_tag_line(text) and any(mdx.is_component(e.name) for e in mdx.tag_events(text)):
                flush()
                for event in mdx.tag_events(text):
                    if event.kind in ("open", "close") and mdx.is_component(event.name):
                        self.doc.blocks.append(Tag(self.ctx.file, line + n, event.kind, event.name,
                                                   dict(event.attrs)))
                    self._tag(event, line + n)
                chunk_start = line + n + 1
            else:
                if not chunk:
                    chunk_start = line + n
                chunk.append(text)
        flush()

    def _fragment(self, text: str, line: int) -> None:
        """Content markdown-it swallowed into an HTML block: HTML stays HTML, the rest is Markdown."""
        tag = re.match(r"\s*</?([A-Za-z][\w.:-]*)", text)
        if tag and not mdx.is_component(tag.group(1)):
            self.doc.blocks.extend(html_blocks(text, self.ctx.file, offset=line - 1))
            return
        tokens = _MD_FRAGMENT.parse(textwrap.dedent(text) if self._mdx_indented() else text)
        if len(tokens) == 1 and tokens[0].type == "html_block":
            return  # markdown-it sees the same HTML again: nothing more to read in it
        self._walk(tokens, line - 1)

    def _tag(self, event: mdx.TagEvent, line: int) -> None:
        if not mdx.is_component(event.name):
            return
        if event.kind == "self":
            self.doc.blocks.append(Element(self.ctx.file, line, event.name, dict(event.attrs)))
        imp = self.ctx.imports.get(event.name)
        if imp is not None:
            imp.used = True
        if event.kind == "open":
            label = event.attrs.get("label") or event.attrs.get("value")
            self.ctx.tabs.append((event.name, label))
        elif event.kind == "close":
            names = [n.lower() for n, _ in self.ctx.tabs]
            if event.name.lower() in names:
                del self.ctx.tabs[len(names) - 1 - names[::-1].index(event.name.lower()):]
        elif (imp is None and event.name not in mdx.FIELD_COMPONENTS) or (imp is not None and
                                                                         mdx.is_content_import(imp.source)):
            self._include(event.name, imp, line, event.attrs.get("file") if event.name == "Snippet" else None)

    def _include(self, name: str, imp: Import | None, line: int, snippet: str | None = None) -> None:
        ref = IncludeRef(self.ctx.file, line, name=name, source=imp.source if imp else snippet,
                         import_line=imp.where.line if imp else None)
        self.doc.blocks.append(ref)
        target = self._snippet(snippet) if snippet else self._resolve(name, imp)
        if target is None:
            return
        key = str(target)
        if key in self.ctx.seen or len(self.ctx.seen) > _MAX_INCLUDE_DEPTH:
            self.doc.anomaly("include.cycle", f"<{name} /> includes itself (via {target.name})", line, name=name)
            return
        try:
            text = target.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            self.doc.anomaly("include.unreadable", f"<{name} />: cannot read {target}: {exc}", line, name=name)
            return
        ref.resolved_file = key
        sub = _MarkdownReader(text, key, self.ctx.components_dir, self.ctx.seen).read()
        self.doc.blocks.extend(sub.blocks)
        self.doc.anomalies.extend(sub.anomalies)

    def _docs_root(self) -> Path | None:
        """The Mintlify docs root: the nearest folder above the page holding `docs.json` (or the older `mint.json`),
        where `/snippets/…` imports and `<Snippet file="…" />` resolve."""
        for folder in Path(self.ctx.file).resolve().parents:
            if any((folder / name).is_file() for name in _MINTLIFY_CONFIGS):
                return folder
        return None

    def _snippet(self, file: str) -> Path | None:
        """`<Snippet file="api-reference/path-id.mdx" />`: Mintlify's `snippets/` folder under the docs root, or the
        components folder given (Smartcar's and Bright Data's Mintlify references include shared fields so)."""
        root = self._docs_root()
        candidates = [root / "snippets" / file] if root is not None else []
        if self.ctx.components_dir is not None:
            candidates.append(self.ctx.components_dir / file)
        return next((c for c in candidates if c.is_file()), None)

    def _resolve(self, name: str, imp: Import | None) -> Path | None:
        """Where an included component's file is: relative to the page, from the docs root for an absolute
        `/snippets/x.mdx` (as Mintlify resolves it), or by basename in components_dir."""
        source = imp.source if imp else None
        if source and source.startswith("."):
            page_dir = Path(self.ctx.file).parent
            candidate = page_dir / source
            if candidate.is_file():
                return candidate
        if source and source.startswith("/"):
            root = self._docs_root()
            if root is not None and (root / source.lstrip("/")).is_file():
                return root / source.lstrip("/")
        if self.ctx.components_dir is None:
            return None
        names = [Path(source).name] if source else [f"{name}.md", f"{name}.mdx"]
        for base in names:
            direct = self.ctx.components_dir / base
            if direct.is_file():
                return direct
            found = sorted(p for p in self.ctx.components_dir.rglob(base) if p.is_file())
            if found:
                return found[0]
        return None


def _closing(children: list[Token], at: int, events: list[mdx.TagEvent]) -> int | None:
    """Where the component opened by `children[at]` (alone in its tag) closes in the same paragraph."""
    if len(events) != 1 or events[0].kind != "open" or not mdx.is_component(events[0].name):
        return None
    end = re.compile(r"\s*</\s*" + re.escape(events[0].name) + r"\s*>\s*$")
    return next((k for k in range(at + 1, len(children))
                 if children[k].type == "html_inline" and end.match(children[k].content)), None)


def read_markdown(text: str, file: str, *, components_dir: str | Path | None = None) -> Document:
    """Read a Markdown or MDX page into blocks (MDX when it imports or includes components)."""
    folder = Path(components_dir) if components_dir is not None else None
    return _MarkdownReader(text, file, folder, frozenset()).read()


__all__ = ["inline_text", "read_markdown"]
