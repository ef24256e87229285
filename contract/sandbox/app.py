"""The HTTP face of the sandbox: Adapty's server-side profile API as its docs describe it.

One route (with and without the trailing slash) serves POST create, GET read, PATCH
update and DELETE. Each request is checked in a fixed order: API key (401),
identification headers (400), body media type (415), body syntax and documented
rules (400), then the profile lookup (404). Validating the body before the lookup
means a bad PATCH body is reported as such even for an unknown profile.

Every response, errors and crashes included, carries a ``Request-Id`` header; this
is added by :class:`SandboxApp`, which wraps the whole Starlette app so that even
the 500 of an unexpected exception gets one. The access log names method, path,
status and request id only: never a header, never the query string, so an API key
cannot reach the logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Mapping
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contract.sandbox.faults import check_faults
from contract.sandbox.profiles import MAX_ATTRIBUTES, Profile, ProfileUpdate, TooManyAttributes, merge, render
from contract.sandbox.store import Conflict, Identity, NotFound, Store
from contract.sandbox.validation import ValidationFailed, coerce_profile_body, is_uuid, validate_profile_body

__all__ = ["PROFILE_PATH", "SandboxApp", "create_app"]

PROFILE_PATH = "/api/v2/server-side-api/profile/"
TRUNCATE_TO = 10  # `truncate-values` fault
SLOW_SECONDS = 2.0  # `slow` fault
LOST_UPDATE_YIELD = 0.01  # `lost-update` fault: the gap between read and write

access_log = logging.getLogger("contract.sandbox.access")


class ApiError(Exception):
    """An error answered in the docs' shape: ``{errors: [{source, errors}], error_code, status_code}``."""

    def __init__(self, status: int, code: str, errors: Mapping[str, list[str]],
                 headers: Mapping[str, str] | None = None) -> None:
        self.status = status
        self.code = code
        self.errors = dict(errors)
        self.headers = dict(headers or {})
        super().__init__(f"{status} {code}")

    @classmethod
    def general(cls, status: int, code: str, message: str, **kw: Any) -> ApiError:
        return cls(status, code, {"non_field_errors": [message]}, **kw)

    def response(self) -> JSONResponse:
        body = {
            "errors": [{"source": source, "errors": messages} for source, messages in self.errors.items()],
            "error_code": self.code,
            "status_code": self.status,
        }
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def _not_found() -> ApiError:
    return ApiError.general(404, "not_found", "Not found.")


def _unauthenticated(message: str) -> ApiError:
    return ApiError.general(401, "not_authenticated", message, headers={"WWW-Authenticate": "Api-Key"})


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class ProfileApi:
    """The four operations on one profile, with the fault switches applied."""

    def __init__(self, store: Store, keys: Mapping[str, str], faults: frozenset[str]) -> None:
        self.store = store
        self.keys = dict(keys)
        self.faults = faults

    # ------------------------------------------------------------------ request checks

    def _authenticate(self, request: Request) -> str:
        """The app id the `Authorization: Api-Key <key>` header belongs to."""
        scheme, _, key = request.headers.get("authorization", "").strip().partition(" ")
        key = key.strip()
        app_id = None
        if scheme.lower() == "api-key" and key:
            for known, owner in self.keys.items():  # constant-time compare: a sandbox, but still a key
                if hmac.compare_digest(known.encode(), key.encode()):
                    app_id = owner
        if app_id is not None:
            return app_id
        if "no-auth" in self.faults:
            return next(iter(self.keys.values()))
        if scheme.lower() != "api-key" or not key:
            raise _unauthenticated("Authentication credentials were not provided.")
        raise _unauthenticated("Invalid API key.")

    @staticmethod
    def _identify(request: Request) -> Identity:
        profile_id = request.headers.get("adapty-profile-id", "").strip()
        customer_user_id = request.headers.get("adapty-customer-user-id", "").strip()
        if not profile_id and not customer_user_id:
            raise ApiError.general(
                400, "bad_request",
                "Either the adapty-customer-user-id or the adapty-profile-id header is required.")
        return Identity(profile_id=str(uuid.UUID(profile_id)) if is_uuid(profile_id) else None,
                        customer_user_id=customer_user_id or None)

    async def _body(self, request: Request) -> ProfileUpdate:
        raw = await request.body()
        body: Any = {}
        if raw.strip():
            media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if media_type != "application/json":
                shown = media_type or "none"
                raise ApiError.general(415, "unsupported_media_type",
                                       f'Unsupported media type "{shown}" in request.')
            try:
                body = json.loads(raw, parse_constant=_reject_constant)
            except (ValueError, RecursionError) as exc:
                raise ApiError.general(400, "bad_request", f"JSON parse error - {exc}") from None
        if not isinstance(body, dict):
            raise ApiError.general(400, "bad_request",
                                   f"Invalid data. Expected a dictionary, but got {type(body).__name__}.")
        if "accept-invalid" in self.faults:
            update = coerce_profile_body(body)
        else:
            try:
                update = validate_profile_body(body)
            except ValidationFailed as exc:
                raise ApiError(400, "bad_request", exc.errors) from None
        if "truncate-values" in self.faults:
            update = ProfileUpdate(update.fields, tuple(
                (k, v[:TRUNCATE_TO] if isinstance(v, str) else v) for k, v in update.attributes))
        return update

    # ------------------------------------------------------------------ responses

    def _profile(self, profile: Profile, status: int = 200) -> JSONResponse:
        data = render(profile, timestamp_ms=_now_ms())
        if "drop-field" in self.faults:
            del data["segment_hash"]
        return JSONResponse({"data": data}, status_code=status)

    @property
    def _scope_all(self) -> bool:
        return "tenant-leak" in self.faults

    @property
    def _max_attributes(self) -> int | None:
        return None if "accept-invalid" in self.faults else MAX_ATTRIBUTES

    def _crashes_on(self, body: ProfileUpdate) -> bool:
        """`server-error` fault: 'boom' in first_name or an attribute key."""
        first_name = body.fields.get("first_name")
        return "server-error" in self.faults and (
            (isinstance(first_name, str) and "boom" in first_name)
            or any("boom" in key for key, _ in body.attributes))

    # ------------------------------------------------------------------ endpoint

    async def handle(self, request: Request) -> Response:
        """The one endpoint: authenticate, identify, then dispatch on the method."""
        try:
            app_id = self._authenticate(request)
            who = self._identify(request)
            scope = None if self._scope_all else app_id
            method = request.method
            if method in ("GET", "HEAD"):
                return await self._get(scope, who)
            if method == "DELETE":
                return await self._delete(scope, who)
            body = await self._body(request)
            if self._crashes_on(body):
                return PlainTextResponse("Internal Server Error", status_code=500)
            if method == "POST":
                return await self._post(scope, app_id, who, body)
            return await self._patch(scope, who, body)
        except ApiError as exc:
            return exc.response()
        except TooManyAttributes as exc:
            return ApiError(400, "bad_request", {"custom_attributes": [str(exc)]}).response()
        except Conflict as exc:
            return ApiError.general(400, "bad_request", str(exc)).response()
        except NotFound:
            return _not_found().response()

    async def _get(self, scope: str | None, who: Identity) -> Response:
        if "slow" in self.faults:
            await asyncio.sleep(SLOW_SECONDS)
        profile = await self.store.run(self.store.find, scope, who)
        if profile is None:
            raise NotFound
        return self._profile(profile)

    async def _post(self, scope: str | None, app_id: str, who: Identity, body: ProfileUpdate) -> Response:
        profile = await self.store.run(self.store.create_or_update, scope, app_id, who, body,
                                       self._max_attributes)
        return self._profile(profile, 201 if "undocumented-status" in self.faults else 200)

    async def _patch(self, scope: str | None, who: Identity, body: ProfileUpdate) -> Response:
        if "lost-update" in self.faults:
            current = await self.store.run(self.store.find, scope, who)
            if current is None:
                raise NotFound
            merged = merge(current, body, max_attributes=self._max_attributes)
            await asyncio.sleep(LOST_UPDATE_YIELD)
            await self.store.run(self.store.overwrite, merged)
            return self._profile(merged)
        profile = await self.store.run(self.store.update, scope, who, body, self._max_attributes,
                                       "no-persist" not in self.faults)
        return self._profile(profile)

    async def _delete(self, scope: str | None, who: Identity) -> Response:
        if "no-delete" in self.faults:
            found = await self.store.run(self.store.find, scope, who) is not None
        else:
            found = await self.store.run(self.store.delete, scope, who)
        if not found:
            raise NotFound
        return Response(status_code=204)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Out of range float values are not JSON compliant: {name}")


# --------------------------------------------------------------------------- app + wrapper


async def _http_error(request: Request, exc: Exception) -> Response:
    """Unknown routes and methods answer in the same error shape as everything else."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return _not_found().response()
    if exc.status_code == 405:
        return ApiError.general(405, "method_not_allowed", f'Method "{request.method}" not allowed.',
                                headers=exc.headers).response()
    return ApiError.general(exc.status_code, "error", str(exc.detail)).response()


async def _server_error(request: Request, exc: Exception) -> Response:
    return ApiError.general(500, "server_error", "A server error occurred.").response()


class SandboxApp:
    """The ASGI app: Starlette inside, Request-Id and access log around everything."""

    def __init__(self, store: Store, keys: Mapping[str, str], faults: frozenset[str]) -> None:
        self.store = store
        self.keys = dict(keys)
        self.faults = faults
        api = ProfileApi(store, keys, faults)
        methods = ["GET", "POST", "PATCH", "DELETE"]

        @contextlib.asynccontextmanager
        async def lifespan(_: Starlette) -> AsyncIterator[None]:
            yield
            store.close()

        self.starlette: ASGIApp = Starlette(
            routes=[Route(path, api.handle, methods=methods) for path in (PROFILE_PATH, PROFILE_PATH.rstrip("/"))],
            exception_handlers={HTTPException: _http_error, Exception: _server_error},
            lifespan=lifespan,
        )

    def close(self) -> None:
        self.store.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.starlette(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        status = 500
        started = time.perf_counter()
        logged = False

        def log() -> None:
            nonlocal logged
            if not logged:
                logged = True
                access_log.info("%s %s %d %.1fms request_id=%s", scope["method"], scope["path"], status,
                                (time.perf_counter() - started) * 1000, request_id)

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                log()  # before the last byte leaves: a client that has its answer finds the line written
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                if "no-request-id" not in self.faults:
                    headers["Request-Id"] = request_id
                if "wrong-content-type" in self.faults and headers.get("content-type", "").startswith(
                        "application/json"):
                    headers["Content-Type"] = "text/plain; charset=utf-8"
            await send(message)

        try:
            await self.starlette(scope, receive, send_with_headers)
        finally:
            log()  # requests that ended without a complete response


def create_app(db_path: str | Path, keys: Mapping[str, str], faults: Iterable[str] = ()) -> SandboxApp:
    """Build the sandbox ASGI app on the SQLite file `db_path` (created if missing).

    `keys` maps each accepted API key to the app id it belongs to; `faults` names the
    switches from :data:`contract.sandbox.faults.FAULTS` to turn on.
    """
    if not keys:
        raise ValueError("the sandbox needs at least one API key")
    return SandboxApp(Store(db_path), keys, check_faults(faults))
