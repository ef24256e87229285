"""From blocks to a :class:`DocsPage`: what each heading, table and snippet means.

Headings set the context (request parameters, successful response, an error
status, a header table); tables, code and prose are read in that context and
attached to the nearest preceding endpoint. Checks that need the whole page —
recovering a lost table cell from the examples, endpoints of examples that
disagree with the declared one — run at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from contract.core.paths import PathTemplate, match_operation
from contract.docs import embed
from contract.docs.blocks import (
    Admonition,
    Block,
    Code,
    Document,
    Heading,
    IncludeRef,
    ListItem,
    Paragraph,
    Table,
)
from contract.docs.examples import extract_requests, guess_language, parse_json, placeholders, split_url
from contract.docs.examples.base import HTTP_METHODS
from contract.docs.model import (
    Anomaly,
    DocsConstraint,
    DocsPage,
    Endpoint,
    Example,
    ExampleKind,
    Field,
    Header,
    Include,
    Status,
    TableKind,
)
from contract.docs.tables import Row, column_roles, normalise
from contract.docs.vocab import normalise_type, parse_flag
from contract.model import Location
from contract.prose import extract

_ENDPOINT = re.compile(r"^\s*(" + "|".join(HTTP_METHODS) + r")\s+(https?://\S+|/\S*)\s*$")
_STATUS = re.compile(r"(?:^|[\s:(])([1-5]\d{2})(?=$|[\s:.\-–—)])")
_EXAMPLE_VALUE = re.compile(r"\bExample:\s*`?([^\s`]+?)`?\s*\.?\s*$", re.IGNORECASE)
_OBFUSCATED_EMAIL = "[email protected]"


@dataclass(slots=True)
class _Context:
    """What one heading says about the content under it."""

    level: int
    section: str | None = None  # endpoint | request | response | error | other
    part: str | None = None  # header | body | example
    status: int | None = None
    inferred: bool = False


def classify(text: str, level: int) -> _Context:
    """Read a heading: "401 - Unauthorized" → error 401; "Header:" → header part; "Example request" → request."""
    t = " ".join(text.lower().rstrip(":").split())
    ctx = _Context(level)
    if level == 1:
        ctx.section = "other"
        return ctx
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

    # -- context -----------------------------------------------------------------------
    def ctx(self) -> _Context:
        out = _Context(0)
        for c in self.stack:
            if c.section is not None:
                out.section, out.part = c.section, None
                if c.section in ("request", "endpoint", "other"):
                    out.status, out.inferred = None, False
            if c.part is not None:
                out.part = c.part
            if c.status is not None:
                out.status, out.inferred = c.status, c.inferred
        return out

    def anomaly(self, kind: str, message: str, where: Location, **details: Any) -> None:
        self.page.anomalies.append(Anomaly(kind, message, where, dict(details)))

    def key(self) -> str | None:
        return self.endpoint.key if self.endpoint else None

    # -- blocks ------------------------------------------------------------------------
    def feed(self, block: Block) -> None:
        if isinstance(block, Heading):
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
        elif isinstance(block, Admonition):
            pass  # its content follows as paragraphs marked with the admonition kind

    def heading(self, block: Heading) -> None:
        while self.stack and self.stack[-1].level >= block.level:
            self.stack.pop()
        if self.endpoint_line(block.text, block.where):
            self.stack.append(_Context(block.level, section="endpoint"))
            self.status = None
            return
        ctx = classify(block.text, block.level)
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

    def endpoint_line(self, text: str, where: Location, source: str = "declared") -> bool:
        m = _ENDPOINT.match(_clean(text))
        if not m:
            return False
        path, _ = split_url(m.group(2))
        if path is None:
            return False
        self.declare(Endpoint(m.group(1), path, where, source="declared", url=m.group(2)))
        return True

    def declare(self, endpoint: Endpoint) -> None:
        existing = self.page.endpoint(endpoint.key)
        if existing is None:
            self.page.endpoints.append(endpoint)
            existing = endpoint
        self.endpoint = existing

    def prose(self, block: Paragraph | ListItem) -> None:
        if self.endpoint_line(block.text, block.where):
            return
        if (isinstance(block, Paragraph) and not self.page.description and not self.page.endpoints
                and all(c.level == 1 for c in self.stack)):
            self.page.description = block.text  # the lead paragraph under the title
        if self.status is not None and isinstance(block, Paragraph) and self.ctx().part is None:
            self.status.description = f"{self.status.description} {block.text}".strip()
        for constraint in extract(block.text):
            if constraint.subject == "either":
                self.page.constraints.append(DocsConstraint(constraint, block.where, endpoint=self.key()))

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

    def request_examples(self, block: Code, language: str) -> None:
        result = extract_requests(block.text, language, block.line)
        for problem in result.problems:
            self.anomaly(problem.kind, problem.message, Location(block.file, problem.line), language=language)
        found = placeholders(block.text)
        for req in result.requests:
            path, query = split_url(req.url)
            example = Example(
                kind="request", language=language, where=Location(block.file, req.line), method=req.method,
                url=req.url, path=path, query=query, headers=dict(req.headers), body=req.body,
                has_body=req.has_body, placeholders=found, endpoint=None, label=block.label, text=block.text)
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
        example = Example(
            kind=kind, language="json", where=block.where, body=value, has_body=ok,
            status=ctx.status if kind == "response" else None, placeholders=placeholders(block.text),
            endpoint=self.key(), label=block.label, ok=ok, text=block.text)
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
        if ctx.section in ("request", "endpoint"):
            return "request-header" if header_part else "request"
        guess: TableKind = "request" if ("required" in roles or "nullable" in roles) else "response"
        self.anomaly("table.unknown_section", f"table outside a known section; read as {guess} fields",
                     block.where, header=block.header)
        return guess

    def table(self, block: Table) -> None:
        roles = column_roles(block.header)
        if "name" not in roles or not ({"type", "required", "nullable", "optional"} & roles.keys()):
            return  # not a parameter table (placeholders, changelog, ...)
        kind = self.table_kind(block, roles)
        ctx = self.ctx()
        status = ctx.status if kind in ("error", "response", "response-header") else None
        fields: list[Field] = []
        for row in normalise(block):
            field = self.field(row, block, kind, status)
            if field is not None:
                fields.append(field)
        self.tables.append(fields)
        self.page.fields += fields
        if status is not None and kind != "response-header":
            found = self.find_status(status)
            if found is not None:
                found.fields += fields

    def field(self, row: Row, block: Table, kind: TableKind, status: int | None) -> Field | None:
        cells = row.cells
        name = _clean(cells.get("name", ""))
        written = _clean(cells.get("type", ""))
        json_type, fmt = normalise_type(written)
        required = parse_flag(cells["required"]) if "required" in cells else None
        if required is None and "optional" in cells:
            optional = parse_flag(cells["optional"])
            required = None if optional is None else not optional
        nullable = parse_flag(cells["nullable"]) if "nullable" in cells else None
        description = " ".join(cells.get("description", "").split())
        where = Location(block.file, row.line)
        if not name and not row.shifted:
            if any(cells.values()):
                self.anomaly("table.unnamed_row", "table row without a name", where, cells=row.raw)
            return None
        if row.padded:
            self.anomaly("table.ragged_row", f"row {name or '?'} is missing {row.padded} cell(s); read as empty",
                         where, name=name, header=block.header)
        field = Field(name=name, type=written, json_type=json_type, format=fmt, required=required,
                      nullable=nullable, description=description, table=kind, where=where, status=status,
                      endpoint=self.key(), constraints=extract(description), cells=row.raw, repaired=row.shifted)
        if written and json_type is None:
            self.anomaly("table.unknown_type", f"type {written!r} of {name or '?'} is not a known type", where,
                         name=name, type=written)
        if kind == "response-header" and name:
            m = _EXAMPLE_VALUE.search(description)
            self.page.headers.append(Header(name, written, json_type, description, where,
                                            example=m.group(1) if m else None, status=status,
                                            endpoint=self.key()))
        return field

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


def build_page(doc: Document) -> DocsPage:
    """Interpret a read document as a docs page."""
    builder = _Builder(doc)
    for block in doc.blocks:
        builder.feed(block)
    return builder.finish()
