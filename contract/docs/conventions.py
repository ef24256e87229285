"""How real documentation sets write endpoints, sections, tables and types: one registry of small recognisers.

Every page convention the docs stage understands is one function here, registered with
:func:`recogniser` under a kind and a name; a new convention is one more function. The
builder (:mod:`contract.docs.build`) asks the registry, in registration order:

========== ============================================== ===============================================
kind       asked with                                     answers
========== ============================================== ===============================================
endpoint   a block (heading, paragraph, code, component)  ``[(method, path or URL), ...]``
anchor     a heading (+ the component ids before it)      the ids links use to reach it
section    a heading's text and level                     a :class:`Section` (object, request, query, ...)
table      a table header                                 :class:`TableShape` ("fields" or "enum")
name       a field-name cell                              the name and its marks (``field?`` = optional)
type       a type cell (text and links), step by step     a :class:`TypeReading`
returns    an endpoint's prose                            link targets of the objects it returns
prose      a paragraph under an endpoint                  a page fact ("all parameters are optional")
params-from an endpoint's prose (text and links)           the links to endpoints whose parameters it shares
side       a row's description or its footnote           "request" | "response": the one side it is about
presence   a row's description, footnote or table note    the words limiting where the field appears
field      a component tag (``<ParamField …>``)           a :class:`ComponentField`: one parameter or field
========== ============================================== ===============================================

Each recogniser's docstring names real documentation sites that use the convention, so the
reason a rule exists stays next to it. Path placeholders in any style (``{user.id}``, ``:id``,
``<id>``, ``[id]``) are *not* read here: :mod:`contract.core.paths` is the one matcher.
"""

from __future__ import annotations

import inspect
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from contract.docs.blocks import Block, Code, Element, FrontMatter, Heading, ListItem, Paragraph, Tag
from contract.docs.examples.base import HTTP_METHODS
from contract.docs.model import JsonType, Link, Side
from contract.docs.tables import column_roles
from contract.docs.vocab import normalise_type


@dataclass(frozen=True, slots=True)
class Recogniser:
    kind: str
    name: str
    fn: Callable[..., Any]

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.fn) or ""


REGISTRY: dict[str, list[Recogniser]] = {}
"""kind → its recognisers in the order they are asked."""


def recogniser(kind: str, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `fn` as the recogniser `name` of `kind` (asked after those registered before it)."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        entries = REGISTRY.setdefault(kind, [])
        if any(r.name == name for r in entries):
            raise ValueError(f"recogniser {kind}/{name} is registered twice")
        entries.append(Recogniser(kind, name, fn))
        return fn

    return register


def recognisers(kind: str | None = None) -> list[Recogniser]:
    if kind is not None:
        return list(REGISTRY.get(kind, []))
    return [r for entries in REGISTRY.values() for r in entries]


def first(kind: str, *args: Any) -> tuple[str, Any] | None:
    """The first recogniser of `kind` that answers (not None): its name and its answer."""
    for entry in REGISTRY.get(kind, []):
        found = entry.fn(*args)
        if found is not None:
            return entry.name, found
    return None


def _clean(text: str) -> str:
    return " ".join(re.sub(r"[`*]", "", text or "").split())


# =============================================================================== endpoints

_METHOD_PATH = re.compile(r"^\s*(" + "|".join(HTTP_METHODS) + r")\s+(https?://\S+|/\S*)\s*$")


@recogniser("endpoint", "method-path-line")
def method_path_line(block: Block) -> list[tuple[str, str]] | None:
    """`POST /v1/customers` alone in a heading, a paragraph or a one-line code block.

    Stripe's API reference heads every endpoint this way (`POST /v1/customers`), GitHub's REST
    reference shows `GET /repos/{owner}/{repo}` in a code box, and Adapty's server-side API pages put
    `PATCH https://api.adapty.io/api/v2/server-side-api/profile/` under "Method and endpoint".
    """
    if isinstance(block, Heading | Paragraph | ListItem):
        text = block.text
    elif isinstance(block, Code):
        lines = block.text.strip().splitlines()
        if len(lines) != 1:
            return None
        text = lines[0]
    else:
        return None
    m = _METHOD_PATH.match(_clean(text))
    return [(m.group(1), m.group(2))] if m else None


_ROUTE_COMPONENTS = {"route", "methodendpoint", "endpoint", "apiendpoint", "httpendpoint"}


def _jsx_value(value: str | None) -> str:
    """`{"post"}` (a JSX expression holding a string) → `post`; plain attribute values unchanged."""
    text = (value or "").strip()
    m = re.fullmatch(r"\{\s*([\"'`])(.*)\1\s*\}", text, re.DOTALL)
    return m.group(2) if m else text


@recogniser("endpoint", "jsx-route")
def jsx_route(block: Block) -> list[tuple[str, str]] | None:
    """A JSX component naming the method and wrapping (or holding) the path.

    Discord's reference (discord/discord-api-docs): `<Route method="GET">/users/[\\{user.id\\}](#user-object)</Route>`
    — the placeholder escaped and linked; the reader hands over the text `/users/{user.id}`. Sites built
    with docusaurus-openapi-docs (Sber's GigaChat reference on developers.sber.ru, Palo Alto Networks'
    pan.dev) write `<MethodEndpoint method={"post"} path={"/chat/completions"} />`; Paradise Bots' API
    docs write `<Route method="POST" path="/api/v1/bot/:botid/vote" />`.
    """
    if not isinstance(block, Element) or block.name.lower() not in _ROUTE_COMPONENTS:
        return None
    method = _jsx_value(block.attrs.get("method") or block.attrs.get("verb")).upper()
    path = _jsx_value(block.attrs.get("path") or block.attrs.get("url")) or block.text.strip()
    path = "".join(path.split())  # the reader may leave spaces where markup was
    if method not in HTTP_METHODS or not path or not (path.startswith("/") or "://" in path):
        return None
    return [(method, path)]


_FRONT_MATTER_ENDPOINT = re.compile(r"^(?:(?P<spec>\S+)\s+)?(?P<method>" + "|".join(HTTP_METHODS) + r")\s+"
                                    r"(?P<path>https?://\S+|/\S*)$", re.IGNORECASE)


@recogniser("endpoint", "mintlify-frontmatter")
def mintlify_frontmatter(block: Block) -> list[tuple[str, str]] | None:
    """The page's endpoint in its front matter: `openapi: "GET /users/{id}"`, `openapi: "/openapi.json POST
    /project/update/{projectId}"` (a spec file first), `openapi: get /v1/memories/{memory_id}/` (lower case),
    `api: "POST https://api.example.com/v1/users"` (Mintlify's hand-written endpoint pages).

    Mintlify's own docs (mintlify/docs `api/update/trigger.mdx`), mem0's API reference (mem0ai/mem0
    `docs/api-reference/`), crewAI's (`openapi: "/enterprise-api.en.yaml GET /{kickoff_id}/status"`) and
    trigger.dev's (`openapi: "v3-openapi POST /api/v1/runs/{runId}/tags"`) head their pages so. A webhook
    (`openapi: "openapi.json webhook orderUpdated"`) names no route and is not read.
    """
    if not isinstance(block, FrontMatter):
        return None
    out: list[tuple[str, str]] = []
    for key in ("openapi", "api"):
        value = block.data.get(key)
        m = _FRONT_MATTER_ENDPOINT.match(" ".join(value.split())) if isinstance(value, str) else None
        if m and (key == "openapi" or m.group("spec") is None):
            out.append((m.group("method").upper(), m.group("path")))
    return out[:1] or None


# =============================================================================== anchors


def slug(text: str) -> str:
    """The id GitHub, Mintlify and Docusaurus give a heading: lower case, punctuation dropped, spaces → `-`."""
    text = unicodedata.normalize("NFKD", text).lower()
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"\s", "-", text.strip())


@recogniser("anchor", "manual-anchor")
def manual_anchor(block: Block) -> list[str] | None:
    """A component before a heading that only carries its id.

    Discord's pages put `<ManualAnchor id="user-object-user-flags" />` above `###### User Flags` so links
    keep working (`/developers/resources/user#user-object-user-flags`); Markdown pages everywhere use
    `<a id="…"></a>` / `<a name="…"></a>` before a heading the same way (GitHub READMEs, MkDocs sites).
    """
    if isinstance(block, Element) and block.name.lower() in ("manualanchor", "anchor", "a"):
        value = block.attrs.get("id") or block.attrs.get("name")
        return [value] if value else None
    return None


@recogniser("anchor", "heading-id")
def heading_id(block: Block) -> list[str] | None:
    """An explicit heading id, `## Create a customer {#create-customer}` (Docusaurus, Pandoc, MkDocs attr_list);
    otherwise the heading's slug, as GitHub and Mintlify (Discord's site) compute it."""
    if not isinstance(block, Heading):
        return None
    out = [block.anchor] if block.anchor else []
    generated = slug(block.text)
    if generated and generated not in out:
        out.append(generated)
    return out or None


def anchor_of(href: str) -> tuple[str, str]:
    """A link target as (page, anchor): `/developers/resources/user#user-object` → ("user", "user-object")."""
    base, _, fragment = href.partition("#")
    page = base.rstrip("/").rsplit("/", 1)[-1]
    page = re.sub(r"\.(?:mdx?|html?)$", "", page)
    return page.lower(), fragment.lower()


# =============================================================================== sections


@dataclass(frozen=True, slots=True)
class Section:
    """What a heading opens: an object structure, a request part, a response, an example."""

    kind: str  # object | container | request | query | path | params | response | error | example
    name: str = ""
    status: int | None = None
    example_of: str | None = None  # request | response, for an example heading


_STRUCTURE = re.compile(r"^(?P<name>.+?)\s+(?:object\s+)?(?:structure|struture|fields)$", re.IGNORECASE)
_OBJECT = re.compile(r"^(?:the\s+)?(?P<name>.+?)\s+object$", re.IGNORECASE)


@recogniser("section", "object-structure")
def object_structure(text: str, level: int) -> Section | None:
    """`###### User Structure` (also "X Object Structure" and the typo "Struture"): the table under it is the
    structure of the object X.

    Discord (`###### Guild Member Structure`), the Discord Userdoccers' unofficial user-API docs and the
    unofficial Guilded API docs (`###### Gateway Voice State Update Structure`) all name object tables so.
    """
    m = _STRUCTURE.match(_clean(text))
    if not m or level < 2 or re.fullmatch(r"(?:(?:json|form|query|request|response)\s*)+(?:body|params?)?",
                                          m.group("name"), re.I):
        return None
    return Section("object", name=m.group("name"))


@recogniser("section", "object-heading")
def object_heading(text: str, level: int) -> Section | None:
    """`### User Object` opens the section of one object; its first structure table answers links to `#user-object`.

    Discord (`### Channel Object`) and Stripe's API reference ("The Customer object") head each resource so.
    """
    m = _OBJECT.match(_clean(text))
    if not m or level < 2 or "example" in text.lower():
        return None
    return Section("container", name=m.group("name"))


@recogniser("section", "request-params")
def request_params(text: str, level: int) -> Section | None:
    """`###### JSON Params`, `###### JSON/Form Params`, `###### Form Params`, "Body parameters": the request body.

    Discord, Paradise Bots and the unofficial Guilded API docs write `###### JSON Params`; Slack's
    Web API reference and Twilio's list "Body parameters" / "Request body parameters".
    """
    t = _clean(text).lower()
    if re.fullmatch(r"(?:json|json/form|form|multipart(?:/form)?(?:[- ]data)?)\s+param(?:eter)?s", t) \
            or re.fullmatch(r"(?:request\s+)?body\s+param(?:eter)?s", t):
        return Section("request")
    return None


@recogniser("section", "query-params")
def query_params(text: str, level: int) -> Section | None:
    """`###### Query String Params` (Discord), "Query parameters" (GitHub's REST reference, Stripe): URL query."""
    if re.fullmatch(r"query(?:\s+string)?\s+param(?:eter)?s", _clean(text).lower()):
        return Section("query")
    return None


@recogniser("section", "path-params")
def path_params(text: str, level: int) -> Section | None:
    """"Path parameters" (GitHub's REST reference, Twilio) / "URL Parameters" (Discord's CDN section): path templates."""
    if re.fullmatch(r"(?:path|url)\s+param(?:eter)?s", _clean(text).lower()):
        return Section("path")
    return None


@recogniser("section", "parameters-by-method")
def parameters_by_method(text: str, level: int) -> Section | None:
    """A single "Parameters" (or "Arguments", "Request parameters") table for an endpoint: each row is a path
    parameter when the endpoint's path has a placeholder of its name, otherwise a query parameter for
    GET/HEAD/DELETE and a body field for the other methods (:func:`parameter_place`).

    listmonk's API reference (knadh/listmonk docs/docs/content/apis/*.md) puts `list_id`, `page`, `per_page`
    and `name` in one "##### Parameters" table under `#### GET /api/lists/{list_id}` or `#### POST
    /api/lists`; Stripe's API reference lists "Parameters" that are query parameters on its list endpoints
    and form fields on its create endpoints the same way.
    """
    if re.fullmatch(r"(?:request\s+)?(?:param(?:eter)?s|arguments)", _clean(text).lower().rstrip(":")):
        return Section("params")
    return None


_QUERY_METHODS = ("GET", "HEAD", "DELETE", "OPTIONS")


def parameter_place(name: str, method: str, placeholders: tuple[str, ...]) -> str:
    """Where a row of a mixed "Parameters" table goes: `path`, `query` or `request` (the body)."""
    if name in placeholders:
        return "path"
    return "query" if method.upper() in _QUERY_METHODS else "request"


@recogniser("section", "response-body")
def response_body(text: str, level: int) -> Section | None:
    """`###### Response Body`, `###### Response Structure`, "Bulk Ban Response": the success response's fields.

    Discord writes these under an endpoint (`## Bulk Guild Ban` … `###### Bulk Ban Response`); Twilio and
    Slack head the returned fields "Response" / "Response body" the same way. With a status in it
    ("200", "400: Bad request") the general heading reading applies instead.
    """
    t = _clean(text).lower()
    if re.search(r"\d{3}|example|sample|error|header", t):
        return None
    if re.fullmatch(r"(?:.+\s)?response(?:\s+(?:body|structure|fields|object|params|parameters))?", t) \
            and not t.startswith(("success", "successful")):
        return Section("response")
    return None


@recogniser("section", "example-heading")
def example_heading(text: str, level: int) -> Section | None:
    """`###### Example User`, `###### Emoji Example`, "Example Request Body (application/json)", "Example Response".

    Discord names every sample so; what it samples follows from where it stands (an object section, an
    endpoint) unless the heading says request or response. Adapty's "Successful response example" is
    read by the general reading (it carries a status), and so is "Example request".
    """
    t = _clean(text).lower()
    if not re.search(r"(?:^example\b|\bexamples?$)", t) or re.search(r"success|error|request|\d{3}", t):
        return None  # "Example request …": the general reading makes it a request section
    return Section("example", name=_clean(text), example_of="response" if "response" in t else None)


_FIELD_HEADING = re.compile(r"^(?P<name>[A-Za-z_$][\w$.\[\]-]*)\s*\((?P<type>[^()]+)\)"
                            r"(?:\s*\((?:optional|required)\))?$", re.IGNORECASE)


@recogniser("section", "field-heading")
def field_heading(text: str, level: int) -> Section | None:
    """`#### `params` (JSON string)`, `#### `options` (Object) (optional)`: a heading naming one field and its
    type; the table or list under it is that field's structure, not the endpoint's parameters.

    listmonk's import API page heads the fields of its `params` form part so; Puter's SDK reference
    (`#### `options` (Object) (optional)`) and pino's API docs (`### `options` (Object)`) head every
    argument the same way. Only a type the `type` recognisers read counts ("Sorting (optional)" is not one).
    """
    m = _FIELD_HEADING.match(_clean(text))
    if not m or level < 2 or read_type(m.group("type")).json_type is None:
        return None
    return Section("object", name=m.group("name"))


# =============================================================================== tables


@dataclass(frozen=True, slots=True)
class TableShape:
    kind: str  # fields | enum
    value: int | None = None  # enum: the column holding the values
    label: int | None = None  # enum: the column holding the names
    description: int | None = None


_VALUE_HEADERS = ("value", "integer", "id", "code", "bit", "bits")
_LABEL_HEADERS = ("name", "type", "flag", "level", "mode", "key", "enum", "status", "event type", "action type",
                  "trigger type", "preset type", "strategy", "permission", "feature", "style", "behavior")


@recogniser("table", "enum-table")
def enum_table(header: list[str]) -> TableShape | None:
    """Value | Name | Description: the allowed values of something a field links to.

    Discord (`###### Premium Types`, `###### Channel Types`: Type | Value | Description,
    `###### User Flags`: Value | Name with `1 << 0` values) and the Discord Userdoccers (`Theme`:
    Value | Description) list enums so; Telegram-style "Value | Meaning" tables are the same.
    """
    words = [_clean(h).lower() for h in header]
    value = next((i for i, w in enumerate(words) if w in _VALUE_HEADERS), None)
    if value is None:
        return None
    if "type" in words and "field" in words:
        return None  # Field | Type | Value: a parameter table with a value column
    label = next((i for i, w in enumerate(words) if i != value and (w in _LABEL_HEADERS or w.endswith(" type"))),
                 None)
    description = next((i for i, w in enumerate(words) if w in ("description", "meaning", "details")), None)
    if label is None and description is None:
        return None
    return TableShape("enum", value=value, label=label, description=description)


@recogniser("table", "field-table")
def field_table(header: list[str]) -> TableShape | None:
    """Field | Type | Description (+ Required, Default, ...): one parameter or property per row.

    Every site in the corpus: Discord (`Field | Type | Description`), Adapty (`Parameter | Type |
    Required | Nullable | Description`), Stripe's and Twilio's parameter lists rendered as tables.
    """
    roles = column_roles(header)
    if "name" not in roles or not ({"type", "required", "nullable", "optional"} & roles.keys()):
        return None
    if "type" in roles and roles.keys() <= {"name", "type", "description", "default", "example"} \
            and re.search(r"(?<!data)(?<!value)(?<!field)(?<!param)\s+types?$", _clean(header[roles["type"]]).lower()):
        return None  # Field | Trigger Types | Max…: a table about the fields, not of them
    return TableShape("fields")


def enum_value(text: str) -> Any:
    """An enum cell as a value: `1 << 3` → 8, `42` → 42, `"dark"`/`dark` → "dark"."""
    cell = _clean(text.replace("\\", "")).strip('"\'')
    m = re.fullmatch(r"(\d+)\s*<<\s*(\d+)", cell)
    if m:
        return int(m.group(1)) << int(m.group(2))
    if re.fullmatch(r"-?\d+", cell):
        return int(cell)
    return re.sub(r"\s*(?:\\?\*+|\\?\[\d+\\?\])$", "", cell)


# =============================================================================== field names


@dataclass(frozen=True, slots=True)
class NameReading:
    name: str
    optional: bool | None = None  # `field?` → True
    notes: tuple[str, ...] = ()


@recogniser("name", "footnote-marks")
def name_footnotes(reading: NameReading) -> NameReading | None:
    """`content?*`, `flags?**`, `emoji_id ^1^`, `skype *`: footnote marks are not part of the name.

    Discord (`content?\\*` — "At least one of content, embeds, … is required") and the Discord
    Userdoccers (`emoji_id ^1^`) mark rows for a note below the table.
    """
    m = re.search(r"\s*(?:\\?\*+|\^\d+\^|\\?\[\d+\\?\]|\(\d+\))$", reading.name)
    if not m or m.start() == 0:
        return None
    return replace(reading, name=reading.name[:m.start()])


@recogniser("name", "optional-suffix")
def name_optional(reading: NameReading) -> NameReading | None:
    """`bot?` — the field may be absent (TypeScript's `name?: T`).

    Discord's reference (`avatar_decoration_data?`), the Discord Userdoccers and the unofficial Guilded
    API docs (`userId?`) all mark optional fields so; a name without `?` is always present.
    """
    if len(reading.name) > 1 and reading.name.endswith("?") and reading.optional is None:
        return replace(reading, name=reading.name[:-1].rstrip(), optional=True)
    return None


@recogniser("name", "header-with-value")
def name_header_value(reading: NameReading) -> NameReading | None:
    """`Authorization: Token <MEM0_API_KEY>`, `Accept: application/json` — a header written with its value; the
    name is the part before the colon.

    mem0's API reference (mem0ai/mem0 `docs/api-reference/memory/add-memories.mdx`, "Required headers") and
    Adapty's server-side API pages (`Authorization: Api-Key …`) write header rows so.
    """
    m = re.fullmatch(r"(?P<name>[A-Za-z][A-Za-z0-9-]*):\s+\S.*", reading.name)
    return replace(reading, name=m.group("name")) if m else None


def read_name(text: str) -> NameReading:
    """A name cell read by every `name` recogniser until none applies."""
    reading = NameReading(" ".join(text.replace("\\", "").split()))
    for _ in range(4):
        for entry in REGISTRY.get("name", []):
            changed = entry.fn(reading)
            if changed is not None:
                reading = replace(changed, notes=(*reading.notes, entry.name))
                break
        else:
            break
    return reading


# =============================================================================== types


@dataclass(frozen=True, slots=True)
class TypeReading:
    """A type cell read step by step: what is left of the text, and what was learnt from the rest."""

    text: str
    links: tuple[Link, ...] = ()
    nullable: bool | None = None
    array: bool = False
    ref: str | None = None  # link target of the object/enum named
    object: bool = False  # "… object": an object whatever its name
    json_type: JsonType = None
    format: str | None = None
    done: bool = False  # a base type was recognised
    notes: tuple[str, ...] = field(default_factory=tuple)  # the recognisers that read it, in order


def _link_named(reading: TypeReading, words: str) -> str | None:
    words = words.lower().strip()
    for text, href in reading.links:
        if text.lower().strip() and (text.lower().strip() in words or words in text.lower()):
            return href
    return None


@recogniser("type", "footnote-marks")
def type_footnotes(r: TypeReading) -> TypeReading | None:
    """`?ISO8601 timestamp \\*`, `gif \\[1\\]`, `array of strings ***` (Discord; the Userdoccers' `^1^`): notes."""
    m = re.search(r"\s*(?:\\?\*+|\^\d+\^|\\?\[\d+\\?\])$", r.text)
    if not m or m.start() == 0:
        return None
    return replace(r, text=r.text[:m.start()].strip())


@recogniser("type", "nullable-prefix")
def nullable_prefix(r: TypeReading) -> TypeReading | None:
    """`?string`, `?[image data](#image-data)` — the value may be null (absent `?`: never null).

    Discord's reference, the Discord Userdoccers (`?ISO8601 timestamp`) and bots' docs that copy the
    style (Paradise Bots) write nullable types so.
    """
    if r.text.startswith("?") and len(r.text) > 1:
        return replace(r, text=r.text[1:].strip(), nullable=True)
    return None


@recogniser("type", "nullable-suffix")
def nullable_suffix(r: TypeReading) -> TypeReading | None:
    """`string?` in a type cell (C#/Kotlin/Dart notation; Discord's overwrite table writes `allow? | string?`).

    Read as "may be null" as those languages mean it; Microsoft's .NET API docs and Kotlin's write `String?`.
    """
    if r.text.endswith("?") and len(r.text) > 1 and not r.text.endswith("??"):
        return replace(r, text=r.text[:-1].strip(), nullable=True if r.nullable is None else r.nullable)
    return None


_ARTICLE = re.compile(r"^(?:an?|the|one|partial|list|array)\s+", re.IGNORECASE)
_ARRAY = re.compile(r"^(?:(?:an?\s+)?(?:array|list)\s+of\s+(?:up\s+to\s+\d+\s+)?|\[\s*\]\s*)(?P<rest>.+)$",
                    re.IGNORECASE)


@recogniser("type", "array-of")
def array_of(r: TypeReading) -> TypeReading | None:
    """`array of snowflakes`, `?array of [embed](#embed-object) objects`, `List of [Poll Answer Objects]`, `X[]`.

    Discord and Stripe's API reference ("array of strings", "array of objects") name arrays by their
    items; the item type is read by the same recognisers.
    """
    if r.array:
        return None
    m = _ARRAY.match(r.text)
    if m:
        return replace(r, text=m.group("rest").strip(), array=True)
    if r.text.endswith("[]") and len(r.text) > 2:
        return replace(r, text=r.text[:-2].strip(), array=True)
    return None


@recogniser("type", "partial-prefix")
def partial_prefix(r: TypeReading) -> TypeReading | None:
    """`partial [guild](#guild-object) object`, `a [thread member](#…) object`: the words around the name.

    Discord says "partial" for an object with some fields left out; the type is still that object.
    """
    m = re.match(r"^(?:an?|the|partial)\s+(?P<rest>.+)$", r.text, re.IGNORECASE)
    if m and (r.links or re.search(r"\bobjects?$", m.group("rest"), re.IGNORECASE)):
        return replace(r, text=m.group("rest").strip())
    return None


@recogniser("type", "object-ref")
def object_ref(r: TypeReading) -> TypeReading | None:
    """`[user](/developers/resources/user#user-object) object`, `user object`, `[allowed mention object](#…)`,
    `[message reference](#message-reference-structure)`: an object (its structure where the link points).

    Discord's tables type every nested object so; Stripe's reference links expandable objects the same
    way ("customer" → the Customer object).
    """
    text = r.text
    if r.ref is not None:
        return None
    m = re.fullmatch(r"(?P<name>.+?)\s+(?:objects?|object ids|ids?|strings?)", text, re.IGNORECASE)
    linked = _link_named(r, m.group("name") if m else text)
    if m and m.group(0).lower().endswith(("ids", " id", "strings", "string")):
        return None  # "array of [role] object ids", "array of [guild feature] strings": read by the id/words
    if m and linked:
        return replace(r, text="object", ref=linked, object=True)
    if len(r.links) == 1 and text.lower().startswith(_clean(r.links[0][0]).lower()) and r.links[0][0].strip():
        # a bare link ("[privacy level](#…)", "[resolved](#…) data"): an object or an enum, decided by its target
        return replace(r, ref=r.links[0][1])
    if m and m.group(0).lower().endswith(("object", "objects")):
        return replace(r, text="object", object=True)
    return None


@recogniser("type", "id-alias")
def id_alias(r: TypeReading) -> TypeReading | None:
    """`snowflake` — Discord's 64-bit ids, sent as strings (format snowflake, as discord-api-spec writes it).

    Discord, the Discord Userdoccers, Paradise Bots (`userID | Snowflake`) and Twitter's v1 docs ("id_str")
    all pass such ids as strings; also `array of [role] object ids`, `[user] IDs`.
    """
    t = r.text.lower()
    linked_ids = bool(r.links) and re.fullmatch(r".+\s(?:object\s+)?ids?", t) is not None
    if linked_ids or re.fullmatch(r"snowflakes?|snowflakes?,\s+.+|comma-delimited .*snowflakes", t):
        if "comma-delimited" in t:
            return replace(r, json_type="string", done=True)
        return replace(r, json_type="string", format="snowflake", done=True)
    return None


@recogniser("type", "timestamp")
def timestamp(r: TypeReading) -> TypeReading | None:
    """`ISO8601 timestamp` (and Discord's typo `IS08601 timestamp`): a date-time string.

    Discord and the Discord Userdoccers write `?ISO8601 timestamp`; Adapty's "ISO 8601 date" is read by
    the vocabulary.
    """
    if re.fullmatch(r"(?:iso|is0)\s*-?\s*8601\s+(?:timestamp|date[\s-]?time)", r.text, re.IGNORECASE):
        return replace(r, json_type="string", format="date-time", done=True)
    if re.fullmatch(r"unix\s+timestamp", r.text, re.IGNORECASE):
        return replace(r, json_type="integer", done=True)
    return None


_WORDS: dict[str, tuple[JsonType, str | None]] = {
    "mixed": (None, None), "any": (None, None),
    "image data": ("string", None), "data uri": ("string", None), "image": ("string", None),
    "file contents": ("string", "binary"), "file": ("string", "binary"), "binary": ("string", "binary"),
    "dict": ("object", None), "dictionary": ("object", None), "map": ("object", None),
    "int": ("integer", None), "ints": ("integer", None), "integers": ("integer", None),
    "strings": ("string", None), "booleans": ("boolean", None), "numbers": ("number", None),
    "floats": ("number", "float"), "double": ("number", "double"),
}


@recogniser("type", "type-words")
def type_words(r: TypeReading) -> TypeReading | None:
    """The type words: `string`, `integer`, `boolean`, `?integer`, `float`, `dict`, `mixed` (any JSON value),
    `image data` / `data uri` (Discord's base64 data URIs), `file contents` (a multipart file part), and
    the general vocabulary of :mod:`contract.docs.vocab` ("ISO 8601 date", "Float or Integer", ...).

    Discord writes the short words; Adapty's tables the long ones; both are read here.
    """
    t = r.text.lower().strip()
    if t in _WORDS:
        json_type, fmt = _WORDS[t]
        return replace(r, json_type=json_type, format=fmt, done=True)
    m = re.fullmatch(r"dictionary with keys of .*|.*\bmapping\b.*", t)
    if m:
        return replace(r, json_type="object", done=True)
    json_type, fmt = normalise_type(r.text)
    if json_type is None:
        parts = re.split(r"\s+or\s+", r.text)
        if len(parts) > 1:
            readings = [read_type(p) for p in parts]
            types = sorted({t for x in readings for t in ([x.json_type] if isinstance(x.json_type, str) else [])})
            if readings and all(x.json_type is not None for x in readings):
                return replace(r, json_type=types[0] if len(types) == 1 else types, done=True)
        return None
    return replace(r, json_type=json_type, format=fmt, done=True)


_STEPS = 8


def read_type(text: str, links: list[Link] | tuple[Link, ...] = ()) -> TypeReading:
    """A type cell read by the `type` recognisers, each applied while it changes something.

    Returns the reading: `json_type` None when the base type is unknown (and no object was named).
    """
    reading = TypeReading(" ".join((text or "").replace("\\", "").split()), tuple(links))
    for _ in range(_STEPS):
        if reading.done:
            break
        for entry in REGISTRY.get("type", []):
            changed = entry.fn(reading)
            if changed is not None and changed != reading:
                reading = replace(changed, notes=(*reading.notes, entry.name))
                break
        else:
            break
    if reading.object and reading.json_type is None:
        reading = replace(reading, json_type="object", done=True)
    if reading.array:
        reading = replace(reading, json_type="array", format=None, done=True)
    return reading


# =============================================================================== returns and page facts

_RETURNS = re.compile(r"\breturn(?:s|ing|ed)?\b|\bresponds?\s+with\b", re.IGNORECASE)


def _returns_after(text: str) -> list[str]:
    """The text after "returns" in each sentence that has it."""
    out = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        m = _RETURNS.search(sentence)
        if m:
            out.append(sentence[m.end():])
    return out


@recogniser("returns", "returns-link")
def returns_link(text: str, links: list[Link]) -> list[tuple[str, bool]] | None:
    """"Returns a [user](/developers/resources/user#user-object) object": the endpoint answers with that object.

    Discord states every endpoint's result so ("Returns a list of [emoji](#emoji-object) objects"), and
    the unofficial Guilded API docs copy it ("Returns a [team](#team-object) object wrapped in a `team`
    key"); Stripe's reference ends each endpoint with "Returns the Customer object".
    Only the first object link after the word "returns" counts, in the sentence that has it; the answer is
    (link target, whether the sentence says "partial").
    """
    out: list[tuple[str, bool]] = []
    for after in _returns_after(text):
        for label, href in links:
            if "#" not in href or not label or label not in after:
                continue
            before, following = after.split(label, 1)
            if not re.match(r"\s*(?:gateway|event|permission|header|section|formatting)\b", following[:24],
                            re.IGNORECASE):
                out.append((href, bool(re.search(r"\bpartial\s*$", before, re.IGNORECASE))))
                break
    return out or None


@recogniser("returns", "returns-named-object")
def returns_named_object(text: str, links: list[Link]) -> list[tuple[str, bool]] | None:
    """"This endpoint returns a partial entitlement object." — the object named, not linked; read as a link to
    `#entitlement-object` on the same page (Discord's entitlement and application pages; Stripe's
    "Returns the customer object")."""
    out = []
    for after in _returns_after(text):
        m = re.match(r"\s*(?:an?|the|a list of|an array of|a serialized)?\s*(?:partial\s+|updated\s+|new\s+)?"
                     r"(?P<name>[a-z][a-z ]{1,40}?)\s+(?:object|objects|instance)\b", after, re.IGNORECASE)
        if m and not links:
            name = m.group("name") if not after[m.end("name"):].lstrip().startswith("instance") \
                else m.group("name") + " instance"
            out.append(("#" + slug(name) + "-object", "partial" in after[:m.start("name")].lower()))
    return out or None


_SAME_PARAMS = re.compile(r"\b(?:same|identical)\s+(?:json\s+|form\s+|query\s+|body\s+)?(?:param(?:eter)?s|fields|arguments)"
                          r"\s+(?:as|in|from|of)\b|\brefer\s+to\s+(?:the\s+)?param(?:eter)?s\s+(?:from|of|in)\b",
                          re.IGNORECASE)


@recogniser("params-from", "same-parameters-as")
def same_parameters_as(text: str, links: list[Link]) -> list[Link] | None:
    """"Use the same parameters in [POST /api/campaigns](#post-apicampaigns) in addition to the below parameters":
    the endpoint also takes the parameters documented for the linked one (the links after the phrase).

    listmonk's campaign API ("Refer to parameters from [POST /api/campaigns](…)"), the Genius API
    ("Accepts the same parameters as [`POST /annotation`](…) above") and HeadHunter's API docs ("Accepts the
    same parameters as [vacancy search](vacancies.md#search-params)") write it so.
    """
    m = _SAME_PARAMS.search(text)
    if m is None:
        return None
    after = text[m.end():]
    found = [(label, href) for label, href in links if label and label in after]
    return found or None


@recogniser("prose", "all-optional")
def all_optional(text: str) -> str | None:
    """"All parameters to this endpoint are optional." — Discord's note above a params table (also in the
    unofficial Guilded API docs): rows without `?` are optional too. "All parameters to this endpoint except for
    `access_token` are optional" (Discord's Add Guild Member) keeps the named rows as the table marks them: the
    fact is then "all-optional-except:access_token". "… are optional and nullable excluding `name`" (Discord's
    Modify Guild, Modify Guild Member, Modify Guild Role, Modify Guild Sticker and two more) makes the rows
    nullable too: "all-optional-nullable-except:name". "All JSON parameters for this route are optional"
    (Discord's Create Channel Invite) says the same of the body. Only the sentence that says it is read."""
    m = re.search(r"\ball\s+(?:json\s+|body\s+|request\s+)?(?:parameters|params|fields)\b(?P<rest>[^.]*?)"
                  r"\bare\s+optional\b(?P<tail>[^.]*)", text, re.IGNORECASE)
    if not m:
        return None
    nullable = re.match(r"\s*(?:and|,)\s*nullable\b", m.group("tail"), re.IGNORECASE) is not None
    fact = "all-optional-nullable" if nullable else "all-optional"
    named = (re.search(r"\bexcept(?:\s+for)?\s+(?P<names>.+)$", m.group("rest").strip(), re.IGNORECASE)
             or re.search(r"\b(?:except(?:\s+for)?|excluding)\s+(?P<names>.+)$", m.group("tail").strip(),
                          re.IGNORECASE))
    if named is None:
        return fact
    names = [w for w in re.findall(r"[A-Za-z_][\w\[\]]*", named.group("names")) if w.lower() not in ("and", "or", "the")]
    return f"{fact}-except:" + ",".join(names)


def optional_by_prose(facts: set[str], name: str) -> tuple[bool, bool]:
    """What an endpoint's "all parameters are optional [and nullable] [except …]" facts say of one request row:
    (optional, nullable)."""
    optional = nullable = False
    for fact in facts:
        if not fact.startswith("all-optional"):
            continue
        head, _, names = fact.partition("-except:")
        if name in names.split(","):
            continue
        optional = True
        nullable = nullable or head == "all-optional-nullable"
    return optional, nullable


@recogniser("object-prose", "extends-object")
def extends_object(text: str, links: list[Link]) -> str | None:
    """"Extra information about an invite, will extend the [invite](#invite-object) object." — the structure that
    follows adds fields to another object (Discord's Invite Metadata; Stripe's "This object extends …" notes)."""
    m = re.search(r"\bextends?\s+(?:the\s+)?(?P<label>.+?)\s+object\b", text, re.IGNORECASE)
    if not m:
        return None
    return next((href for label, href in links if label and label.lower() in m.group("label").lower()), None)


# =============================================================================== field components


@dataclass(frozen=True, slots=True)
class ComponentField:
    """One parameter or field a component declares: where it goes, its name, type, required, default."""

    place: str  # path | query | header | body | response
    name: str
    type: str
    required: bool | None
    default: str | None = None


_PLACES = ("path", "query", "header", "body", "cookie")
_FIELD_NAME = re.compile(r"^[A-Za-z_$@][\w$@.\-\[\]]*$")


def _flag(attrs: dict[str, str | None], name: str) -> bool | None:
    """A JSX boolean attribute: `required` (no value) or `required={true}` → True, `{false}` → False."""
    if name not in attrs:
        return None
    value = _jsx_value(attrs[name]).strip().strip("{}").strip().lower()
    if value in ("", "true"):
        return True
    return False if value == "false" else None


@recogniser("field", "mintlify-fields")
def mintlify_fields(block: Block) -> ComponentField | None:
    """`<ParamField path|query|body|header="name" type="string" required default="10">` and `<ResponseField
    name="id" type="string" required>`: one request parameter / body field, or one response field, per component
    (children under `<Expandable title="properties">` are the fields of an object field).

    Mintlify's component (mintlify/docs `components/fields.mdx`); written by hand in trigger.dev's SDK
    reference (triggerdotdev/trigger.dev `docs/management/runs/bulk-actions.mdx`), Smartcar's and Bright
    Data's API references. A tag without a place attribute or whose name is not a field name (a status
    written as `name="202 Accepted"`) is not read.
    """
    if not isinstance(block, Element | Tag) or (isinstance(block, Tag) and block.kind != "open"):
        return None
    attrs = block.attrs
    if block.name == "ParamField":
        places = [p for p in _PLACES if attrs.get(p)]
        if len(places) != 1 or places[0] == "cookie":
            return None
        place, name = places[0], _jsx_value(attrs[places[0]])
    elif block.name == "ResponseField":
        place, name = "response", _jsx_value(attrs.get("name"))
    else:
        return None
    if not _FIELD_NAME.match(name or ""):
        return None
    required = _flag(attrs, "required")
    if required is None and _flag(attrs, "optional"):
        required = False
    default = attrs.get("default")
    return ComponentField(place, name, _jsx_value(attrs.get("type")), required,
                          _jsx_value(default) if default is not None else None)


# =============================================================================== the side a row is about

# Said of the row itself: the description opens or closes with it, or says it in parentheses ("Whether the
# file is read-only" describes a value, not the field's direction).
_ABOUT_ROW = r"(?:^\s*\(?{0}\b|\({0}\)|(?:^|[.;]\s*){0}\s*\.?\s*$|\b{0}\s+(?:input\s+|output\s+)?(?:field|property|attribute)\b)"
_WHEN_SENDING = re.compile(r"^\s*(?:only\s+)?(?:used\s+)?when\s+(?:sending|creating|updating)\s*[,:]", re.IGNORECASE)
_REQUEST_ONLY = re.compile("|".join(_ABOUT_ROW.format(w) for w in (r"write[- ]only", r"request[- ]only"))
                           + r"|\b(?:is\s+)?never\s+returned\b|\bnot\s+(?:returned|included)\s+in\s+(?:the\s+)?"
                           r"responses?\b|\bonly\s+(?:used|accepted|valid)\s+(?:when|in)\s+(?:sending|creating|updating|"
                           r"requests?)\b", re.IGNORECASE)
_RESPONSE_ONLY = re.compile("|".join(_ABOUT_ROW.format(w) for w in (r"read[- ]only", r"response[- ]only"))
                            + r"|\bonly\s+(?:sent|returned|included|present)\s+(?:as\s+part\s+of|in)\s+(?:the\s+)?"
                            r"(?:\w+\s+)?responses?\b|\b(?:is\s+|are\s+)?only\s+returned\b|\bcannot\s+be\s+set\b",
                            re.IGNORECASE)


@recogniser("side", "request-only-prose")
def request_only(text: str) -> str | None:
    """A row only a request carries: "when sending, whether to error if the referenced message doesn't exist"
    (Discord's Message Reference), "provided as a write-only input field" (Kubernetes' Secret `stringData`),
    "(write-only)" / "Request Only" (APIMatic portals' field tags), "never returned" (password fields).

    The wording must be about the row: "when sending" opening the description with a comma (Stripe's "When
    sending an invoice, Stripe will email …" is about the action, not the field), the tag words at the start,
    the end or in parentheses."""
    if _WHEN_SENDING.search(text) or _REQUEST_ONLY.search(text):
        return "request"
    return None


@recogniser("side", "response-only-prose")
def response_only(text: str) -> str | None:
    """A row only a response carries: "Only sent as part of responses from Discord's API/Gateway" (Discord's
    Poll Answer `answer_id`), "only returned for Visa" / "only returned for calls that use offset-based
    pagination" (Adyen's and Box's schema descriptions), "Cannot be set externally currently" (Discord's
    recurrence rule), "(read-only)" / "Response Only" (Jive's and Red Hat's field tables, APIMatic portals)."""
    if _RESPONSE_ONLY.search(text):
        return "response"
    return None


def side_of(text: str) -> tuple[Side, str] | None:
    """The side (request | response) a row's description or footnote says the row is about, and the words."""
    found = first("side", text)
    if found is None:
        return None
    side: Side = "request" if found[1] == "request" else "response"
    m = (_WHEN_SENDING.search(text) or _REQUEST_ONLY.search(text)) if side == "request" else _RESPONSE_ONLY.search(text)
    return side, (m.group(0).strip(" ,:.()") if m else text)


# "…, returned when in the template object", "returned in an [Invite]'s guild object", "only included when part of
# the `resolved` data received on an interaction", "only sent when using the [GET Current User Guilds] endpoint"
_ELSEWHERE = re.compile(r"\b(?:only\s+)?(?:returned|included|sent|present)\s+(?:only\s+)?(?:when\s+in|in\s+an?|"
                        r"when\s+part\s+of|when\s+using)\s+(?:the\s+)?[^.;|]{0,80}?\b(?:object|data|endpoint)\b",
                        re.IGNORECASE)
# "omitted on the member sent within each thread in the GUILD_CREATE event", "won't be included in the member object
# attached to MESSAGE_CREATE and MESSAGE_UPDATE gateway events", "(only included in events of type `*.updated`)"
_ABSENT_WORDS = (r"(?:omitted|not\s+(?:be\s+)?included|won't\s+be\s+included|not\s+(?:be\s+)?present|"
                 r"only\s+(?:included|sent|present))")
# events the API sends (not a resource named "event": Discord's scheduled events "created before October 25th"):
# gateway or webhook events, events named in capitals (`GUILD_CREATE`, `GUILD_`), Stripe's "events of type"
_EVENTS = r"(?:\b(?:gateway|webhook)\s+events?\b|(?-i:\b[A-Z][A-Z0-9]*_[A-Z0-9_]*)\s+(?:gateway\s+)?events?\b|" \
          r"\bevents?\s+of\s+type\b)"
_IN_EVENTS = (re.compile(_ABSENT_WORDS + r"[^.;|]{0,120}?" + _EVENTS, re.IGNORECASE),
              re.compile(r"\bin\s+[^.;|]{0,40}?" + _EVENTS + r"[^.;|]{0,120}?" + _ABSENT_WORDS, re.IGNORECASE))
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def _words(text: str) -> str:
    """Prose without Markdown links' targets and code marks: what a reader reads."""
    return _clean(_LINK.sub(r"\1", text or ""))


@recogniser("presence", "elsewhere-prose")
def presence_elsewhere(text: str) -> str | None:
    """A row only another object or endpoint carries: "returned when in the interaction object" (Discord's
    Guild Member `permissions`), "returned when in the template object" (Guild `icon_hash`), "returned in an
    Invite's guild object" (Guild `welcome_screen`), "only included when part of the `resolved` data received on
    an interaction" (Channel `app_permissions`), "only sent when using the GET Current User Guilds endpoint"
    (Guild `owner`/`permissions` footnote). The operations that return the object itself need not have it."""
    m = _ELSEWHERE.search(_words(text))
    return m.group(0) if m else None


@recogniser("presence", "events-prose")
def presence_events(text: str) -> str | None:
    """A row whose absence (or presence) the docs tie to events, not to the API's own answers: "omitted on the
    member sent within each thread in the GUILD_CREATE event" (Discord's Thread Member `id`/`user_id`), "won't be
    included in the member object attached to MESSAGE_CREATE … gateway events" (Guild Member `user`), "In non
    `GUILD_` events …, `pending` will not be included", Stripe's event `previous_attributes` ("only included in
    events of type `*.updated`")."""
    words = _words(text)
    m = next((m for pattern in _IN_EVENTS if (m := pattern.search(words))), None)
    return m.group(0) if m else None


def says_absent(sentence: str, name: str) -> bool:
    """Whether `sentence` names row `name` as what is left out: the name, then at most two words, then the words
    of absence ("`user` won't be included", "`pending` will not be included"). Names shorter than three letters
    are common words, never read so."""
    if len(name) < 3:
        return False
    pattern = rf"(?<![\w.-]){re.escape(name)}(?![\w-])(?:\s+\w+){{0,2}}?\s+{_ABSENT_WORDS}"
    return re.search(pattern, _words(sentence), re.IGNORECASE) is not None


def presence_of(text: str) -> str | None:
    """The words limiting where a row appears (another object, an endpoint, events), when the text says so."""
    found = first("presence", text)
    return found[1] if found else None


_MARK = re.compile(r"\s*(\\?\*+|\^\d+\^|\\?\[\d+\\?\])\s*$")
_FOOTNOTE = re.compile(r"^\s*(\\?\*+|\^\d+\^|\\?\[\d+\\?\])\s+(?:[-–—:]\s*)?(?=\S)")


def footnote_mark(text: str) -> str | None:
    """The footnote mark a name cell ends with (`answer_id\\*` → "*", `emoji_id ^1^` → "1", `x \\[2\\]` → "2")."""
    m = _MARK.search(text or "")
    if not m or m.start() == 0:
        return None
    return m.group(1).replace("\\", "").strip("^[]") or None


def footnote(text: str) -> tuple[str, str] | None:
    """A paragraph that is a footnote: its mark and the note (`\\* Only sent as part of responses …`)."""
    m = _FOOTNOTE.match(text or "")
    if not m:
        return None
    return m.group(1).replace("\\", "").strip("^[]"), text[m.end():]


__all__ = [
    "REGISTRY", "ComponentField", "NameReading", "Recogniser", "Section", "TableShape", "TypeReading", "anchor_of", "enum_value",
    "first", "footnote", "footnote_mark", "parameter_place", "presence_of", "read_name", "read_type", "recogniser",
    "recognisers", "says_absent", "side_of", "slug",
]
