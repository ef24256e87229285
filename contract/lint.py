"""The spec's own defects, as findings — never as a crash.

Each check is a small named function registered with its id in the one check
registry (:mod:`contract.core.checks`), in the manner of Schemathesis's checks:
`lint(spec)` runs every ``lint`` check and a failing check becomes a finding about
the linter, not an exception.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from contract.core import checks
from contract.core.memory import gc_paused
from contract.core.pointer import join
from contract.core.schema_facts import effective, subject_schema
from contract.load import Spec, Swagger2Document
from contract.load import cache as spec_cache
from contract.load.swagger2 import FORM_MEDIA, Operation2
from contract.load.swagger2 import operations as swagger2_operations
from contract.model import Finding, MediaType, Operation, Severity
from contract.prose import ProseConstraint, extract
from contract.schema import Direction
from contract.validate import KNOWN_FORMATS, CompiledSchema, is_json_media

LintCheck = Callable[[Spec], Iterator[Finding]]

checks.declare("lint.internal_error", Severity.WARNING,
               "a lint check failed on this spec (a bug in contract; the other checks still ran)")


def check(check_id: str, severity: Severity) -> Callable[[LintCheck], LintCheck]:
    """Register a lint check (its description is the first line of its docstring)."""
    return checks.check(check_id, severity, kind="spec")


def lint_checks() -> dict[str, LintCheck]:
    """The lint checks, id → function, in the order they run."""
    return {info.id: info.fn for info in checks.by_stage("lint") if info.fn is not None}


def lint(spec: Spec, *, only: set[str] | None = None, reuse: bool = False) -> list[Finding]:
    """Every lint check (or those in `only`: ids, old names accepted) on `spec`, sorted by line.

    With `reuse`, for a spec fresh from `load_spec` (a command's, not one a caller may have changed):
    the findings of an earlier lint of the same bytes by the same code come from the warm-start cache.
    """
    wanted = {checks.canonical(name) for name in only} if only else None
    name = None
    if reuse and spec.cache_key is not None:
        name = spec_cache.key("lint", spec.cache_key, sorted(wanted or ()), tuple(lint_checks()),
                              METASCHEMA_BUDGET, _METASCHEMA_FLOOR_PER_OPERATION)
        stored = spec_cache.read(name)
        if isinstance(stored, list) and all(isinstance(f, Finding) for f in stored):
            return stored
    findings = _lint(spec, wanted)
    # A check cut short for time depends on the machine's load that day, not on the spec: not kept.
    if name is not None and not any(f.details.get("cut_short") for f in findings):
        spec_cache.write(name, findings)
    return findings


def _lint(spec: Spec, wanted: set[str] | None) -> list[Finding]:
    findings: list[Finding] = []
    # The checks make findings and the schema walk, acyclic (a few hundred cyclic objects on OpenAI's spec): a
    # collection meanwhile finds nothing, but the first full one walks every object of the loaded spec
    # (1.4 CPU s on 100,000 operations), and when it came depended on allocation counts, not on the spec.
    with schemas_walked_once(), gc_paused():
        for name, fn in lint_checks().items():
            if wanted and name not in wanted:
                continue
            findings.extend(run_check(name, fn, spec))
    findings.sort(key=lambda f: (f.spec.line or 0 if f.spec else 0, f.check, f.message))
    return findings


def run_check(name: str, fn: LintCheck, spec: Spec) -> list[Finding]:
    """One check's findings; a check that fails becomes a `lint.internal_error` after what it found."""
    found: list[Finding] = []
    try:
        found.extend(fn(spec))
    except Exception as exc:  # a linter bug must not hide every other finding
        found.append(Finding("lint.internal_error", Severity.WARNING,
                             f"lint check {name} failed: {type(exc).__name__}: {exc}"))
    return found


# --------------------------------------------------------------------------- schema walking

_SUB_ONE = ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else")
_SUB_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUB_MAP = ("properties", "patternProperties", "$defs")


# The schemas of the spec being linted, walked once per `lint()` call: four checks read them all.
_SCHEMAS: ContextVar[dict[int, list[tuple[str, str | None, dict[str, Any]]]] | None] = ContextVar(
    "contract_lint_schemas", default=None)


@contextmanager
def schemas_walked_once() -> Iterator[None]:
    """Within: `iter_schemas` walks each spec once and replays the walk (as during `lint()`)."""
    token = _SCHEMAS.set({})
    try:
        yield
    finally:
        _SCHEMAS.reset(token)


def iter_schemas(spec: Spec) -> Iterator[tuple[str, str | None, dict[str, Any]]]:
    """Every schema written in the spec: (pointer, property name if any, schema). $refs not followed."""
    cache = _SCHEMAS.get()
    if cache is None:
        return _walk_schemas(spec)
    found = cache.get(id(spec))
    if found is None:
        found = cache[id(spec)] = list(_walk_schemas(spec))
    return iter(found)


def _walk_schemas(spec: Spec) -> Iterator[tuple[str, str | None, dict[str, Any]]]:
    roots: list[tuple[str, Any]] = []
    comps = spec.data.get("components")
    if isinstance(comps, dict) and isinstance(comps.get("schemas"), dict):
        roots += [(join("/components/schemas", k), v) for k, v in comps["schemas"].items()]
    roots += list(_schema_positions(spec.data))
    # A document whose containers are each reached once (parsed JSON) needs no table of the schemas seen:
    # on 100,000 operations it was 350,000 ids in a hash table of a million slots.
    seen: set[int] | None = None if spec.document.tree else set()
    stack: list[tuple[str, str | None, Any]] = [(p, None, s) for p, s in reversed(roots)]
    while stack:
        pointer, name, schema = stack.pop()
        if not isinstance(schema, dict):
            continue
        if seen is not None:
            if id(schema) in seen:
                continue
            seen.add(id(schema))
        yield pointer, name, schema
        for key in _SUB_ONE:
            if isinstance(schema.get(key), dict):
                stack.append((join(pointer, key), None, schema[key]))
        for key in _SUB_MANY:
            if isinstance(schema.get(key), list):
                stack.extend((join(pointer, key, i), None, s) for i, s in enumerate(schema[key]))
        for key in _SUB_MAP:
            if isinstance(schema.get(key), dict):
                stack.extend((join(pointer, key, k), k, s) for k, s in schema[key].items())


def _schema_positions(data: Any) -> Iterator[tuple[str, Any]]:
    """Values of `schema` keys (parameters, media types, headers) outside components/schemas, in document order.

    The place of a node is a (parent's place, key) chain, spelled as a pointer only for the
    schemas found: joining a pointer for every node of the document was most of the walk.
    """
    stack: list[tuple[Any, Any]] = [(data, None)]
    while stack:
        node, trail = stack.pop()
        if isinstance(node, dict):
            children: list[tuple[Any, Any]] = []
            for key, value in node.items():
                if key in ("example", "examples", "x-examples") or (trail == (None, "components") and key == "schemas"):
                    continue
                if key == "schema" and isinstance(value, dict):
                    yield _spell(trail, key), value
                elif isinstance(value, dict | list):
                    children.append((value, (trail, key)))
            stack.extend(reversed(children))
        elif isinstance(node, list):
            stack.extend(reversed([(value, (trail, i)) for i, value in enumerate(node) if isinstance(value, dict | list)]))


def _spell(trail: Any, last: str) -> str:
    keys: list[str | int] = [last]
    while trail is not None:
        trail, key = trail
        keys.append(key)
    return join("", *reversed(keys))


# --------------------------------------------------------------------------- checks


METASCHEMA_BUDGET = float(os.environ.get("CONTRACT_METASCHEMA_TIMEOUT", "30"))
# openapi-spec-validator spends 1.5-3 ms per operation on this machine even on one-line operations
# (synthetic 10k-operation spec: 15-17 s; see bench/stages.py); below that floor a run is certain to
# exceed its budget, so it is not started.
_METASCHEMA_FLOOR_PER_OPERATION = 0.0005
# The budget is CPU seconds of the check's process; wall time may run this many times longer (a loaded
# machine), checked every _POLL seconds.
_WALL_FACTOR = 4
_POLL = 0.05

# One error as the check reads it: first message line, its JSON pointer, whether the instance is "file".
_MetaError = tuple[str, str, bool]
# Errors listed at most, and gathered at most (a broken generator's output is still bounded in memory).
_METASCHEMA_LISTED = 1000
_METASCHEMA_GATHERED = 100_000


def _metaschema_errors(spec: Spec, budget: float) -> tuple[list[_MetaError], BaseException | None] | None:
    """openapi-spec-validator's errors (and the exception it died of, if it did), or None if it did
    not finish within `budget` seconds.

    It costs ~1-3 ms per operation and follows every `$ref` fan-out, so a 100k-operation spec or
    a reference bomb would hold lint for minutes. Where the platform forks, it runs in a child
    process that is killed at the budget: nothing keeps running (and writing) after it.
    """
    from openapi_spec_validator import (
        OpenAPIV2SpecValidator,
        OpenAPIV30SpecValidator,
        OpenAPIV31SpecValidator,
    )

    from contract.metaschema import place, placed_validator

    cls: type[OpenAPIV2SpecValidator | OpenAPIV30SpecValidator | OpenAPIV31SpecValidator] = (
        OpenAPIV30SpecValidator if spec.version.startswith("3.0") else OpenAPIV31SpecValidator)
    data = spec.data
    if isinstance(spec.document, Swagger2Document):  # the document as its author wrote it, not our reading
        cls, data = OpenAPIV2SpecValidator, spec.document.original
    validator = placed_validator(cls)

    def work() -> tuple[list[_MetaError], BaseException | None]:
        # Every error, then sorted: the library's order is not the same from one process to the next,
        # so which 1,000 of more were kept (and which duplicate came first) would not be either.
        errors: list[_MetaError] = []
        crash: BaseException | None = None
        try:
            for err in itertools.islice(validator(data).iter_errors(), _METASCHEMA_GATHERED):
                errors.append((str(getattr(err, "message", err)).splitlines()[0].strip(),
                               place(data, err), getattr(err, "instance", None) == "file"))
        except BaseException as exc:  # errors found so far still count; the caller re-raises this
            crash = exc
        errors.sort(key=lambda e: (e[1], e[0]))
        return errors, crash

    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - Windows
        return _in_thread(work, budget)
    return _in_child(work, budget)


def _in_thread(work: Callable[[], Any], budget: float) -> Any:
    box: list[Any] = []
    worker = threading.Thread(target=lambda: box.append(work()), name="contract-metaschema", daemon=True)
    worker.start()
    worker.join(budget)
    return box[0] if box else None


def _in_child(work: Callable[[], tuple[list[_MetaError], BaseException | None]], budget: float
              ) -> tuple[list[_MetaError], BaseException | None] | None:
    """`work()` in a forked child, its result sent back; the child is killed if it outlasts `budget`."""
    receiver, sender = multiprocessing.Pipe(duplex=False)

    def child() -> None:
        gc.enable()  # lint's pause is for its own acyclic findings, not for the validator's many cycles
        errors, exc = work()
        crash = None if exc is None else (type(exc).__name__, str(exc))
        sender.send((errors, crash))

    process = multiprocessing.get_context("fork").Process(target=child, name="contract-metaschema", daemon=True)
    for stream in (sys.stdout, sys.stderr):  # else the child, flushing at its exit, would repeat pending output
        if stream is not None:
            stream.flush()
    process.start()
    sender.close()
    try:
        if not _answered_within(receiver, process.pid, budget):
            return None
        errors, crash = receiver.recv()
    except EOFError:  # the child died without a word (killed by a signal, out of memory)
        process.join(5)
        errors, crash = [], ("ChildProcessError", f"the check's process ended with exit code {process.exitcode}")
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join()
    return errors, None if crash is None else type(crash[0], (Exception,), {})(crash[1])


def _answered_within(receiver: Any, pid: int | None, budget: float) -> bool:
    """Whether the child answers before it has spent `budget` seconds of CPU (where the platform says
    how much: Linux's /proc), and in any case within `_WALL_FACTOR` × `budget` seconds of wall time.

    CPU time, not wall time, is what the check costs: on a loaded machine (two cores, several runs)
    a wall-clock budget cut OpenAI's 3 s check at 30 s, so the same file was checked or not by the hour.
    """
    started = time.monotonic()
    while not receiver.poll(_POLL):
        spent = _cpu_seconds(pid)
        waited = time.monotonic() - started
        if (spent if spent is not None else waited) > budget or waited > budget * _WALL_FACTOR:
            return False
    return True


def _cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds of process `pid` so far (Linux); None where that cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()  # after "pid (name)": state, ppid, ...
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


@check("lint.metaschema", Severity.ERROR)
def metaschema(spec: Spec) -> Iterator[Finding]:
    """The document against the OpenAPI metaschema (openapi-spec-validator)."""
    floor = len(spec.operations) * _METASCHEMA_FLOOR_PER_OPERATION
    if floor > METASCHEMA_BUDGET:
        yield Finding("lint.metaschema", Severity.INFO,
                      f"metaschema check skipped: {len(spec.operations)} operations take longer than "
                      f"{METASCHEMA_BUDGET:g} s to check (at least {floor:.0f} s); set CONTRACT_METASCHEMA_TIMEOUT "
                      "to allow longer", spec=spec.location(""), subject="timeout")
        return
    outcome = _metaschema_errors(spec, METASCHEMA_BUDGET)
    if outcome is None:
        yield Finding("lint.metaschema", Severity.INFO,
                      f"metaschema check cut short: it did not finish within {METASCHEMA_BUDGET:g} s of CPU "
                      f"time (or {METASCHEMA_BUDGET * _WALL_FACTOR:g} s of wall time) ({len(spec.operations)} "
                      "operations), so none of its errors are listed; not kept in the warm-start cache; set "
                      "CONTRACT_METASCHEMA_TIMEOUT to allow longer",
                      spec=spec.location(""), subject="timeout", details={"cut_short": True})
        return
    errors, crash = outcome
    doc = spec.document
    swagger2 = isinstance(doc, Swagger2Document)
    version = "Swagger 2.0" if swagger2 else f"OpenAPI {spec.version}"
    located = doc.source_location if isinstance(doc, Swagger2Document) else spec.location
    distinct: dict[tuple[str, str], None] = {}
    for message, pointer, is_file in errors:
        if swagger2 and is_file:
            continue  # openapi-spec-validator checks 2.0 schemas as if `type: file` (legal for responses) were not
        extra = re.search(r"\('([^']+)' (?:was|were) unexpected\)", message)
        distinct.setdefault((join(pointer, extra.group(1)) if extra else pointer, message))
    for pointer, message in itertools.islice(distinct, _METASCHEMA_LISTED):
        yield Finding("lint.metaschema", Severity.ERROR, f"not valid {version}: {message}",
                      spec=located(pointer), subject=pointer)
    if len(distinct) > _METASCHEMA_LISTED:
        total = f"at least {len(distinct)}" if len(errors) >= _METASCHEMA_GATHERED else str(len(distinct))
        yield Finding("lint.metaschema", Severity.INFO,
                      f"metaschema check: {total} errors, the first {_METASCHEMA_LISTED} by place listed; "
                      "fix those and lint again for the rest", spec=spec.location(""), subject="more")
    if crash is not None:
        raise crash  # lint() turns it into a lint.internal_error finding, after these


@check("lint.nullable_in_31", Severity.WARNING)
def nullable_in_31(spec: Spec) -> Iterator[Finding]:
    """`nullable` has no effect under JSON Schema 2020-12 (OpenAPI 3.1): null must be in `type`."""
    if not spec.version.startswith("3.1"):
        return
    effect = {"auto": "honoured anyway (--nullable auto)", "version": "ignored (--nullable version)",
              "strict": "ignored (--nullable strict)"}[spec.nullable]
    for pointer, name, schema in iter_schemas(spec):
        if "nullable" in schema:
            type_ = schema.get("type")
            fix = f'type: ["{type_}", "null"]' if isinstance(type_, str) else "add \"null\" to `type`"
            yield Finding("lint.nullable_in_31", Severity.WARNING,
                          f"`nullable` is not a keyword in OpenAPI 3.1 ({name or pointer.rsplit('/', 1)[-1]}); "
                          f"write {fix}. Here it is {effect}.",
                          spec=spec.location(join(pointer, "nullable")), subject=pointer)


@check("lint.unknown_format", Severity.INFO)
def unknown_format(spec: Spec) -> Iterator[Finding]:
    """A format no validator knows is silently unchecked."""
    for pointer, _name, schema in iter_schemas(spec):
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt not in KNOWN_FORMATS:
            yield Finding("lint.unknown_format", Severity.INFO,
                          f"format {fmt!r} is not checked by any validator (treated as a plain string)",
                          spec=spec.location(join(pointer, "format")), subject=pointer)


_PROSE_KEYWORDS = ("maxLength", "minLength", "maxItems", "minItems", "pattern", "type")


@check("lint.prose_constraint", Severity.WARNING)
def prose_constraints(spec: Spec) -> Iterator[Finding]:
    """Limits stated in a description that the schema does not enforce (or states differently)."""
    for pointer, name, schema in iter_schemas(spec):
        description = schema.get("description")
        if not isinstance(description, str):
            continue
        for pc in extract(description):
            if pc.keyword not in _PROSE_KEYWORDS:
                continue
            target, target_ptr = subject_schema(schema, pointer, name, pc.subject, spec.resolve_ref)
            if target is None:
                continue
            stated = _stated(spec, target, pc.keyword)
            subject = _subject_name(name, pointer, pc)
            if pc.keyword == "type":
                if stated is not None and set(stated) != set(pc.value):
                    yield _prose_finding(spec, pointer, subject, pc,
                                         f"the description allows {'/'.join(pc.value)} but the schema "
                                         f"allows {'/'.join(stated)}", Severity.WARNING)
                continue
            if stated is None:
                yield _prose_finding(spec, pointer, subject, pc,
                                     f"{_say(pc)} is stated only in the description, not in the schema "
                                     f"(no `{pc.keyword}` at {target_ptr})", Severity.WARNING)
            elif pc.keyword != "pattern" and stated != pc.value:
                yield _prose_finding(spec, pointer, subject, pc,
                                     f"the description says {_say(pc)} but the schema says "
                                     f"`{pc.keyword}: {stated}`", Severity.WARNING)


def _say(pc: ProseConstraint) -> str:
    return {
        "maxLength": f"at most {pc.value} characters", "minLength": f"at least {pc.value} characters",
        "maxItems": f"at most {pc.value} items", "minItems": f"at least {pc.value} items",
        "pattern": f"characters limited to {pc.value}",
    }.get(pc.keyword, f"{pc.keyword} {pc.value}")


def _subject_name(name: str | None, pointer: str, pc: ProseConstraint) -> str:
    base = name or pointer.rsplit("/", 1)[-1]
    if pc.subject == "key" and base != "key":
        return f"{base} keys"
    if pc.subject == "value-of-entry" and base != "value":
        return f"{base} values"
    return base


def _prose_finding(spec: Spec, pointer: str, subject: str, pc: ProseConstraint, what: str,
                   severity: Severity) -> Finding:
    return Finding("lint.prose_constraint", severity, f"{subject}: {what} — “{pc.text}”",
                   spec=spec.location(join(pointer, "description")),
                   subject=f"{pointer}:{pc.keyword}:{pc.subject}",
                   details={"keyword": pc.keyword, "value": pc.value, "applies_to": pc.subject})


def _stated(spec: Spec, schema: Any, keyword: str) -> Any:
    """What the schema says for `keyword`, looking through $ref and combinators (None: nothing)."""
    found = effective(schema, keyword, spec.resolve_ref, ref_siblings=spec.version.startswith("3.1"))
    return None if found is None else found.value


@check("lint.prose_either_required", Severity.WARNING)
def either_required(spec: Spec) -> Iterator[Finding]:
    """'Either A or B is required': a rule OpenAPI parameters cannot express, so nothing enforces it."""
    for op in spec.operations:
        reported: set[frozenset[str]] = set()
        for param in op.parameters:
            for pc in extract(param.description):
                if pc.keyword != "either":
                    continue
                names = frozenset(n.lower() for n in pc.value)
                if names in reported:
                    continue
                reported.add(names)
                params = [p for p in op.parameters if p.name.lower() in names]
                if len(params) == len(names) and all(not p.required for p in params):
                    where = param.where.pointer if param.where else None
                    yield Finding(
                        "lint.prose_either_required", Severity.WARNING,
                        f"{op.key}: the description requires one of {' / '.join(sorted(pc.value))}, but both "
                        "are optional in the spec; nothing enforces the rule — “" + pc.text + "”",
                        operation=op.key, spec=spec.location(join(where, "description")) if where else None,
                        subject=",".join(sorted(names)),
                        details={"keyword": "either", "value": sorted(pc.value)})


@check("lint.example_invalid", Severity.ERROR)
def example_invalid(spec: Spec) -> Iterator[Finding]:
    """Examples that violate their own schema mislead every reader and every generated client."""
    for op in spec.operations:
        sources: list[tuple[str, str, MediaType, Direction]] = []
        if op.request_body:
            for media, mt in op.request_body.content.items():
                sources.append(("request", media, mt, "request"))
        for status, resp in op.responses.items():
            for media, mt in resp.content.items():
                sources.append((f"response {status}", media, mt, "response"))
        for label, media, mt, direction in sources:
            if not mt.has_example or mt.schema is None or not is_json_media(media):
                continue
            compiled = CompiledSchema(spec.json_schema(mt.schema, direction))
            for v in compiled.errors(mt.example)[:20]:
                pointer = join(mt.where.pointer, "example") if mt.where and mt.where.pointer else ""
                yield Finding("lint.example_invalid", Severity.ERROR,
                              f"{op.key} {label} example violates its schema at {v.pointer or '/'}: {v.message}",
                              operation=op.key, spec=spec.location(pointer + v.pointer if pointer else pointer),
                              subject=f"{label}:{v.pointer}:{v.keyword}", details={"keyword": v.keyword})
    for pointer, _name, schema in iter_schemas(spec):
        if "example" not in schema or not pointer.startswith("/components/schemas/"):
            continue
        compiled = CompiledSchema(spec.json_schema(schema, "request"))
        for v in compiled.errors(schema["example"])[:20]:
            yield Finding("lint.example_invalid", Severity.ERROR,
                          f"schema example violates its schema at {v.pointer or '/'}: {v.message}",
                          spec=spec.location(join(pointer, "example") + v.pointer),
                          subject=f"{pointer}:{v.pointer}:{v.keyword}", details={"keyword": v.keyword})


# Any client-error answer but the credential ones (401/403/407) says how a wrong request is answered.
_CLIENT_ERROR = re.compile(r"^(4(?!01|03|07)\d\d|4XX|4xx|default)$")


@check("lint.no_client_error", Severity.WARNING)
def no_client_error(spec: Spec) -> Iterator[Finding]:
    """A request with constraints can be wrong; the spec should say how the server answers that."""
    for op in spec.operations:
        constrained = any(p.required or p.schema for p in op.parameters) or bool(
            op.request_body and op.request_body.content)
        if not constrained or any(_CLIENT_ERROR.match(s) for s in op.responses):
            continue
        documented = ", ".join(sorted(op.responses)) or "none"
        pointer = join(op.where.pointer, "responses") if op.where and op.where.pointer else ""
        yield Finding("lint.no_client_error", Severity.WARNING,
                      f"{op.key}: the request has constraints but no client-error response (400, 422, 4XX, "
                      f"default, ...) is documented (documented: {documented})", operation=op.key, spec=spec.location(pointer),
                      subject=op.key)


_NO_BODY = re.compile(r"^(1\d\d|204|205|304|1XX)$")


@check("lint.response_no_schema", Severity.INFO)
def response_no_schema(spec: Spec) -> Iterator[Finding]:
    """A response whose body is undocumented cannot be checked."""
    for op in spec.operations:
        if op.method == "HEAD":
            continue
        for status, resp in op.responses.items():
            if _NO_BODY.match(status):
                continue
            pointer = resp.where.pointer if resp.where and resp.where.pointer else ""
            if not resp.content:
                yield Finding("lint.response_no_schema", Severity.INFO,
                              f"{op.key} response {status} documents no content (no body schema to check)",
                              operation=op.key, spec=spec.location(pointer), subject=status)
                continue
            for media, mt in resp.content.items():
                if mt.schema is None:
                    yield Finding("lint.response_no_schema", Severity.INFO,
                                  f"{op.key} response {status} {media} has no schema",
                                  operation=op.key, spec=spec.location(join(pointer, "content", media)),
                                  subject=f"{status}:{media}")


@check("lint.path_parameter", Severity.ERROR)
def path_parameters(spec: Spec) -> Iterator[Finding]:
    """Every `{name}` in a path needs a path parameter, and every path parameter a `{name}`."""
    for op in spec.operations:
        template = set(re.findall(r"{([^}]+)}", op.path))
        declared = {p.name for p in op.parameters if p.location == "path"}
        for missing in sorted(template - declared):
            yield Finding("lint.path_parameter", Severity.ERROR,
                          f"{op.key}: path template names {{{missing}}} but no path parameter declares it",
                          operation=op.key, spec=op.where and spec.location(op.where.pointer or ""),
                          subject=missing)
        for extra in sorted(declared - template):
            yield Finding("lint.path_parameter", Severity.ERROR,
                          f"{op.key}: path parameter {extra!r} does not appear in the path template",
                          operation=op.key, spec=op.where and spec.location(op.where.pointer or ""),
                          subject=extra)


@check("lint.duplicate_operation_id", Severity.ERROR)
def duplicate_operation_id(spec: Spec) -> Iterator[Finding]:
    """operationIds name operations in generated clients and in reports: two with one id collide."""
    seen: dict[str, Operation] = {}
    for op in spec.operations:
        if not op.operation_id:
            continue
        if op.operation_id in seen:
            yield Finding("lint.duplicate_operation_id", Severity.ERROR,
                          f"operationId {op.operation_id!r} is used by {seen[op.operation_id].key} and {op.key}",
                          operation=op.key, spec=op.where and spec.location(op.where.pointer or ""),
                          subject=op.operation_id)
        else:
            seen[op.operation_id] = op


# --------------------------------------------------------------------------- Swagger 2.0 defects


def _swagger2(spec: Spec) -> Iterator[tuple[Swagger2Document, Operation2]]:
    """The 2.0 operations as written, for defects the 3.0 reading can no longer show."""
    doc = spec.document
    if isinstance(doc, Swagger2Document) and isinstance(doc.original, dict):
        for op in swagger2_operations(doc.original):
            yield doc, op


@check("lint.swagger2_body_and_form", Severity.ERROR)
def swagger2_body_and_form(spec: Spec) -> Iterator[Finding]:
    """Swagger 2.0: a body parameter and formData parameters in one operation (one or the other is allowed)."""
    for doc, op in _swagger2(spec):
        body, form = op.located("body"), op.located("formData")
        if body and form:
            key = f"{op.method.upper()} {op.path}"
            names = ", ".join(str(p.value.get("name")) for p in form)
            yield Finding("lint.swagger2_body_and_form", Severity.ERROR,
                          f"{key}: body parameter {body[0].value.get('name')!r} and formData parameters ({names}) "
                          "in one operation; Swagger 2.0 allows one or the other. The body is read, the form "
                          "fields are ignored", operation=key, spec=doc.source_location(form[0].pointer), subject=key)


@check("lint.swagger2_multiple_body", Severity.ERROR)
def swagger2_multiple_body(spec: Spec) -> Iterator[Finding]:
    """Swagger 2.0: more than one body parameter in an operation (there is one body)."""
    for doc, op in _swagger2(spec):
        body = op.located("body")
        if len(body) > 1:
            key = f"{op.method.upper()} {op.path}"
            names = ", ".join(repr(p.value.get("name")) for p in body)
            yield Finding("lint.swagger2_multiple_body", Severity.ERROR,
                          f"{key}: {len(body)} body parameters ({names}); Swagger 2.0 allows at most one. The "
                          f"first is read", operation=key, spec=doc.source_location(body[1].pointer), subject=key)


@check("lint.swagger2_form_consumes", Severity.WARNING)
def swagger2_form_consumes(spec: Spec) -> Iterator[Finding]:
    """Swagger 2.0: formData parameters need `consumes` to name a form media type (a file one, multipart)."""
    for doc, op in _swagger2(spec):
        form = op.located("formData")
        if not form:
            continue
        files = [p for p in form if p.value.get("type") == "file"]
        wanted = ("multipart/form-data",) if files else FORM_MEDIA
        if any(m in wanted for m in op.consumes):
            continue
        key = f"{op.method.upper()} {op.path}"
        written = ("consumes" in op.value and join(op.pointer, "consumes")) or (
            "consumes" in doc.original and "/consumes") or op.pointer
        needs = "multipart/form-data (it has a file parameter)" if files else " or ".join(FORM_MEDIA)
        read_as = " and ".join(op.form_media())
        yield Finding("lint.swagger2_form_consumes", Severity.WARNING,
                      f"{key}: formData parameters but `consumes` is {op.consumes or 'not given'}; Swagger 2.0 "
                      f"requires {needs}. Read as {read_as}", operation=key,
                      spec=doc.source_location(written), subject=key)


@check("lint.swagger2_unused_produces", Severity.INFO)
def swagger2_unused_produces(spec: Spec) -> Iterator[Finding]:
    """Swagger 2.0: an operation's own `produces` when none of its responses has a body schema to produce."""
    for doc, op in _swagger2(spec):
        if not op.produces or "produces" not in op.value or not isinstance(op.value.get("responses"), dict):
            continue
        if any(isinstance(r, dict) and ("schema" in r or "$ref" in r) for r in op.value["responses"].values()):
            continue
        key = f"{op.method.upper()} {op.path}"
        yield Finding("lint.swagger2_unused_produces", Severity.INFO,
                      f"{key}: `produces` names {', '.join(op.produces)} but no response has a `schema`, so no "
                      "body of those types is described", operation=key,
                      spec=doc.source_location(join(op.pointer, "produces")), subject=key)
