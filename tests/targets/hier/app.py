"""The hierarchical target: collections (client-chosen names) → segments (server UUIDs) → records (UUIDs).

A small vector-store API shaped like real third-party servers:

* level 1 — ``/collections/{collection_name}``: the client picks the name (409 when taken);
* level 2 — ``/collections/{collection_name}/segments/{segment_id}``: the server picks a UUID;
* level 3 — ``…/segments/{segment_id}/records/{record_id}``: a record's ``vector`` must have exactly
  the ``dimension`` of its collection, a rule the spec cannot state (422 naming ``vector``).

Everything but ``GET /health`` needs an ``X-Api-Key`` (401 otherwise); each key is a tenant of
its own. Errors are ``{"error": {"code": ..., "message": ...}}``, except the one switched-off
operation (``POST /collections/{collection_name}/snapshot``), which answers 403
``{"error": "disabled"}`` unless the app is created with ``snapshots=True``.

``GET /__stats`` (not in the spec, no key) answers the request counts per (method, path template,
status); ``DELETE /__stats`` resets them. The same counts are ``app.state.stats`` in-process.
"""

from __future__ import annotations

import itertools
import json
import math
import random
import re
import threading
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.targets.hier.faults import check_faults

__all__ = ["DEFAULT_KEY", "ApiError", "HierApp", "Stats", "create_app"]

DEFAULT_KEY = "hier-key-a"
JSON_MEDIA = "application/json"
NAME = re.compile(r"[a-z][a-z0-9_-]{0,62}")
DISTANCES = ("cosine", "dot", "euclid")
MAX_DIMENSION = 4096
MAX_PAYLOAD_KEYS = 32
MAX_BATCH = 100


class ApiError(Exception):
    """An error answer: status, machine code, human message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def json_response(body: Any, status: int = 200, media_type: str = JSON_MEDIA) -> Response:
    # ensure_ascii: a lone surrogate a client sent is echoed as \udXXX, never a UTF-8 encoding error.
    return Response(json.dumps(body, ensure_ascii=True, allow_nan=False), status, media_type=media_type)


def error_response(status: int, code: str, message: str) -> Response:
    return json_response({"error": {"code": code, "message": message}}, status)


# --------------------------------------------------------------------------- request counts


class Stats:
    """Requests answered, per (method, path template, status); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str, int], int] = {}

    def record(self, method: str, template: str, status: int) -> None:
        with self._lock:
            key = (method, template, status)
            self._counts[key] = self._counts.get(key, 0) + 1

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()

    def rows(self) -> list[dict[str, Any]]:
        with self._lock:
            items = sorted(self._counts.items())
        return [{"method": m, "path": p, "status": s, "count": c} for (m, p, s), c in items]


# --------------------------------------------------------------------------- storage


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(slots=True)
class Record:
    id: str
    segment: str
    vector: list[Any]
    payload: dict[str, Any]
    score: Any
    created_at: str
    updated_at: str
    seq: int

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "segment": self.segment, "vector": self.vector, "payload": self.payload,
                "score": self.score, "created_at": self.created_at, "updated_at": self.updated_at}


@dataclass(slots=True)
class Segment:
    id: str
    collection: str
    label: str
    tags: list[str]
    created_at: str
    sealed: bool = False
    records: dict[str, Record] = field(default_factory=dict)

    def view(self) -> dict[str, Any]:
        return {"id": self.id, "collection": self.collection, "label": self.label, "tags": self.tags,
                "sealed": self.sealed, "created_at": self.created_at}


@dataclass(slots=True)
class Collection:
    name: str
    dimension: int
    distance: str
    description: str
    created_at: str
    segments: dict[str, Segment] = field(default_factory=dict)

    def view(self) -> dict[str, Any]:
        return {"name": self.name, "dimension": self.dimension, "distance": self.distance,
                "description": self.description, "created_at": self.created_at}


# --------------------------------------------------------------------------- validation


def _is_int(v: Any) -> bool:
    return (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _invalid(where: str, message: str) -> ApiError:
    return ApiError(422, "validation_error", f"{where}: {message}")


def _object(body: Any, allowed: Iterable[str], required: Iterable[str], where: str = "body") -> dict[str, Any]:
    if not isinstance(body, dict):
        raise _invalid(where, "must be a JSON object")
    prefix = "" if where == "body" else f"{where}/"
    for name in required:
        if name not in body:
            raise _invalid(prefix + name, "is required")
    extra = sorted(set(body) - set(allowed))
    if extra:
        raise _invalid(prefix + extra[0], "unknown field")
    return body


def _string(body: dict[str, Any], name: str, lo: int, hi: int, prefix: str = "") -> str:
    v = body[name]
    if not isinstance(v, str):
        raise _invalid(prefix + name, "must be a string")
    if not lo <= len(v) <= hi:
        raise _invalid(prefix + name, f"must be {lo} to {hi} characters long")
    return v


def _payload(v: Any, where: str) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise _invalid(where, "must be an object")
    if len(v) > MAX_PAYLOAD_KEYS:
        raise _invalid(where, f"at most {MAX_PAYLOAD_KEYS} keys")
    return v


def _score(v: Any, where: str) -> Any:
    if not _is_num(v) or not 0 <= v <= 1:
        raise _invalid(where, "must be a number from 0 to 1")
    return v


def _vector(v: Any, col: Collection, where: str) -> list[Any]:
    if not isinstance(v, list):
        raise _invalid(where, "must be an array of numbers")
    if not 1 <= len(v) <= MAX_DIMENSION:
        raise _invalid(where, f"must have 1 to {MAX_DIMENSION} items")
    if not all(_is_num(x) for x in v):
        raise _invalid(where, "every item must be a number")
    if len(v) != col.dimension:
        raise _invalid(where, f"must have exactly {col.dimension} items (the dimension of collection "
                              f"{col.name!r}), got {len(v)}")
    return v


def _record_body(body: Any, col: Collection, where: str = "body") -> tuple[list[Any], dict[str, Any], Any]:
    body = _object(body, ("vector", "payload", "score"), ("vector",), where)
    prefix = "" if where == "body" else f"{where}/"
    vector = _vector(body["vector"], col, prefix + "vector")
    payload = _payload(body["payload"], prefix + "payload") if "payload" in body else {}
    score = _score(body["score"], prefix + "score") if "score" in body else 0
    return vector, payload, score


def _segment_body(body: Any) -> tuple[str, list[str]]:
    body = _object(body, ("label", "tags"), ("label",))
    label = _string(body, "label", 1, 128)
    tags: list[str] = []
    if "tags" in body:
        raw = body["tags"]
        if not isinstance(raw, list) or len(raw) > 16:
            raise _invalid("tags", "must be an array of at most 16 strings")
        for i, t in enumerate(raw):
            if not isinstance(t, str) or not 1 <= len(t) <= 32:
                raise _invalid(f"tags/{i}", "must be a string of 1 to 32 characters")
        if len(set(raw)) != len(raw):
            raise _invalid("tags", "items must be unique")
        tags = list(raw)
    return label, tags


def _similarity(a: list[Any], b: list[Any], distance: str) -> float:
    def f(x: Any) -> float:
        try:
            return float(x)
        except OverflowError:
            return math.inf if x > 0 else -math.inf

    xs, ys = [f(x) for x in a], [f(y) for y in b]
    try:
        if distance == "dot":
            out = math.fsum(x * y for x, y in zip(xs, ys, strict=True))
        elif distance == "euclid":
            out = 1.0 / (1.0 + math.dist(xs, ys))
        else:
            na, nb = math.hypot(*xs), math.hypot(*ys)
            out = math.fsum(x * y for x, y in zip(xs, ys, strict=True)) / (na * nb) if na and nb else 0.0
    except (OverflowError, ValueError, ZeroDivisionError):
        return 0.0
    return out if math.isfinite(out) else 0.0


# --------------------------------------------------------------------------- request helpers


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:40]}")
    return value


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        raise ApiError(400, "bad_request", "a JSON request body is required")
    try:
        return json.loads(raw, parse_constant=_reject_constant, parse_float=_finite)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, "bad_request", f"malformed JSON body: {str(exc)[:120]}") from None


def _int_param(request: Request, name: str, default: int, lo: int, hi: int | None) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < lo or (hi is not None and value > hi):
        bound = f"from {lo} to {hi}" if hi is not None else f"of at least {lo}"
        raise ApiError(400, "invalid_parameter", f"{name}: must be an integer {bound}")
    return value


def _num_param(request: Request, name: str) -> float | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ApiError(400, "invalid_parameter", f"{name}: must be a number")
    return value


def _page(request: Request) -> tuple[int, int]:
    return _int_param(request, "limit", 20, 1, 100), _int_param(request, "offset", 0, 0, None)


# --------------------------------------------------------------------------- the app


@dataclass(slots=True)
class Call:
    """One request as a handler sees it."""

    request: Request
    tenant: str
    params: dict[str, str]


Handler = Callable[[Call], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


class HierApp:
    """The ASGI app plus its state: tenants' collections, faults, request counts."""

    def __init__(self, faults: frozenset[str], keys: Mapping[str, str], snapshots: bool, seed: int | None) -> None:
        self.faults = faults
        self.keys = dict(keys)
        self.default_tenant = next(iter(self.keys.values()))
        self.snapshots = snapshots
        self.stats = Stats()
        self.tenants: dict[str, dict[str, Collection]] = {t: {} for t in self.keys.values()}
        self._rng = random.Random(seed) if seed is not None else None
        self._seq = itertools.count(1)
        self.starlette = Starlette(routes=self._routes(),
                                   exception_handlers={404: self._unrouted, 405: self._unrouted})
        self.starlette.router.redirect_slashes = False  # `/collections/` is a 404, not a redirect
        self.starlette.state.stats = self.stats
        self.starlette.state.hier = self

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.starlette(scope, receive, send)

    def new_id(self) -> str:
        if self._rng is None:
            return str(uuid.uuid4())
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    # ------------------------------------------------------------------ plumbing

    def _route(self, method: str, template: str, handler: Handler, *, auth: bool = True,
               ignore_auth_fault: str | None = None) -> tuple[str, str, Endpoint]:
        async def endpoint(request: Request) -> Response:
            try:
                tenant = self.keys.get(request.headers.get("x-api-key", ""))
                if auth and tenant is None:
                    if ignore_auth_fault is not None and ignore_auth_fault in self.faults:
                        tenant = self.default_tenant
                    else:
                        raise ApiError(401, "unauthorized", "missing or invalid X-Api-Key header")
                response = await handler(Call(request, tenant or "", dict(request.path_params)))
            except ApiError as exc:
                response = error_response(exc.status, exc.code, exc.message)
            except Exception:
                response = error_response(500, "internal", "internal server error")
            self.stats.record(request.method, template, response.status_code)
            return response

        return method, template, endpoint

    @staticmethod
    def _group(operations: list[tuple[str, str, Endpoint]]) -> list[Route]:
        """One route per path template, so a 405 names (in Allow) every method the path serves."""
        by_path: dict[str, dict[str, Endpoint]] = {}
        for method, template, endpoint in operations:
            by_path.setdefault(template, {})[method] = endpoint
        routes = []
        for template, endpoints in by_path.items():
            async def dispatch(request: Request, endpoints: dict[str, Endpoint] = endpoints) -> Response:
                return await endpoints["GET" if request.method == "HEAD" else request.method](request)

            routes.append(Route(template, dispatch, methods=list(endpoints)))
        return routes

    def _routes(self) -> list[Route]:
        c = "/collections/{collection_name}"
        s = c + "/segments/{segment_id}"
        r = s + "/records/{record_id}"
        r_ = self._route
        return [Route("/__stats", self._stats, methods=["GET", "DELETE"]), *self._group([
            r_("GET", "/health", self.health, auth=False),
            r_("GET", "/account", self.account),
            r_("POST", "/collections", self.create_collection),
            r_("GET", "/collections", self.list_collections),
            r_("GET", c, self.get_collection),
            r_("PATCH", c, self.update_collection),
            r_("DELETE", c, self.delete_collection),
            r_("POST", c + "/snapshot", self.create_snapshot),
            r_("GET", c + "/stats", self.collection_stats),
            r_("POST", c + "/segments", self.create_segment),
            r_("GET", c + "/segments", self.list_segments),
            r_("GET", c + "/segments/count", self.count_segments),
            r_("GET", s, self.get_segment),
            r_("PUT", s, self.replace_segment),
            r_("DELETE", s, self.delete_segment),
            r_("POST", s + "/seal", self.seal_segment),
            r_("POST", s + "/records", self.create_record),
            r_("GET", s + "/records", self.list_records, ignore_auth_fault="auth_ignored"),
            r_("POST", s + "/records/batch", self.create_records),
            r_("POST", s + "/records/query", self.query_records),
            r_("GET", s + "/records/count", self.count_records),
            r_("GET", r, self.get_record),
            r_("PATCH", r, self.update_record),
            r_("DELETE", r, self.delete_record),
            r_("GET", r + "/payload", self.get_payload),
            r_("PUT", r + "/payload", self.replace_payload),
        ])]

    @staticmethod
    async def _unrouted(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        if status == 405:  # Starlette's exception carries the Allow header RFC 9110 requires
            response = error_response(405, "method_not_allowed",
                                      f"{request.method} is not allowed on {request.url.path}")
            response.headers.update(getattr(exc, "headers", None) or {})
            return response
        return error_response(404, "not_found", f"no route for {request.url.path}")

    async def _stats(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.stats.reset()
            return Response(status_code=204)
        return json_response({"counts": self.stats.rows()})

    def _collection(self, call: Call) -> Collection:
        name = call.params["collection_name"]
        col = self.tenants.setdefault(call.tenant, {}).get(name)
        if col is None:
            raise ApiError(404, "not_found", f"collection {name!r} not found")
        return col

    def _segment(self, call: Call) -> tuple[Collection, Segment]:
        col = self._collection(call)
        seg = col.segments.get(call.params["segment_id"])
        if seg is None:
            raise ApiError(404, "not_found", f"segment {call.params['segment_id']!r} not found in collection "
                                             f"{col.name!r}")
        return col, seg

    def _record(self, call: Call) -> tuple[Collection, Segment, Record]:
        col, seg = self._segment(call)
        rec = seg.records.get(call.params["record_id"])
        if rec is None:
            raise ApiError(404, "not_found", f"record {call.params['record_id']!r} not found in segment {seg.id!r}")
        return col, seg, rec

    @staticmethod
    def _writable(seg: Segment) -> None:
        if seg.sealed:
            raise ApiError(409, "segment_sealed", f"segment {seg.id!r} is sealed: its records are read-only")

    # ------------------------------------------------------------------ meta

    async def health(self, call: Call) -> Response:
        return json_response({"status": "ok"})

    async def account(self, call: Call) -> Response:
        return json_response({"tenant": call.tenant, "collections": len(self.tenants.get(call.tenant, {})),
                              "limits": {"max_dimension": MAX_DIMENSION, "max_payload_keys": MAX_PAYLOAD_KEYS,
                                         "max_batch": MAX_BATCH}})

    # ------------------------------------------------------------------ level 1: collections

    async def create_collection(self, call: Call) -> Response:
        body = _object(await _json_body(call.request), ("name", "dimension", "distance", "description"),
                       ("name", "dimension"))
        name = body["name"]
        if not isinstance(name, str) or not NAME.fullmatch(name):
            raise _invalid("name", "must match ^[a-z][a-z0-9_-]{0,62}$")
        dimension = body["dimension"]
        if not _is_int(dimension) or not 1 <= dimension <= MAX_DIMENSION:
            raise _invalid("dimension", f"must be an integer from 1 to {MAX_DIMENSION}")
        distance = body.get("distance", "cosine")
        if distance not in DISTANCES:
            raise _invalid("distance", f"must be one of {', '.join(DISTANCES)}")
        description = _string(body, "description", 0, 1024) if "description" in body else ""
        cols = self.tenants.setdefault(call.tenant, {})
        if name in cols:
            raise ApiError(409, "already_exists", f"collection {name!r} already exists")
        col = cols[name] = Collection(name, int(dimension), distance, description, _now())
        return json_response(col.view(), 201)

    async def list_collections(self, call: Call) -> Response:
        limit, offset = _page(call.request)
        cols = list(self.tenants.setdefault(call.tenant, {}).values())
        return json_response({"items": [c.view() for c in cols[offset:offset + limit]], "total": len(cols)})

    async def get_collection(self, call: Call) -> Response:
        return json_response(self._collection(call).view())

    async def update_collection(self, call: Call) -> Response:
        col = self._collection(call)
        body = _object(await _json_body(call.request), ("description",), ("description",))
        col.description = _string(body, "description", 0, 1024)
        return json_response(col.view())

    async def delete_collection(self, call: Call) -> Response:
        col = self._collection(call)
        del self.tenants[call.tenant][col.name]
        return Response(status_code=204)

    async def create_snapshot(self, call: Call) -> Response:
        if not self.snapshots:
            return json_response({"error": "disabled"}, 403)
        col = self._collection(call)
        return json_response({"name": f"{col.name}-{self.new_id()[:8]}", "collection": col.name,
                              "created_at": _now()}, 201)

    async def collection_stats(self, call: Call) -> Response:
        col = self._collection(call)
        return json_response({"name": col.name, "segments": len(col.segments),
                              "records": sum(len(s.records) for s in col.segments.values())})

    # ------------------------------------------------------------------ level 2: segments

    async def create_segment(self, call: Call) -> Response:
        col = self._collection(call)
        label, tags = _segment_body(await _json_body(call.request))
        seg = Segment(self.new_id(), col.name, label, tags, _now())
        col.segments[seg.id] = seg
        return json_response(seg.view(), 200 if "create_segment_200" in self.faults else 201)

    async def list_segments(self, call: Call) -> Response:
        col = self._collection(call)
        limit, offset = _page(call.request)
        segs = list(col.segments.values())
        total = len(segs) + (1 if "total_off_by_one" in self.faults else 0)
        return json_response({"items": [s.view() for s in segs[offset:offset + limit]], "total": total})

    async def count_segments(self, call: Call) -> Response:
        n = len(self._collection(call).segments)
        return json_response({"count": str(n) if "count_as_string" in self.faults else n})

    async def get_segment(self, call: Call) -> Response:
        return json_response(self._segment(call)[1].view())

    async def replace_segment(self, call: Call) -> Response:
        _, seg = self._segment(call)
        seg.label, seg.tags = _segment_body(await _json_body(call.request))
        return json_response(seg.view())

    async def delete_segment(self, call: Call) -> Response:
        col, seg = self._segment(call)
        del col.segments[seg.id]
        return Response(status_code=204)

    async def seal_segment(self, call: Call) -> Response:
        _, seg = self._segment(call)
        if seg.sealed:
            raise ApiError(409, "already_sealed", f"segment {seg.id!r} is already sealed")
        seg.sealed = True
        return json_response(seg.view())

    # ------------------------------------------------------------------ level 3: records

    def _new_record(self, seg: Segment, vector: list[Any], payload: dict[str, Any], score: Any) -> Record:
        now = _now()
        rec = Record(self.new_id(), seg.id, vector, payload, score, now, now, next(self._seq))
        seg.records[rec.id] = rec
        return rec

    async def create_record(self, call: Call) -> Response:
        col, seg = self._segment(call)
        vector, payload, score = _record_body(await _json_body(call.request), col)
        self._writable(seg)
        return json_response(self._new_record(seg, vector, payload, score).view(), 201)

    async def create_records(self, call: Call) -> Response:
        col, seg = self._segment(call)
        body = _object(await _json_body(call.request), ("records",), ("records",))
        items = body["records"]
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_BATCH:
            raise _invalid("records", f"must be an array of 1 to {MAX_BATCH} records")
        parsed = [_record_body(item, col, f"records/{i}") for i, item in enumerate(items)]
        self._writable(seg)
        made = [self._new_record(seg, *p).view() for p in parsed]
        return json_response({"items": made}, 201)

    async def list_records(self, call: Call) -> Response:
        _, seg = self._segment(call)
        limit, offset = _page(call.request)
        min_score = _num_param(call.request, "min_score")
        recs = [r for r in seg.records.values() if min_score is None or r.score >= min_score]
        page = recs[offset:offset + limit]
        if "list_drops_last" in self.faults and seg.records:
            last = max(seg.records.values(), key=lambda r: r.seq)
            page = [r for r in page if r is not last]
        return json_response({"items": [r.view() for r in page], "total": len(recs)})

    async def count_records(self, call: Call) -> Response:
        return json_response({"count": len(self._segment(call)[1].records)})

    async def query_records(self, call: Call) -> Response:
        col, seg = self._segment(call)
        body = _object(await _json_body(call.request), ("vector", "top_k"), ("vector",))
        vector = _vector(body["vector"], col, "vector")
        top_k = body.get("top_k", 10)
        if not _is_int(top_k) or not 1 <= top_k <= 100:
            raise _invalid("top_k", "must be an integer from 1 to 100")
        ranked = sorted(((_similarity(vector, r.vector, col.distance), r.seq, r) for r in seg.records.values()),
                        key=lambda t: (-t[0], t[1]))
        if "query_index_error" in self.faults and int(top_k) > len(ranked):
            raise IndexError("top_k beyond the segment")  # the bug: indexing past the end
        results = [{"id": r.id, "similarity": sim, "payload": r.payload} for sim, _, r in ranked[:int(top_k)]]
        return json_response({"results": results})

    async def get_record(self, call: Call) -> Response:
        view = self._record(call)[2].view()
        if "record_missing_created_at" in self.faults:
            del view["created_at"]
        return json_response(view)

    async def update_record(self, call: Call) -> Response:
        _, seg, rec = self._record(call)
        body = _object(await _json_body(call.request), ("payload", "score"), ())
        if not body:
            raise _invalid("body", "at least one of payload, score is required")
        payload = _payload(body["payload"], "payload") if "payload" in body else rec.payload
        score = _score(body["score"], "score") if "score" in body else rec.score
        self._writable(seg)
        updated = Record(rec.id, rec.segment, rec.vector, payload, score, rec.created_at, _now(), rec.seq)
        if "patch_not_kept" not in self.faults:
            seg.records[rec.id] = updated
        return json_response(updated.view())

    async def delete_record(self, call: Call) -> Response:
        _, seg, rec = self._record(call)
        self._writable(seg)
        if "delete_not_done" not in self.faults:
            del seg.records[rec.id]
        return Response(status_code=204)

    async def get_payload(self, call: Call) -> Response:
        payload = self._record(call)[2].payload
        return json_response(payload, media_type="text/plain" if "payload_text_plain" in self.faults else JSON_MEDIA)

    async def replace_payload(self, call: Call) -> Response:
        _, seg, rec = self._record(call)
        payload = _payload(await _json_body(call.request), "body")
        self._writable(seg)
        rec.payload, rec.updated_at = payload, _now()
        return json_response(payload)


def create_app(faults: Iterable[str] = frozenset(), keys: Mapping[str, str] | Iterable[str] | None = None, *,
               snapshots: bool = False, seed: int | None = None) -> HierApp:
    """The app with `faults` switched on.

    `keys`: API key → tenant, or keys that are each a tenant of their own (default: one key,
    :data:`DEFAULT_KEY`). `snapshots=True` switches the snapshot operation on. `seed` makes the
    generated UUIDs (still version 4) reproducible.
    """
    if keys is None:
        keys = {DEFAULT_KEY: "tenant-a"}
    elif not isinstance(keys, Mapping):
        keys = {k: f"tenant-{i}" for i, k in enumerate(keys)}
    if not keys:
        raise ValueError("at least one API key is needed")
    return HierApp(check_faults(faults), keys, snapshots, seed)
