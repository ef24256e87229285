"""From blocks to a :class:`DocsPage`: what each heading, table and snippet means.

Headings set the context (request parameters, successful response, an error
status, a header table); tables, code and prose are read in that context and
attached to the nearest preceding endpoint. Checks that need the whole page —
recovering a lost table cell from the examples, endpoints of examples that
disagree with the declared one — run at the end.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from contract.core.paths import PathTemplate, match_operation
from contract.docs import conventions, embed
from contract.docs.blocks import (
    Admonition,
    Block,
    Code,
    Document,
    Element,
    FrontMatter,
    Heading,
    IncludeRef,
    ListItem,
    Paragraph,
    Table,
    Tag,
)
from contract.docs.examples import extract_requests, guess_language, parse_json, placeholders, split_url
from contract.docs.model import (
    Anomaly,
    DocsConstraint,
    DocsEnum,
    DocsObject,
    DocsPage,
    Endpoint,
    EnumValue,
    Example,
    ExampleKind,
    Field,
    Header,
    Include,
    Link,
    Skipped,
    Status,
    TableKind,
)
from contract.docs.tables import Row, column_roles, normalise
from contract.docs.vocab import parse_flag
from contract.model import Location
from contract.prose import extract

_STATUS = re.compile(r"(?:^|[\s:(])([1-5]\d{2})(?=$|[\s:.\-–—)])")
_EXAMPLE_VALUE = re.compile(r"\bExample:\s*`?([^\s`]+?)`?\s*\.?\s*$", re.IGNORECASE)
_OBFUSCATED_EMAIL = "[email protected]"
_EITHER_CELL = re.compile(r"^(?:one|any|at\s+least\s+one|either)\s+of\b", re.IGNORECASE)
_CALLS_HTTP = re.compile(r"\bfetch\s*\(|\baxios\b|\brequests\.|\bhttpx\b|XMLHttpRequest|\burllib\b|\bhttp\.request\b"
                         r"|\$\.ajax|\bgot\s*\(|\bsuperagent\b|\bhttp\.client\b|\baiohttp\b")


@dataclass(slots=True)
class _Context:
    """What one heading says about the content under it."""

    level: int
    # endpoint | request | response | error | other | object | container | query | path
    section: str | None = None
    part: str | None = None  # header | body | example
    status: int | None = None
    inferred: bool = False
    name: str = ""  # the object an object/container heading names
    example_of: str | None = None  # request | response, when an example heading says so
    anchors: list[str] = dataclasses.field(default_factory=list)  # the heading's ids
    claimed: bool = False  # a structure table has taken the ids (links to "#user-object" mean its first table)


_FIELD_COMPONENTS = ("ParamField", "ResponseField")
_CONTAINERS = ("Expandable",)  # Mintlify's disclosure of an object field's own fields
_PLACE_KINDS: dict[str, TableKind] = {"path": "path", "query": "query", "header": "request-header", "body": "request",
                                      "response": "response"}

_SECTIONS = {"object": "object", "container": "container", "request": "request", "query": "query", "path": "path",
             "params": "params",
             "response": "response"}


def classify(text: str, level: int) -> _Context:
    """Read a heading: "401 - Unauthorized" → error 401; "Header:" → header part; "Example request" → request;
    the conventions of :mod:`contract.docs.conventions` first ("###### JSON Params" → request body)."""
    ctx = _Context(level)
    if level == 1:
        ctx.section = "other"
        return ctx
    found = conventions.first("section", text, level)
    if found is not None:
        section: conventions.Section = found[1]
        if section.kind == "example":
            ctx.part, ctx.example_of = "example", section.example_of
        else:
            ctx.section, ctx.name = _SECTIONS[section.kind], section.name
        return ctx
    return _generic(text, level)


def _generic(text: str, level: int) -> _Context:
    t = " ".join(text.lower().rstrip(":").split())
    ctx = _Context(level)
    m = _STATUS.search(text)
    if m:
        ctx.status = int(m.group(1))
    if "method and endpoint" in t or t in ("endpoint", "endpoints", "url"):
        ctx.section = "endpoint"
    elif "example" in t or "sample" in t:
        ctx.part = "example"
        if "request" in t:
            ctx.section = "request"
        elif "success" in t:
            ctx.section = "response"
        elif "error" in t:
            ctx.section = "error"
    elif "error" in t:
        ctx.section = "error"
    elif "success" in t or re.match(r"^responses?\b", t):
        ctx.section = "response"
    elif re.search(r"\b(?:parameters?|request|arguments|query|path params)\b", t):
        ctx.section = "request"
    if "example" not in t:
        if "header" in t:
            ctx.part = "header"
        elif t == "body" or t.endswith(" body") or t.startswith("body "):
            ctx.part = "body"
    if ctx.status is not None and ctx.section in (None, "response", "error"):
        ctx.section = "error" if ctx.status >= 400 else "response"
    if ctx.section == "response" and ctx.status is None and ctx.part != "header" and (
            "success" in t or re.match(r"^responses?$", t)):
        ctx.status, ctx.inferred = 200, True
    if ctx.section is None and ctx.part is None and ctx.status is None and level <= 2:
        ctx.section = "other"  # an unknown top section ends the previous one; deeper ones inherit it
    return ctx


def _clean(text: str) -> str:
    return " ".join(re.sub(r"[`*]", "", text).split())


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.page = DocsPage(file=doc.file, title=doc.title, format=doc.format, imports=list(doc.imports),
                             anomalies=list(doc.anomalies))
        self.stack: list[_Context] = []
        self.endpoint: Endpoint | None = None
        self.status: Status | None = None
        self.tables: list[list[Field]] = []
        self.footnoted: list[Field] = []  # the rows of the table just read, until the next heading
        # An endpoint a component declared (`<Route>`) lasts until the next heading at its heading's level.
        self.scope: int | None = None
        self.scope_facts: set[str] = set()  # page facts of the current endpoint ("all-optional")
        self.pending_anchors: list[str] = []  # ids of anchor components waiting for the next heading
        self.pending_extends: list[str] = []  # "will extend the [invite](#invite-object) object", for the next table
        self.heading_text = ""
        self.heading_anchors: list[str] = []
        self.notation = _notation(doc)
        self.stem = _stem(doc.file)
        # The field components open around the current block (`<ParamField>`, `<Expandable>`, ...): name, field.
        self.open: list[tuple[str, Field | None]] = []
        self.sides: dict[int, str] = {}  # id(field) → the side (request | response) its component declared

    def used(self, name: str) -> None:
        """Count a convention as used on this page (`DocsPage.conventions`)."""
        self.page.conventions[name] = self.page.conventions.get(name, 0) + 1

    # -- context -----------------------------------------------------------------------
    def ctx(self) -> _Context:
        out = _Context(0)
        for c in self.stack:
            if c.section is not None:
                out.section, out.part, out.example_of = c.section, None, None
                if c.section in ("request", "endpoint", "other", "object", "container", "query", "path", "params"):
                    out.status, out.inferred = None, False
                if c.section in ("object", "container"):
                    out.name = c.name
            if c.part is not None:
                out.part = c.part
                out.example_of = c.example_of or out.example_of
            if c.status is not None:
                out.status, out.inferred = c.status, c.inferred
        return out

    def skip(self, what: str, where: Location, why: str) -> None:
        self.page.skipped.append(Skipped(what, where, why))

    def anomaly(self, kind: str, message: str, where: Location, **details: Any) -> None:
        self.page.anomalies.append(Anomaly(kind, message, where, dict(details)))

    def key(self) -> str | None:
        return self.endpoint.key if self.endpoint else None

    # -- blocks ------------------------------------------------------------------------
    def feed(self, block: Block) -> None:
        if isinstance(block, Tag):
            self.tag(block)
            return
        if self.inside_field(block):
            return
        if isinstance(block, FrontMatter):
            if self.declared(block):
                self.scope, self.scope_facts, self.status = 0, set(), None  # the page's one endpoint
        elif isinstance(block, Heading):
            self.heading(block)
        elif isinstance(block, Paragraph | ListItem):
            self.prose(block)
        elif isinstance(block, Code):
            self.code(block)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, IncludeRef):
            imp = next((i for i in self.page.imports if i.source == block.source), None)
            self.page.includes.append(Include(
                block.name, block.source, block.where,
                imp.where if imp else None, block.resolved_file))
        elif isinstance(block, Element):
            self.element(block)
        elif isinstance(block, Admonition):
            pass  # its content follows as paragraphs marked with the admonition kind

    # -- field components --------------------------------------------------------------
    def tag(self, block: Tag) -> None:
        """`<ParamField …>` … `</ParamField>`: one field whose description is the text in between; `<Expandable>`
        inside it holds the fields of that field's object."""
        if block.kind == "close":
            names = [n for n, _ in self.open]
            if block.name in names:
                del self.open[len(names) - 1 - names[::-1].index(block.name):]
            return
        if block.name in _FIELD_COMPONENTS or self.open:
            self.open.append((block.name, self.component_field(block)))

    def inside_field(self, block: Block) -> bool:
        """Content inside an open field component belongs to that field: prose is its description; tables, code
        and other components in it are recorded as skipped, not read as the page's own. A heading ends them
        all (a closing tag the reader did not see as one must not swallow the page)."""
        if not self.open:
            return False
        if isinstance(block, Heading):
            self.open.clear()
            return False
        field = self.parent_field()
        if isinstance(block, Element) and block.name in _FIELD_COMPONENTS:
            self.component_field(block)
        elif isinstance(block, Paragraph | ListItem):
            if field is not None:
                field.description = f"{field.description} {block.text}".strip()
                field.constraints = extract(field.description)
        elif isinstance(block, IncludeRef):
            return False
        else:
            what = type(block).__name__.lower()
            self.skip(what, block.where, f"inside <{self.open[-1][0]}>: part of a field's description, not read")
        return True

    def component_field(self, block: Element | Tag) -> Field | None:
        """The field a component declares (the `field` conventions), nested under the field it stands in."""
        found = conventions.first("field", block)
        if found is None:
            if block.name in _FIELD_COMPONENTS:
                self.skip("component", block.where, f"<{block.name}> without a readable place and name")
            elif block.name not in _CONTAINERS:
                self.skip("component", block.where, f"<{block.name}> inside a field: not a known field component")
            return None
        name, info = found
        parent = self.parent_field()
        side = "response" if info.place == "response" else "request"
        if parent is not None and self.sides.get(id(parent)) != side:
            self.skip("component", block.where, f"<{block.name} {info.name}> inside a field of the other side")
            return None
        self.used(name)
        ctx = self.ctx()
        kind: TableKind = _PLACE_KINDS[info.place]
        if kind == "response" and ctx.section == "error":
            kind = "error"
        status = ctx.status if kind in ("response", "error") else None
        reading = conventions.read_type(info.type)
        text = block.text if isinstance(block, Element) else ""
        field = Field(name=info.name, type=info.type, json_type=reading.json_type, format=reading.format,
                      required=info.required, nullable=reading.nullable, description=text, table=kind,
                      where=block.where, status=status, endpoint=self.key(), constraints=extract(text),
                      cells={"name": info.name, "type": info.type, "default": info.default or ""},
                      notes=[name, *reading.notes])
        field.section = f"{block.file}:{block.line}"
        self.sides[id(field)] = side
        if parent is not None:
            obj = self.component_object(parent)
            field.table, field.endpoint, field.status, field.section = "object", None, None, obj.key
        self.page.fields.append(field)
        if kind in ("response", "error") and status is not None and parent is None:
            found_status = self.find_status(status)
            if found_status is not None:
                found_status.fields.append(field)
        return field

    def parent_field(self) -> Field | None:
        """The field whose `<Expandable>` (or own body) the current block stands in."""
        return next((f for _, f in reversed(self.open) if f is not None), None)

    def component_object(self, parent: Field) -> DocsObject:
        """The object structure of a field with nested fields: its rows are the children, linked as `ref`."""
        anchor = f"{conventions.slug(parent.name) or 'field'}-{parent.where.line}"
        key = f"{self.stem}#{anchor}"
        obj = next((o for o in self.page.objects if o.key == key), None)
        if obj is None:
            obj = DocsObject(parent.name, key, parent.where, [anchor])
            self.page.objects.append(obj)
            parent.ref = f"#{anchor}"
        return obj

    def element(self, block: Element) -> None:
        if block.name in _FIELD_COMPONENTS:
            self.component_field(block)
            return
        self.table_note(block.text)  # `<Info>The field `user` won't be included in …</Info>` under a table
        anchors = conventions.first("anchor", block)
        if anchors is not None:
            self.used(anchors[0])
            self.pending_anchors += anchors[1]
        if self.declared(block):
            self.scope = self.stack[-1].level if self.stack else 0
            self.scope_facts = set()
            if self.stack:
                self.stack[-1].section, self.stack[-1].status = "endpoint", None
            self.status = None

    def declared(self, block: Block, where: Location | None = None) -> bool:
        """Declare the endpoints a block names (see the `endpoint` conventions); whether it named any."""
        found = conventions.first("endpoint", block)
        if found is None:
            return False
        name, hits = found
        declared = False
        for method, url in hits:
            path, _ = split_url(url)
            if path is None:
                continue
            self.declare(Endpoint(method, path, where or block.where, source="declared", url=url, convention=name))
            self.used(name)
            declared = True
        return declared

    def heading(self, block: Heading) -> None:
        self.footnoted = []
        while self.stack and self.stack[-1].level >= block.level:
            self.stack.pop()
        if self.scope is not None and block.level <= self.scope:
            self.endpoint, self.scope = None, None
        found = conventions.first("anchor", block)
        self.heading_text = block.text
        self.heading_anchors = [*self.pending_anchors, *(found[1] if found else [])]
        self.pending_anchors = []
        if self.endpoint_line(block.text, block.where):
            self.stack.append(_Context(block.level, section="endpoint"))
            self.status = None
            return
        ctx = classify(block.text, block.level)
        ctx.anchors = list(self.heading_anchors)
        self.stack.append(ctx)
        if block.level == 1 and not self.page.title:
            self.page.title = block.text
        current = self.ctx()
        self.status = None
        if current.status is not None and ctx.status is not None:
            self.status = self.status_for(current.status, block, inferred=current.inferred)
        elif current.status is not None:
            self.status = self.find_status(current.status)

    def status_for(self, code: int, block: Heading, *, inferred: bool) -> Status:
        found = self.find_status(code)
        if found is not None:
            return found
        title = re.sub(r"^.*?\b" + str(code) + r"\b\s*[-–—:]?\s*", "", block.text).strip() if not inferred else ""
        status = Status(code, block.where, endpoint=self.key(), title=title or block.text, inferred=inferred)
        self.page.statuses.append(status)
        return status

    def find_status(self, code: int) -> Status | None:
        return next((s for s in self.page.statuses if s.code == code and s.endpoint == self.key()), None)

    def endpoint_line(self, text: str, where: Location) -> bool:
        return self.declared(Paragraph(where.file or self.doc.file, where.line or 0, text), where)

    def declare(self, endpoint: Endpoint) -> None:
        existing = self.page.endpoint(endpoint.key)
        if existing is None:
            self.page.endpoints.append(endpoint)
            existing = endpoint
        self.endpoint = existing

    def prose(self, block: Paragraph | ListItem) -> None:
        if self.endpoint_line(block.text, block.where):
            return
        self.footnote(block.text)
        self.table_note(block.text)
        if self.scope is not None and self.endpoint is not None:
            self.endpoint_prose(block)
        elif self.endpoint is not None:
            self.shared_params(block)  # under an endpoint heading
        elif self.ctx().section in ("object", "container"):
            found = conventions.first("object-prose", block.text, block.links)
            if found is not None:
                self.used(found[0])
                self.pending_extends.append(found[1])
        if (isinstance(block, Paragraph) and not self.page.description and not self.page.endpoints
                and all(c.level == 1 for c in self.stack)):
            self.page.description = block.text  # the lead paragraph under the title
        if self.status is not None and isinstance(block, Paragraph) and self.ctx().part is None:
            self.status.description = f"{self.status.description} {block.text}".strip()
        for constraint in extract(block.text):
            if constraint.subject == "either":
                self.page.constraints.append(DocsConstraint(constraint, block.where, endpoint=self.key()))

    def footnote(self, text: str) -> None:
        """A note under a table for the rows its mark flags (`answer_id\\*` … "\\* Only sent as part of responses"):
        what it says about the side those rows are on."""
        found = conventions.footnote(text) if self.footnoted else None
        if found is None:
            return
        mark, note = found
        presence = conventions.presence_of(note) or ""
        for field in self.footnoted if presence else ():
            if field.mark == mark and not field.presence:
                field.presence = presence
                self.used("presence")
        said = conventions.side_of(note)
        if said is None:
            return
        for field in self.footnoted:
            if field.mark == mark and field.side is None:
                field.side, field.side_text = said
                self.used(f"side:{said[0]}")

    def table_note(self, text: str) -> None:
        """A note under a table about its rows ("The field `user` won't be included in … gateway events"): where
        the docs say each row it names as what is left out appears, sentence by sentence."""
        if not self.footnoted:
            return
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            presence = conventions.presence_of(sentence)
            if not presence:
                continue
            for field in self.footnoted:
                if not field.presence and conventions.says_absent(sentence, field.name):
                    field.presence = presence
                    self.used("presence")

    def endpoint_prose(self, block: Paragraph | ListItem) -> None:
        """What an endpoint's own prose says: the object it returns, that its parameters are optional."""
        assert self.endpoint is not None
        ctx = self.ctx()
        if ctx.section == "endpoint" and ctx.part is None:
            found = conventions.first("returns", block.text, block.links)
            if found is not None:
                self.used(found[0])
                for href, partial in found[1]:
                    if href not in self.endpoint.returns:
                        self.endpoint.returns.append(href)
                        if partial:
                            self.endpoint.partial.append(href)
        self.shared_params(block)
        fact = conventions.first("prose", block.text)
        if fact is not None:
            self.used(fact[0])
            self.scope_facts.add(fact[1])

    def shared_params(self, block: Paragraph | ListItem) -> None:
        """"Accepts the same parameters as [POST /x](#post-x)": the endpoint's parameters include that one's."""
        assert self.endpoint is not None
        shared = conventions.first("params-from", block.text, block.links)
        if shared is None:
            return
        self.used(shared[0])
        for label, href in shared[1]:
            key = self.endpoint_named(label, href)
            if key is not None and key != self.endpoint.key and key not in self.endpoint.params_from:
                self.endpoint.params_from.append(key)

    def endpoint_named(self, label: str, href: str) -> str | None:
        """The page endpoint a link names: by its text (`POST /api/campaigns`) or by its heading's anchor."""
        said = conventions.first("endpoint", Paragraph(self.page.file, 0, _clean(label)))
        if said is not None and said[1]:
            method, path = said[1][0]
            return f"{method} {path}"
        _, anchor = conventions.anchor_of(href)
        return next((e.key for e in self.page.endpoints if anchor and conventions.slug(e.key) == anchor), None)

    def code(self, block: Code) -> None:
        lines = block.text.strip().splitlines()
        if len(lines) == 1 and self.endpoint_line(lines[0], block.where):
            return
        if embed.looks_embedded(block.lang, block.text):
            self.embedded(block)
            return
        language = guess_language(block.lang, block.label, block.text)
        if language in ("curl", "python", "javascript", "http"):
            self.request_examples(block, language)
        elif language == "json":
            self.json_example(block)
        else:
            self.skip("code", block.where, f"a {block.lang or language or 'plain'} block: not a request or JSON example")

    def request_examples(self, block: Code, language: str) -> None:
        if language in ("python", "javascript") and not _CALLS_HTTP.search(block.text):
            # illustrative code (`frequency = 3 // Frequency.DAILY`), not a request example
            self.skip("code", block.where, f"{language} without an HTTP call: illustrative code, not a request")
            return
        result = extract_requests(block.text, language, block.line)
        for problem in result.problems:
            self.anomaly(problem.kind, problem.message, Location(block.file, problem.line), language=language)
        found = placeholders(block.text)
        for req in result.requests:
            path, query = split_url(req.url)
            example = Example(
                kind="request", language=language, where=Location(block.file, req.line), method=req.method,
                url=req.url, path=path, query=query, headers=dict(req.headers), body=req.body,
                has_body=req.has_body, placeholders=found, endpoint=None, label=block.label, ok=not req.broken,
                text=block.text)
            self.attach_request(example)
        if not result.requests:
            self.page.examples.append(Example(
                kind="request", language=language, where=block.where, placeholders=found, endpoint=self.key(),
                label=block.label, ok=False, text=block.text))

    def attach_request(self, example: Example) -> None:
        """Associate with the declared endpoint it names, else the current one; report disagreements."""
        target = None
        if example.method and example.path:
            target = match_operation(self.page.endpoints, example.method, example.path)
        if target is None:
            target = self.endpoint
        example.endpoint = target.key if target else None
        if target is not None and example.method and example.path and (
                target.method != example.method or PathTemplate.parse(target.path).matches(example.path) is None):
            self.anomaly("example.endpoint_mismatch",
                         f"{example.language} example calls {example.method} {example.path} "
                         f"but the page documents {target.key}", example.where,
                         example=f"{example.method} {example.path}", documented=target.key)
        self.page.examples.append(example)

    def json_example(self, block: Code) -> None:
        value, problems, ok = parse_json(block.text, block.line)
        for problem in problems:
            self.anomaly(problem.kind, problem.message, Location(block.file, problem.line), language="json")
        ctx = self.ctx()
        kind: ExampleKind = "response" if ctx.section in ("response", "error") else "request"
        if ctx.section in ("object", "container") and self.endpoint is None:
            kind = "object"
        elif ctx.example_of == "response" or (ctx.part == "example" and ctx.example_of is None
                                             and self.scope is not None and ctx.section == "endpoint"):
            kind = "response"  # Discord: "###### Example Response", "###### Example Partial Guild" under a route
        example = Example(
            kind=kind, language="json", where=block.where, body=value, has_body=ok,
            status=ctx.status if kind == "response" else None, placeholders=placeholders(block.text),
            endpoint=self.key(), label=block.label, ok=ok, text=block.text, section=ctx.section)
        self.page.examples.append(example)
        if kind == "response" and ctx.status is not None:
            status = self.find_status(ctx.status)
            if status is not None:
                status.examples.append(example)

    def embedded(self, block: Code) -> None:
        spec = embed.read_embedded(block.text, block.file, block.line)
        for line, message in spec.problems:
            self.anomaly("embed.problem", message, Location(block.file, line))
        for endpoint in spec.endpoints:
            self.declare(endpoint)
        self.page.fields += spec.fields
        self.page.examples += spec.examples
        self.page.headers += spec.headers
        for status in spec.statuses:
            if not any(s.code == status.code and s.endpoint == status.endpoint for s in self.page.statuses):
                self.page.statuses.append(status)
        for f in spec.fields:
            for c in f.constraints:
                self.page.constraints.append(DocsConstraint(c, f.where, field=f.name, table=f.table,
                                                            endpoint=f.endpoint, status=f.status))

    # -- tables ------------------------------------------------------------------------
    def table_kind(self, block: Table, roles: dict[str, int]) -> TableKind:
        ctx = self.ctx()
        name_header = block.header[roles["name"]].lower() if "name" in roles else ""
        header_part = ctx.part == "header" or "header" in name_header
        if ctx.section == "error":
            return "response-header" if header_part else "error"
        if ctx.section == "response":
            return "response-header" if header_part else "response"
        if ctx.section in ("request", "endpoint", "params"):  # a params table's rows are placed by `row_place`
            return "request-header" if header_part else "request"
        if ctx.section in ("query", "path"):
            return "query" if ctx.section == "query" else "path"
        if ctx.section is None and header_part and self.endpoint is not None:
            return "request-header"  # "## Required headers" under the page's endpoint (mem0's API reference)
        if ctx.section in ("object", "container") or (self.endpoint is None and self.page.objects):
            return "object"  # a structure; outside any endpoint on a page of structures, too
        guess: TableKind = "request" if ("required" in roles or "nullable" in roles) else "response"
        self.anomaly("table.unknown_section", f"table outside a known section; read as {guess} fields",
                     block.where, header=block.header)
        return guess

    def table(self, block: Table) -> None:
        found = conventions.first("table", block.header)
        if found is None:  # not a parameter or value table (placeholders, changelog, ...)
            columns = " | ".join(_clean(h) for h in block.header) or "no header"
            self.skip("table", block.where, f"neither a field nor a value table (columns: {columns})")
            return
        name, shape = found
        self.used(name)
        if shape.kind == "enum":
            self.enum_table(block, shape)
            return
        roles = column_roles(block.header)
        kind = self.table_kind(block, roles)
        ctx = self.ctx()
        status = ctx.status if kind in ("error", "response", "response-header") else None
        section = self.object_table(block).key if kind == "object" else f"{block.file}:{block.line}"
        fields: list[Field] = []
        mixed = self.ctx().section == "params" and kind == "request" and self.endpoint is not None
        for row in normalise(block):
            field = self.field(row, block, self.row_place(row, kind) if mixed else kind, status)
            if field is not None:
                field.section = section
                if kind == "object":
                    field.endpoint = None
                fields.append(field)
        self.tables.append(fields)
        self.footnoted = fields
        self.page.fields += fields
        if status is not None and kind != "response-header":
            found_status = self.find_status(status)
            if found_status is not None:
                found_status.fields += fields

    def row_place(self, row: Row, kind: TableKind) -> TableKind:
        """A row of a mixed "Parameters" table: path, query or body, by the endpoint's method and placeholders."""
        assert self.endpoint is not None
        name = conventions.read_name(_clean(row.cells.get("name", ""))).name
        place = conventions.parameter_place(name, self.endpoint.method, PathTemplate.parse(self.endpoint.path).params)
        return "path" if place == "path" else "query" if place == "query" else kind

    def _named(self) -> tuple[str, list[str]]:
        """The name and ids of what the nearest heading introduces ("User" for "User Structure")."""
        ctx = self.stack[-1] if self.stack else None
        if ctx is not None and ctx.section in ("object", "container") and ctx.name:
            name = ctx.name
        else:
            name = re.sub(r"\s+object$", "", _clean(self.heading_text), flags=re.IGNORECASE)
        return name, list(self.heading_anchors)

    def object_table(self, block: Table) -> DocsObject:
        name, anchors = self._named()
        if self.stack:
            self.stack[-1].claimed = True
        # The first structure under "### User Object" (or "### Collectibles") answers links to that heading too.
        outer = self.stack[-2] if len(self.stack) > 1 else None
        if outer is not None and not outer.claimed and outer.section not in ("endpoint", "request", "response"):
            outer.claimed = True
            anchors += [a for a in outer.anchors if a not in anchors]
        key = f"{self.stem}#{anchors[0] if anchors else conventions.slug(name) or block.line}"
        if any(o.key == key for o in self.page.objects):
            key = f"{key}@{block.line}"
        obj = DocsObject(name or f"table at line {block.line}", key, block.where, anchors,
                         extends=self.pending_extends)
        self.pending_extends = []
        self.page.objects.append(obj)
        return obj

    def enum_table(self, block: Table, shape: conventions.TableShape) -> None:
        name, anchors = self._named()
        key = f"{self.stem}#{anchors[0] if anchors else conventions.slug(name) or block.line}"
        enum = DocsEnum(name, key, block.where, anchors)
        for row in block.rows:
            cells = row.cells

            def cell(at: int | None, cells: list[str] = cells) -> str:
                return cells[at] if at is not None and at < len(cells) else ""

            raw = cell(shape.value)
            if not raw.strip():
                continue
            enum.values.append(EnumValue(conventions.enum_value(raw), _clean(cell(shape.label)),
                                         " ".join(cell(shape.description).split()), Location(block.file, row.line)))
        self.page.enums.append(enum)

    def field(self, row: Row, block: Table, kind: TableKind, status: int | None) -> Field | None:
        cells = row.cells
        named = conventions.read_name(_clean(cells.get("name", "")))
        name = named.name
        written = _clean(cells.get("type", ""))
        reading = conventions.read_type(written, row.links.get("type", []))
        json_type, fmt = reading.json_type, reading.format
        required = parse_flag(cells["required"]) if "required" in cells else None
        if required is None and "optional" in cells:
            optional = parse_flag(cells["optional"])
            required = None if optional is None else not optional
        if required is None and not _EITHER_CELL.match(_clean(cells.get("required", ""))):
            # the page's `name?` notation, unless a Required column states an either-rule ("one of content, file,
            # embeds, poll" — Discord's Execute Webhook): neither required nor optional alone
            required = self.notation_required(named, kind, cells)
        nullable = parse_flag(cells["nullable"]) if "nullable" in cells else None
        if nullable is None and reading.nullable is not None:
            nullable = reading.nullable
        elif nullable is None and kind == "request" and conventions.optional_by_prose(self.scope_facts, name)[1]:
            nullable = True  # "all parameters to this endpoint are optional and nullable"
            reading = dataclasses.replace(reading, notes=(*reading.notes, "nullable-by-prose"))
        elif nullable is None and self.notation.get("?type") and kind in ("object", "request", "response"):
            nullable = False  # the page marks nullable types `?type`: one without the mark is never null
            reading = dataclasses.replace(reading, notes=(*reading.notes, "no-?type"))
        description = " ".join(cells.get("description", "").split())
        where = Location(block.file, row.line)
        if not name and not row.shifted:
            if any(cells.values()):
                self.anomaly("table.unnamed_row", "table row without a name", where, cells=row.raw)
            return None
        if row.padded:
            self.anomaly("table.ragged_row", f"row {name or '?'} is missing {row.padded} cell(s); read as empty",
                         where, name=name, header=block.header)
        links: list[Link] = [link for role_links in row.links.values() for link in role_links]
        field = Field(name=name, type=written, json_type=json_type, format=fmt, required=required,
                      nullable=nullable, description=description, table=kind, where=where, status=status,
                      endpoint=self.key(), constraints=extract(description), cells=row.raw, repaired=row.shifted,
                      ref=reading.ref, links=links, notes=[*named.notes, *reading.notes])
        field.mark = conventions.footnote_mark(cells.get("name", ""))
        said = conventions.side_of(description) if description else None
        if said is not None:
            field.side, field.side_text = said
            self.used(f"side:{said[0]}")
        field.presence = (conventions.presence_of(description) if description else None) or ""
        if field.presence:
            self.used("presence")
        for note in field.notes:
            self.used(note)
        if written and json_type is None and not reading.done and reading.ref is None:
            self.anomaly("table.unknown_type", f"type {written!r} of {name or '?'} is not a known type", where,
                         name=name, type=written)
        if kind == "response-header" and name:
            m = _EXAMPLE_VALUE.search(description)
            self.page.headers.append(Header(name, written, json_type, description, where,
                                            example=m.group(1) if m else None, status=status,
                                            endpoint=self.key()))
        return field

    def notation_required(self, named: conventions.NameReading, kind: TableKind, cells: dict[str, str]) -> bool | None:
        """Required by the page's notation: `field?` is optional; without the mark, a field is always there —
        unless the endpoint says all its parameters are optional, or a query row has a default."""
        if named.optional:
            return False
        if not self.notation.get("name?") or kind not in ("object", "request", "query", "response"):
            return None
        if kind == "request" and conventions.optional_by_prose(self.scope_facts, named.name)[0]:
            return False
        # a documented default: the field may be left out
        return not (kind in ("query", "request") and _clean(cells.get("default", "")))

    # -- whole-page passes -------------------------------------------------------------
    def finish(self) -> DocsPage:
        self.endpoints_from_examples()
        self.single_endpoint()
        self.repair_names()
        self.field_constraints()
        self.example_checks()
        return self.page

    def endpoints_from_examples(self) -> None:
        """A page that declares no endpoint documents the ones its examples call."""
        if self.page.endpoints:
            return
        for example in self.page.examples:
            if example.method and example.path:
                self.declare(Endpoint(example.method, example.path, example.where, source="example",
                                      url=example.url))
                example.endpoint = self.endpoint.key if self.endpoint else None

    def single_endpoint(self) -> None:
        if len(self.page.endpoints) != 1:
            return
        key = self.page.endpoints[0].key
        items: list[Any] = [*self.page.fields, *self.page.examples, *self.page.statuses, *self.page.headers,
                            *self.page.constraints]
        for item in items:
            if item.endpoint is None:
                item.endpoint = key

    def repair_names(self) -> None:
        """Give rows that lost their name cell the example key that sits where they sit."""
        for fields in self.tables:
            for n, field in enumerate(fields):
                if not field.repaired:
                    continue
                name, how = self.recover(field, fields, n)
                field.name = name
                message = (f"table row lost its first cell; the cells were shifted back and the name "
                           f"recovered as {name!r} {how}" if name else
                           "table row lost its first cell; the cells were shifted back, the name is unknown")
                self.anomaly("table.shifted_row", message, field.where, name=name, cells=field.cells)
        self.page.fields = [f for f in self.page.fields if f.name]
        for status in self.page.statuses:
            status.fields = [f for f in status.fields if f.name]

    def recover(self, field: Field, fields: list[Field], n: int) -> tuple[str, str]:
        named = {f.name for f in fields if f.name}
        prev = next((f.name for f in reversed(fields[:n]) if f.name), None)
        nxt = next((f.name for f in fields[n + 1:] if f.name), None)
        kind = "request" if field.table in ("request", "request-header") else "response"
        for example in self.page.examples:
            if example.kind != kind or (kind == "response" and example.status != field.status) \
                    or example.endpoint != field.endpoint:
                continue
            for keys in _key_lists(example.body):
                if prev not in keys and nxt not in keys:
                    continue
                lo = keys.index(prev) + 1 if prev in keys else 0
                hi = keys.index(nxt) if nxt in keys else len(keys)
                between = [k for k in keys[lo:hi] if k not in named]
                if len(between) == 1:
                    return between[0], f"from the {kind} example at line {example.line}"
        words = set(re.findall(r"[A-Za-z_][\w-]*", field.description.lower()))
        for example in self.page.examples:
            for keys in _key_lists(example.body):
                hits = [k for k in keys if k.lower() in words and k not in named]
                if len(hits) == 1:
                    return hits[0], "from its description"
        return "", ""

    def field_constraints(self) -> None:
        for field in self.page.fields:
            if field.origin != "table":
                continue
            for c in field.constraints:
                self.page.constraints.append(DocsConstraint(c, field.where, field=field.name, table=field.table,
                                                            endpoint=field.endpoint, status=field.status))

    def example_checks(self) -> None:
        for example in self.page.examples:
            for offset, line in enumerate(example.text.splitlines()):
                if _OBFUSCATED_EMAIL in line:
                    self.anomaly("example.obfuscated_email",
                                 f"example value {_OBFUSCATED_EMAIL!r} is an e-mail address the page renderer "
                                 "obfuscated; the example no longer shows a valid e-mail",
                                 Location(example.where.file, (example.where.line or 1) + offset))
            if example.kind == "response" and example.status is not None and isinstance(example.body, dict):
                said = example.body.get("status_code")
                if isinstance(said, int) and not isinstance(said, bool) and said != example.status:
                    self.anomaly("example.status_mismatch",
                                 f"response example under {example.status} says status_code {said}",
                                 example.where, status=example.status, body_status=said)


def _key_lists(value: Any) -> list[list[str]]:
    """Key order of every object inside a JSON value (outermost first)."""
    out: list[list[str]] = []
    stack = [value]
    while stack:
        current = stack.pop(0)
        if isinstance(current, dict):
            out.append([str(k) for k in current])
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return out


def _stem(file: str) -> str:
    name = file.replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"\.[A-Za-z0-9]+$", "", name).lower()


def _notation(doc: Document) -> dict[str, bool]:
    """Which field notations the page's tables use: `name?` (optional) and `?type` (nullable)."""
    out = {"name?": False, "?type": False}
    for block in doc.blocks:
        if not isinstance(block, Table):
            continue
        roles = column_roles(block.header)
        if "name" not in roles or "type" not in roles:
            continue
        for row in block.rows:
            name = row.cells[roles["name"]] if roles["name"] < len(row.cells) else ""
            kind = row.cells[roles["type"]] if roles["type"] < len(row.cells) else ""
            out["name?"] |= conventions.read_name(_clean(name)).optional is True
            out["?type"] |= _clean(kind).startswith("?")
    return out


def build_page(doc: Document) -> DocsPage:
    """Interpret a read document as a docs page."""
    builder = _Builder(doc)
    for block in doc.blocks:
        builder.feed(block)
    return builder.finish()
