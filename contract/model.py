"""The one data model that flows through every stage.

load → :class:`Operation`; generate → :class:`Case`; replay → :class:`Exchange`;
every stage → :class:`Finding`. Stages exchange these objects only, never each
other's internals, so each stage can be tested (and replaced) on its own.
"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ParamIn = Literal["path", "query", "header", "cookie"]
CaseMode = Literal["conforming", "violating"]
ConstraintSource = Literal["spec", "prose", "docs"]
Verdict = Literal["spec", "docs", "neither", "both", "inconclusive"]
# Where the value of an identifier parameter of a case came from (see `Case.identifier_sources`):
# generated — made up by the run (nothing says such a resource exists); produced — read from the
# response of a request that created it (the create succeeded); configured — given by the user.
IdentifierSource = Literal["generated", "produced", "configured"]


class Severity(enum.IntEnum):
    """Ordered so thresholds (`--fail-on`) compare with `>=`."""

    INFO = 10
    WARNING = 20
    ERROR = 30

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected info, warning or error)") from None


@dataclass(frozen=True, slots=True)
class Location:
    """Where something is stated: a file and line, and inside a spec a JSON pointer."""

    file: str
    line: int | None = None
    pointer: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}#{self.pointer}" if self.pointer else where

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "pointer": self.pointer}


# --------------------------------------------------------------------------- spec side


@dataclass(slots=True)
class Parameter:
    name: str
    location: ParamIn
    required: bool = False
    schema: dict[str, Any] | bool | None = None  # the OpenAPI Schema Object as written ($refs kept; 3.1 allows true/false)
    description: str = ""
    where: Location | None = None


@dataclass(slots=True)
class MediaType:
    media_type: str
    schema: dict[str, Any] | None = None
    example: Any = None
    has_example: bool = False
    where: Location | None = None
    # property name → its Encoding Object (`style`, `explode`, `contentType`, ...) as written
    encoding: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(slots=True)
class RequestBody:
    required: bool = False
    content: dict[str, MediaType] = field(default_factory=dict)
    description: str = ""
    where: Location | None = None


@dataclass(slots=True)
class ResponseHeader:
    name: str
    required: bool = False
    schema: dict[str, Any] | None = None
    description: str = ""
    where: Location | None = None


@dataclass(slots=True)
class Response:
    status: str  # "200", "4XX" or "default", as in the spec
    description: str = ""
    content: dict[str, MediaType] = field(default_factory=dict)
    headers: dict[str, ResponseHeader] = field(default_factory=dict)
    where: Location | None = None


@dataclass(frozen=True, slots=True)
class SecurityScheme:
    """One credential a request must carry (`in`/`name` for apiKey, `scheme` for http)."""

    key: str  # name under components/securitySchemes
    type: str  # apiKey | http | oauth2 | openIdConnect | mutualTLS
    location: str | None = None  # header | query | cookie, for apiKey
    param_name: str | None = None  # e.g. "Authorization"
    scheme: str | None = None  # bearer | basic, for http


@dataclass(slots=True)
class Operation:
    method: str  # upper case
    path: str
    operation_id: str | None = None
    summary: str = ""
    description: str = ""
    parameters: list[Parameter] = field(default_factory=list)
    request_body: RequestBody | None = None
    responses: dict[str, Response] = field(default_factory=dict)
    # Alternatives (OR) of requirement sets (AND); [] = no security, [[]] = optional.
    security: list[list[SecurityScheme]] = field(default_factory=list)
    where: Location | None = None
    origin: Literal["spec", "docs"] = "spec"

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    def __str__(self) -> str:
        return self.key

    def parameter(self, location: ParamIn, name: str) -> Parameter | None:
        lowered = name.lower() if location == "header" else name
        for p in self.parameters:
            if p.location == location and (p.name.lower() if location == "header" else p.name) == lowered:
                return p
        return None


@dataclass(frozen=True, slots=True)
class Violation:
    """One way a request or response breaks the spec.

    `part` says which part of the message: body, header, query, path, cookie,
    status, content-type or security. `pointer` is a JSON pointer into the body
    (or the parameter name for parameters); `keyword` is the failing JSON Schema
    keyword (or required / status / content-type / security / parse).
    """

    part: str
    pointer: str
    keyword: str
    message: str
    expected: Any = None
    actual: Any = None

    def __str__(self) -> str:
        where = self.part if not self.pointer else f"{self.part} {self.pointer}"
        return f"{where}: {self.message} [{self.keyword}]"

    def to_dict(self) -> dict[str, Any]:
        return {"part": self.part, "pointer": self.pointer, "keyword": self.keyword, "message": self.message,
                "expected": jsonable(self.expected), "actual": jsonable(self.actual)}


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True, slots=True)
class Constraint:
    """One constraint a violating case breaks (or that a conforming case honours).

    `pointer` is a JSON pointer into the *instance* (e.g. ``/custom_attributes/0/key``)
    for the body, or ``header/<name>``, ``query/<name>``, ``path/<name>`` for parameters,
    or ``request/content-type`` / ``request/body`` for whole-request constraints.
    """

    pointer: str
    keyword: str
    value: Any = None
    description: str = ""
    source: ConstraintSource = "spec"
    where: Location | None = None  # where the constraint is stated

    def __str__(self) -> str:
        return f"{self.pointer or '/'} {self.keyword}: {self.description}".rstrip(": ")

    def to_dict(self) -> dict[str, Any]:
        return {
            "pointer": self.pointer,
            "keyword": self.keyword,
            "value": jsonable(self.value),
            "description": self.description,
            "source": self.source,
            "where": self.where.to_dict() if self.where else None,
        }


@dataclass(slots=True)
class Case:
    """One request to send: everything needed to reproduce it, nothing target-specific."""

    operation: str  # Operation.key
    method: str
    path: str  # templated path as in the spec, e.g. /users/{id}
    path_params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    body: Any = None
    has_body: bool = False
    media_type: str | None = None
    raw_body: bytes | None = None  # overrides `body` when set (malformed JSON cases)
    mode: CaseMode = "conforming"
    label: Constraint | None = None
    # Identifier parameter name (path parameters, and header/query parameters carrying an identifier)
    # → where its value came from. Absent = "generated": a value the run made up.
    identifier_sources: dict[str, IdentifierSource] = field(default_factory=dict)

    def identifier_source(self, name: str) -> IdentifierSource:
        """Where the value of identifier parameter `name` came from ("generated" unless recorded)."""
        return self.identifier_sources.get(name, "generated")

    def rendered_path(self) -> str:
        from urllib.parse import quote

        path = self.path
        for name, value in self.path_params.items():
            path = path.replace("{" + name + "}", quote(str(value), safe=""))
        return path


    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "operation": self.operation,
            "method": self.method,
            "path": self.rendered_path(),
            "headers": dict(self.headers),
            "query": dict(self.query),
            "body": self.body if self.raw_body is None else self.raw_body.decode("utf-8", "replace"),
            "mode": self.mode,
            "label": self.label.to_dict() if self.label else None,
        }
        return out


# --------------------------------------------------------------------------- exchanges


@dataclass(slots=True)
class Exchange:
    """A request as sent and what came back (or the transport error instead)."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: bytes | None = None
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes | None = None
    body_truncated: bool = False
    elapsed: float = 0.0
    error: str | None = None  # "timeout", "connection_reset", ... when there is no response

    def json(self) -> Any:
        if self.response_body is None:
            raise ValueError("no body")
        return json.loads(self.response_body)

    def to_dict(self, *, body_limit: int = 4096) -> dict[str, Any]:
        def text(b: bytes | None) -> str | None:
            if b is None:
                return None
            t = b[:body_limit].decode("utf-8", "replace")
            return t + ("…" if len(b) > body_limit else "")

        return {
            "method": self.method,
            "url": self.url,
            "request_headers": dict(self.request_headers),
            "request_body": text(self.request_body),
            "status": self.status,
            "response_headers": dict(self.response_headers),
            "response_body": text(self.response_body),
            "body_truncated": self.body_truncated,
            "elapsed": round(self.elapsed, 6),
            "error": self.error,
        }


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True, slots=True)
class Disagreement:
    """What the spec and a docs page say differently about one field, and where a request can test it.

    Produced by the spec↔docs drift comparison, read by the triangulation probes (which
    build the request that tells the two apart) and by generation (the docs' own limits).
    `location` is where the field lives in a request body (``/name``; ``*`` = every item),
    set only when a request can reach it. In report.json these keys sit in the finding's
    ``details``, after ``subject``.
    """

    field: str | None = None  # the field in dispute, as the docs table names it
    keyword: str | None = None  # the limit in dispute (maxLength, pattern, ...)
    docs_value: Any = None  # what the docs say (types, a flag, an enum, a limit)
    spec_value: Any = None  # what the spec says (None: the spec says nothing)
    converts: tuple[str, str] | None = None  # (source type, target type): "booleans are converted to floats"
    location: str | None = None  # instance location in the request body
    header: str | None = None  # a documented header the spec does not declare

    def to_details(self) -> dict[str, Any]:
        """The keys as they appear in report.json ``details`` (unset ones left out)."""
        values = {"field": self.field, "keyword": self.keyword, "docs_value": self.docs_value,
                  "spec_value": self.spec_value, "converts": self.converts, "location": self.location,
                  "header": self.header}
        return {k: v for k, v in values.items() if v is not None}


def fingerprint(check: str, operation: str | None, spec_pointer: str | None, docs_file: str | None,
                constraint: str | None, subject: str | None) -> str:
    """A finding's stable identity (see :meth:`Finding.signature`), from its parts.

    Also computed from a report.json finding, e.g. to match a baseline recorded under an old check id.
    """
    parts = [check, operation or "", spec_pointer or "", docs_file or "", constraint or "",
             subject if subject is not None else ""]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


@dataclass(slots=True)
class Finding:
    """What every stage reports. `check` is a stable id from the registry (:mod:`contract.core.checks`).

    `subject` names what the finding is about, without line numbers or live data, so that
    it and the other stable parts identify the finding across runs (:meth:`signature`).
    """

    check: str
    severity: Severity
    message: str
    operation: str | None = None  # "METHOD /path"
    spec: Location | None = None
    docs: Location | None = None
    exchange: Exchange | None = None
    curl: str | None = None
    constraint: Constraint | None = None
    source: ConstraintSource | None = None
    verdict: Verdict | None = None
    details: dict[str, Any] = field(default_factory=dict)
    subject: str | None = None
    disagreement: Disagreement | None = None  # spec↔docs drift: what each side says, for probes

    def signature(self) -> str:
        """Stable identity across re-runs and line shifts: no line numbers, no live data."""
        return fingerprint(self.check, self.operation, self.spec.pointer if self.spec else None,
                           self.docs.file if self.docs else None,
                           str(self.constraint) if self.constraint else None, self.subject)

    def report_details(self) -> dict[str, Any]:
        """``details`` as report.json shows them: the subject first, then the disagreement, then the rest."""
        out: dict[str, Any] = {} if self.subject is None else {"subject": self.subject}
        if self.disagreement is not None:
            out.update(self.disagreement.to_details())
        out.update(self.details)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": str(self.severity),
            "operation": self.operation,
            "message": self.message,
            "fingerprint": self.signature(),
            "spec": self.spec.to_dict() if self.spec else None,
            "docs": self.docs.to_dict() if self.docs else None,
            "live": self.exchange.to_dict() if self.exchange else None,
            "curl": self.curl,
            "constraint": self.constraint.to_dict() if self.constraint else None,
            "source": self.source,
            "verdict": self.verdict,
            "details": jsonable(self.report_details()),
        }


def jsonable(value: Any) -> Any:
    """Make a value JSON-safe without losing what it says (bytes, sets, dataclasses)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, enum.Enum):
        return str(value)
    if hasattr(value, "__dataclass_fields__"):
        return jsonable(asdict(value))
    return value
