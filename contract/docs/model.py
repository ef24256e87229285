"""The docs model: what one documentation page says about the API.

A page is read into blocks (see :mod:`contract.docs.blocks`) and then interpreted
into this model. Every item keeps a :class:`~contract.model.Location` so a drift
finding can point a writer at the exact line to fix; nothing here raises on bad
content — what could not be understood becomes an :class:`Anomaly`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from contract.model import Location, jsonable
from contract.prose import ProseConstraint

DocsFormat = Literal["markdown", "mdx", "html", "text"]
# "request" is the request body (JSON/form params); "query"/"path" are URL parameters; "object" is an object
# structure table (`###### User Structure`) that endpoints link to rather than contain.
TableKind = Literal["request", "request-header", "response", "response-header", "error", "query", "path", "object"]
ExampleKind = Literal["request", "response", "object"]
Link = tuple[str, str]  # (text, target) of a hyperlink
EndpointSource = Literal["declared", "example", "openapi-ref"]
FieldOrigin = Literal["table", "embedded-spec"]
JsonType = str | list[str] | None
Side = Literal["request", "response"]


@dataclass(slots=True)
class Anomaly:
    """Something on the page that is broken or suspicious, worth a finding of its own.

    `kind` is a stable id such as ``table.shifted_row`` or ``example.parse_error``.
    """

    kind: str
    message: str
    where: Location
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def line(self) -> int | None:
        return self.where.line


@dataclass(slots=True)
class Endpoint:
    """An operation the page documents; the host is dropped, the path kept as written."""

    method: str
    path: str
    where: Location
    source: EndpointSource = "declared"
    url: str | None = None
    returns: list[str] = field(default_factory=list)  # link targets of "Returns a [user](#user-object) object"
    partial: list[str] = field(default_factory=list)  # those of `returns` said to be "partial [guild] objects"
    convention: str | None = None  # the recogniser that found it (see contract.docs.conventions)
    params_from: list[str] = field(default_factory=list)  # keys of the endpoints whose parameters it also takes

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def line(self) -> int | None:
        return self.where.line


@dataclass(slots=True)
class Field:
    """One row of a parameter table (or one property of an embedded spec).

    `type` is the text as written; `json_type`/`format` are its normalised JSON
    Schema reading ("ISO 8601 date" → string/date). `required`/`nullable` are None
    when the table has no such column or the cell says nothing readable.
    """

    name: str
    type: str
    json_type: JsonType
    format: str | None
    required: bool | None
    nullable: bool | None
    description: str
    table: TableKind
    where: Location
    status: int | None = None
    endpoint: str | None = None  # Endpoint.key
    constraints: list[ProseConstraint] = field(default_factory=list)
    cells: dict[str, str] = field(default_factory=dict)  # column header → raw cell
    repaired: bool = False  # the row was damaged and repaired (see the page's anomalies)
    origin: FieldOrigin = "table"
    section: str | None = None  # the table's id: DocsObject.key for an object table, "<file>:<line>" otherwise
    ref: str | None = None  # what the type links to: "[user](/…/user#user-object) object" → "/…/user#user-object"
    links: list[Link] = field(default_factory=list)  # every link in the row's cells (enum tables, objects)
    notes: list[str] = field(default_factory=list)  # notation read off the row: "name?", "?type", "footnote"
    mark: str | None = None  # the footnote mark after the name (`content?\\*` → "*", `emoji_id ^1^` → "1")
    # The one side of the exchange the row is about, when the docs say so ("when sending, …" → request;
    # "Only sent as part of responses" → response), and the words that said it; None: both sides.
    side: Side | None = None
    side_text: str = ""
    # Where the docs say the row appears when that is not every answer of the object: another object ("returned
    # when in the interaction object"), an endpoint, events ("omitted … in the GUILD_CREATE event"); the words.
    presence: str = ""

    @property
    def line(self) -> int | None:
        return self.where.line


@dataclass(slots=True)
class Example:
    """A request or response example, parsed into method, path, headers and body.

    `ok` is False when the snippet could not be parsed; the reason is an anomaly.
    """

    kind: ExampleKind
    language: str
    where: Location
    method: str | None = None
    url: str | None = None
    path: str | None = None
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    has_body: bool = False
    status: int | None = None
    placeholders: list[str] = field(default_factory=list)
    endpoint: str | None = None
    label: str | None = None  # e.g. the tab label "cURL"
    ok: bool = True
    text: str = ""
    section: str | None = None  # the section it stands in: "error" under "## Error Messages", "400: Bad request"

    @property
    def line(self) -> int | None:
        return self.where.line


@dataclass(slots=True)
class DocsObject:
    """An object structure: `###### User Structure` under `### User Object`, its rows in `DocsPage.fields`.

    Endpoints do not contain it; they link to it ("Returns a [user](#user-object) object"), so it is found by
    its anchors (`user-object`, `user-object-user-structure`) from this or another page.
    """

    name: str
    key: str  # unique across pages: "<page stem>#<first anchor>"
    where: Location
    anchors: list[str] = field(default_factory=list)
    extends: list[str] = field(default_factory=list)  # link targets of objects whose fields it adds to

    @property
    def line(self) -> int | None:
        return self.where.line


@dataclass(slots=True)
class EnumValue:
    value: Any
    name: str
    description: str
    where: Location


@dataclass(slots=True)
class DocsEnum:
    """A table of allowed values (`###### Premium Types`: Value | Name | Description), found by its anchors."""

    name: str
    key: str
    where: Location
    anchors: list[str] = field(default_factory=list)
    values: list[EnumValue] = field(default_factory=list)

    @property
    def line(self) -> int | None:
        return self.where.line


@dataclass(slots=True)
class Status:
    """A documented response status of one endpoint, with what the page says it returns."""

    code: int
    where: Location
    endpoint: str | None = None
    title: str = ""
    description: str = ""
    inferred: bool = False  # "Successful response" without a code is read as 200
    fields: list[Field] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)

    @property
    def line(self) -> int | None:
        return self.where.line


@dataclass(slots=True)
class Header:
    """A documented response header."""

    name: str
    type: str
    json_type: JsonType
    description: str
    where: Location
    example: str | None = None
    status: int | None = None
    endpoint: str | None = None

    @property
    def line(self) -> int | None:
        return self.where.line


@dataclass(slots=True)
class DocsConstraint:
    """A prose constraint and what it is attached to (a field, or the page for `either` rules)."""

    constraint: ProseConstraint
    where: Location
    field: str | None = None
    table: TableKind | None = None
    endpoint: str | None = None
    status: int | None = None

    @property
    def line(self) -> int | None:
        return self.where.line


@dataclass(slots=True)
class Import:
    """An MDX `import` statement."""

    names: list[str]
    source: str
    where: Location
    used: bool = False


@dataclass(slots=True)
class Include:
    """A component used as `<Name />` whose content lives in another file."""

    name: str
    source: str | None  # the import path, None when the component was never imported
    where: Location  # where it is used
    import_where: Location | None = None
    resolved_file: str | None = None

    @property
    def resolved(self) -> bool:
        return self.resolved_file is not None

    @property
    def line(self) -> int | None:
        return self.where.line


@dataclass(slots=True)
class Skipped:
    """Page content the docs stage saw and did not read, and why — so a silent miss shows in the coverage."""

    what: str  # table | code | example | include
    where: Location
    why: str

    @property
    def line(self) -> int | None:
        return self.where.line


@dataclass(slots=True)
class DocsPage:
    """Everything one page documents, ready to compare with the spec and the live API."""

    file: str
    title: str
    format: DocsFormat
    endpoints: list[Endpoint] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)
    headers: list[Header] = field(default_factory=list)
    constraints: list[DocsConstraint] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    description: str = ""
    objects: list[DocsObject] = field(default_factory=list)
    enums: list[DocsEnum] = field(default_factory=list)
    conventions: dict[str, int] = field(default_factory=dict)  # recogniser name → how often it matched
    skipped: list[Skipped] = field(default_factory=list)

    def endpoint(self, key: str) -> Endpoint | None:
        return next((e for e in self.endpoints if e.key == key), None)

    def fields_of(self, table: TableKind, *, endpoint: str | None = None,
                  status: int | None = None) -> list[Field]:
        return [f for f in self.fields if f.table == table
                and (endpoint is None or f.endpoint == endpoint)
                and (status is None or f.status == status)]

    def object_fields(self, obj: DocsObject) -> list[Field]:
        return [f for f in self.fields if f.table == "object" and f.section == obj.key]

    def find_field(self, name: str, table: TableKind = "request") -> Field | None:
        return next((f for f in self.fields if f.name == name and f.table == table), None)

    @property
    def unresolved_includes(self) -> list[Include]:
        return [i for i in self.includes if not i.resolved]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form for reports and `--format json`."""
        out: dict[str, Any] = jsonable(self)
        return out
