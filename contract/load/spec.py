"""The loaded spec: version, operations, reference resolution and line lookup."""

from __future__ import annotations

import time
from functools import cached_property
from pathlib import Path
from typing import Any

from contract.core.memory import gc_paused
from contract.core.pointer import join
from contract.core.sentinel import MISSING
from contract.errors import InputError
from contract.load import cache as spec_cache
from contract.load import swagger2
from contract.load.refs import RefResolver
from contract.load.source import Document, parse_document
from contract.model import (
    Location,
    MediaType,
    Operation,
    Parameter,
    RequestBody,
    Response,
    ResponseHeader,
    SecurityScheme,
)
from contract.schema import Direction, NullablePolicy, SchemaConverter

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# A spec that loads in less CPU time than this is not stored: pickling it costs a third of the load, and the saving
# of a warm read is then lost in the command's own start-up (importing contract alone takes longer).
STORE_AFTER = 0.1
# A file smaller than this is neither looked up nor stored: it loads in milliseconds (the corpus's specs of
# 1-30 KB in 0.5-12 ms), well under STORE_AFTER, so a lookup could only ever miss.
SMALL_FILE = 64 * 1024


class Spec:
    """An OpenAPI 3.0/3.1 document (or a Swagger 2.0 one read as 3.0) ready for every later stage."""

    def __init__(self, path: str, document: Document, resolver: RefResolver, version: str,
                 nullable: NullablePolicy = "auto") -> None:
        self.path = path
        self.document = document
        self.resolver = resolver
        self.version = version
        self.nullable: NullablePolicy = nullable
        self._converters: dict[Direction, SchemaConverter] = {}
        self.operations: list[Operation] = _build_operations(self)
        # What the warm-start cache names this load by (set by `load_spec` when the cache is on); its key is
        # made on first use: a small spec's load never needs it, only its lint findings' entry may.
        self.cache_parts: tuple[Any, ...] | None = None
        self._cache_key: str | None = None

    def __getstate__(self) -> dict[str, Any]:
        """What the warm-start cache keeps: the documents, references and operations, not the caches
        (schema converters, the operation index) that are rebuilt on demand."""
        state = dict(self.__dict__)
        state["_converters"] = {}
        state.pop("_by_key", None)
        state["cache_parts"], state["_cache_key"] = None, None  # the loading call sets them
        return state

    @property
    def cache_key(self) -> str | None:
        """The warm-start cache's name for this load (what is derived from it, its lint findings, is
        stored under it), or None when the load did not go through the cache."""
        if self._cache_key is None and self.cache_parts is not None:
            self._cache_key = spec_cache.key("spec", *self.cache_parts)
        return self._cache_key

    # -- lookup ---------------------------------------------------------------------------

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.document.data  # the loader refuses a document that is not a mapping
        return data

    @property
    def title(self) -> str:
        info = self.data.get("info")
        return str(info.get("title", "")) if isinstance(info, dict) else ""

    @cached_property
    def _by_key(self) -> dict[str, Operation]:
        index: dict[str, Operation] = {}
        for op in self.operations:
            index[op.key] = op
            index[op.key.lower()] = op
            if op.operation_id:
                index.setdefault(op.operation_id, op)
        return index

    def operation(self, name: str) -> Operation:
        """By operationId or "METHOD /path" (method case-insensitive)."""
        op = self._by_key.get(name) or self._by_key.get(name.strip().lower())
        if op is None:
            parts = name.split(None, 1)
            if len(parts) == 2:
                op = self._by_key.get(f"{parts[0].upper()} {parts[1]}")
        if op is None:
            known = ", ".join(sorted({o.operation_id or o.key for o in self.operations})[:10])
            raise InputError(self.path, f"no operation {name!r} (known: {known})")
        return op

    def location(self, pointer: str, ref: str | None = None) -> Location:
        """`file:line#pointer` for a pointer in the root document (or in the file `ref` names)."""
        doc = self.resolver.document(ref) if ref else self.document
        return Location(doc.path, doc.line_of(pointer), pointer)

    def resolve(self, obj: Any) -> Any:
        """Follow `$ref`s of a non-schema object (parameter, response, ...)."""
        return self.resolver.deref(obj)[0]

    def resolve_ref(self, ref: str) -> Any:
        return self.resolver.value_at(ref)

    def converter(self, direction: Direction) -> SchemaConverter:
        conv = self._converters.get(direction)
        if conv is None:
            # The resolver's function, not a method of this spec: a converter kept in the spec that pointed
            # back at it would make the spec a cycle, freed only by the cyclic collector.
            conv = SchemaConverter(self.resolver.value_at, version=self.version, policy=self.nullable,
                                   direction=direction)
            self._converters[direction] = conv
        return conv

    def json_schema(self, schema: Any, direction: Direction = "request") -> dict[str, Any]:
        """A self-contained JSON Schema for an OpenAPI Schema Object of this spec."""
        return self.converter(direction).convert(schema)

    def __repr__(self) -> str:
        return f"<Spec {self.path} openapi {self.version}, {len(self.operations)} operations>"


def load_spec(path: str | Path, *, nullable: NullablePolicy = "auto", allow_outside_refs: bool = False,
              cache: bool = True) -> Spec:
    """Load a spec from YAML, JSON or a Markdown page wrapping it; raise InputError if unusable.

    With `cache` (and unless `CONTRACT_CACHE=0`), a spec loaded before from the same bytes by the same
    code comes from the warm-start cache (:mod:`contract.load.cache`), and a fresh load worth it (a YAML
    one of more than STORE_AFTER seconds: `_worth_storing`) is stored there.
    """
    with gc_paused():  # a load builds one large acyclic tree: collections during it are wasted work
        return _cached_load(Path(path), str(path), nullable, allow_outside_refs, cache)


def _cached_load(file: Path, shown: str, nullable: NullablePolicy, allow_outside_refs: bool, cache: bool) -> Spec:
    if not (cache and spec_cache.enabled()):
        return _load(file, shown, nullable, allow_outside_refs)
    digest = spec_cache.file_hash(file)
    if digest is None:  # unreadable: the cold load says why
        return _load(file, shown, nullable, allow_outside_refs)
    parts = (digest, shown, str(file.resolve()), nullable, allow_outside_refs)
    small = spec_cache.file_size(file) < SMALL_FILE
    name = None if small else spec_cache.key("spec", *parts)
    stored = spec_cache.read(name) if name is not None else None
    if isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[0], Spec) and \
            spec_cache.files_unchanged(stored[1]):
        spec: Spec = stored[0]
    else:
        started = time.process_time()  # the work a warm read would save, not the neighbours' share of the machine
        spec = _load(file, shown, nullable, allow_outside_refs)
        if name is not None and _worth_storing(spec, time.process_time() - started):
            others = [(str(p), spec_cache.file_hash(p)) for p in spec.resolver.other_files()]
            spec_cache.write(name, (spec, others))
    spec.cache_parts, spec._cache_key = parts, name  # what is derived from this spec (its lint findings) is cached under it either way
    return spec


def _worth_storing(spec: Spec, seconds: float) -> bool:
    """A load is stored when reading it back saves most of it: a YAML (or Markdown) document's parse is most
    of its load, and unpickling the result takes a tenth of it (OpenAI, Stripe, Twilio). A JSON document
    is parsed by the C decoder faster than its pickle is read back, which then costs about half the cold
    load (Box, Discord, Stripe 2022, Kubernetes): its entry would add a third to every cold load for little."""
    return seconds >= STORE_AFTER and spec.document.kind != "json"


def _load(file: Path, shown: str, nullable: NullablePolicy, allow_outside_refs: bool) -> Spec:
    document = parse_document(file, shown)
    data = document.data
    if not isinstance(data, dict):
        raise InputError(shown, f"top level is a {type(data).__name__}, not a mapping", line=document.line_offset + 1)
    if swagger2.is_swagger2(data):  # read as its OpenAPI 3.0 equivalent, lines still those of the 2.0 file
        document = swagger2.convert(document)
        data = document.data
    version = _version(data, document)
    resolver = RefResolver(document, file, allow_outside=allow_outside_refs)
    resolver.check_all()
    paths = data.get("paths")
    if paths is None and not data.get("webhooks"):
        raise InputError(shown, "spec has no `paths` (nothing to check)", line=document.line_offset + 1)
    if paths is not None and not isinstance(paths, dict):
        raise InputError(shown, "`paths` is not a mapping", line=document.line_of("/paths"), pointer="/paths")
    if not paths and not data.get("webhooks"):
        raise InputError(shown, "spec has no operations (`paths` is empty)", line=document.line_of("/paths"),
                         pointer="/paths")
    return Spec(shown, document, resolver, version, nullable)


def _version(data: dict[str, Any], document: Document) -> str:
    raw = data.get("openapi")
    if raw is None:
        raise InputError(document.path, "no `openapi` version field: not an OpenAPI document",
                         line=document.line_offset + 1)
    version = str(raw)
    if not (version.startswith("3.0") or version.startswith("3.1")):
        raise InputError(document.path, f"unsupported openapi version {version!r} (supported: 3.0.x, 3.1.x)",
                         line=document.line_of("/openapi"), pointer="/openapi")
    return version


# --------------------------------------------------------------------------- operations


class _Build:
    """What building the operations reads: the spec's objects with their `$ref`s followed (each distinct
    reference once: Discord's 242 operations follow 12,000 references to a few hundred responses), and
    each object's place."""

    __slots__ = ("_followed", "_lines", "path", "spec")

    def __init__(self, spec: Spec) -> None:
        self.spec, self.path = spec, spec.path
        # Lines are cheap when the YAML node tree is already there; for JSON they are found on demand.
        self._lines = spec.document.kind != "json"
        self._followed: dict[str, Any] = {}

    def resolve(self, obj: Any) -> Any:
        """`Spec.resolve`, remembered per reference (a broken chain raises every time, as there)."""
        if not (isinstance(obj, dict) and isinstance(obj.get("$ref"), str)):
            return obj
        ref = obj["$ref"]
        found = self._followed.get(ref, MISSING)
        if found is MISSING:
            found = self._followed[ref] = self.spec.resolve(obj)
        return found

    def where(self, pointer: str) -> Location:
        return Location(self.path, self.spec.document.line_of(pointer) if self._lines else None, pointer)


def _build_operations(spec: Spec) -> list[Operation]:
    ops: list[Operation] = []
    b = _Build(spec)
    paths = spec.data.get("paths") or {}
    schemes = _security_schemes(b)
    root_security = spec.data.get("security")
    for path, item_raw in paths.items():
        if not isinstance(item_raw, dict):
            continue
        item_ptr = join("/paths", path)
        item = b.resolve(item_raw)
        if not isinstance(item, dict):
            continue
        shared = item.get("parameters") if isinstance(item.get("parameters"), list) else []
        for method in METHODS:
            raw = item.get(method)
            if not isinstance(raw, dict):
                continue
            ptr = join(item_ptr, method)
            params = _parameters(b, shared, join(item_ptr, "parameters"))
            for p in _parameters(b, raw.get("parameters") or [], join(ptr, "parameters")):
                params = [q for q in params if (q.name, q.location) != (p.name, p.location)] + [p]
            security = raw.get("security", root_security)
            ops.append(Operation(
                method=method.upper(),
                path=str(path),
                operation_id=raw.get("operationId") if isinstance(raw.get("operationId"), str) else None,
                summary=str(raw.get("summary") or ""),
                description=str(raw.get("description") or ""),
                parameters=params,
                request_body=_request_body(b, raw.get("requestBody"), join(ptr, "requestBody")),
                responses=_responses(b, raw.get("responses"), join(ptr, "responses")),
                security=_security(security, schemes),
                where=b.where(ptr),
            ))
    return ops


def _parameters(b: _Build, raw: Any, pointer: str) -> list[Parameter]:
    out: list[Parameter] = []
    if not isinstance(raw, list):
        return out
    for i, entry in enumerate(raw):
        p = b.resolve(entry)
        if not isinstance(p, dict) or not isinstance(p.get("name"), str) or p.get("in") not in (
                "path", "query", "header", "cookie"):
            continue
        schema = p.get("schema")
        if schema is None and isinstance(p.get("content"), dict) and p["content"]:
            first = next(iter(p["content"].values()))
            schema = first.get("schema") if isinstance(first, dict) else None
        out.append(Parameter(
            name=p["name"], location=p["in"], required=bool(p.get("required")) or p["in"] == "path",
            schema=schema if isinstance(schema, dict | bool) else None,
            description=str(p.get("description") or ""), where=b.where(join(pointer, i)),
        ))
    return out


def _content(b: _Build, raw: Any, pointer: str) -> dict[str, MediaType]:
    out: dict[str, MediaType] = {}
    if not isinstance(raw, dict):
        return out
    for media, entry in raw.items():
        if not isinstance(entry, dict):
            entry = {}
        has_example = "example" in entry
        example = entry.get("example")
        if not has_example and isinstance(entry.get("examples"), dict) and entry["examples"]:
            first = b.resolve(next(iter(entry["examples"].values())))
            if isinstance(first, dict) and "value" in first:
                has_example, example = True, first["value"]
        raw_encoding = entry.get("encoding")
        encoding = {str(k): v for k, v in raw_encoding.items() if isinstance(v, dict)} \
            if isinstance(raw_encoding, dict) else {}
        out[str(media)] = MediaType(str(media), entry.get("schema"), example, has_example,
                                    b.where(join(pointer, media)), encoding)
    return out


def _request_body(b: _Build, raw: Any, pointer: str) -> RequestBody | None:
    body = b.resolve(raw) if raw is not None else None
    if not isinstance(body, dict):
        return None
    return RequestBody(bool(body.get("required")), _content(b, body.get("content"), join(pointer, "content")),
                       str(body.get("description") or ""), b.where(pointer))


def _responses(b: _Build, raw: Any, pointer: str) -> dict[str, Response]:
    out: dict[str, Response] = {}
    if not isinstance(raw, dict):
        return out
    for status, entry in raw.items():
        resp = b.resolve(entry)
        if not isinstance(resp, dict):
            continue
        rptr = join(pointer, status)
        headers: dict[str, ResponseHeader] = {}
        raw_headers = resp.get("headers")
        for name, h in (raw_headers if isinstance(raw_headers, dict) else {}).items():
            hd = b.resolve(h)
            if isinstance(hd, dict):
                headers[str(name)] = ResponseHeader(str(name), bool(hd.get("required")), hd.get("schema"),
                                                    str(hd.get("description") or ""),
                                                    b.where(join(rptr, "headers", name)))
        out[str(status)] = Response(str(status), str(resp.get("description") or ""),
                                    _content(b, resp.get("content"), join(rptr, "content")), headers,
                                    b.where(rptr))
    return out


def _security_schemes(b: _Build) -> dict[str, SecurityScheme]:
    comps = b.spec.data.get("components")
    raw = comps.get("securitySchemes") if isinstance(comps, dict) else None
    out: dict[str, SecurityScheme] = {}
    if not isinstance(raw, dict):
        return out
    for key, entry in raw.items():
        s = b.resolve(entry)
        if isinstance(s, dict):
            out[key] = SecurityScheme(key, str(s.get("type", "")), s.get("in"), s.get("name"),
                                      str(s["scheme"]).lower() if s.get("scheme") else None)
    return out


def _security(raw: Any, schemes: dict[str, SecurityScheme]) -> list[list[SecurityScheme]]:
    if not isinstance(raw, list):
        return []
    out: list[list[SecurityScheme]] = []
    for requirement in raw:
        if isinstance(requirement, dict):
            out.append([schemes[name] for name in requirement if name in schemes])
    return out
