"""Shared constants and small helpers for the sandbox tests."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from contract.sandbox import DEFAULT_KEYS, PROFILE_PATH

if TYPE_CHECKING:
    from starlette.testclient import TestClient

    from contract.load import Spec

KEY_A, KEY_B = DEFAULT_KEYS
APP_A, APP_B = DEFAULT_KEYS[KEY_A], DEFAULT_KEYS[KEY_B]
PATH = PROFILE_PATH
REQUEST_ID = re.compile(r"[0-9a-f]{32}")
SEGMENT_HASH = re.compile(r"[0-9a-f]{16}")
PROFILE_FIELDS = {"app_id", "profile_id", "customer_user_id", "total_revenue_usd", "segment_hash", "timestamp",
                  "custom_attributes", "access_levels", "subscriptions", "non_subscriptions"}

# The docs page's example request body.
DOCS_EXAMPLE: dict[str, Any] = {
    "first_name": "Jane",
    "last_name": "Doe",
    "gender": "f",
    "email": "jane.doe@example.com",
    "phone_number": "+1234567890",
    "birthday": "2000-12-31",
    "ip_country": "FR",
    "store_country": "US",
    "store": "app_store",
    "analytics_disabled": True,
    "custom_attributes": [{"key": "favourite_sport", "value": "yoga"}],
    "installation_meta": {
        "device_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "device": "string",
        "locale": "en",
        "os": "string",
        "platform": "iOS",
        "timezone": "Europe/Rome",
        "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_1 like Mac OS X)",
        "idfa": "EA7583CD-A667-48BC-B806-42ECB2B48333",
        "idfv": "E9D48DA5-3930-4B41-8521-D953AECD2F33",
        "advertising_id": "",
        "android_id": "",
        "android_app_set_id": "",
    },
}


def new_user() -> str:
    """A customer user id no other test uses (tests share one sandbox)."""
    return f"user-{uuid.uuid4().hex[:16]}"


def headers(key: str | None = KEY_A, *, user: str | None = None, profile: str | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    if key is not None:
        out["Authorization"] = f"Api-Key {key}"
    if user is not None:
        out["adapty-customer-user-id"] = user
    if profile is not None:
        out["adapty-profile-id"] = profile
    return out


def error(status: int, code: str, source: str, *messages: str) -> dict[str, Any]:
    """An error body in the docs' shape."""
    return {"errors": [{"source": source, "errors": list(messages)}], "error_code": code, "status_code": status}


def data(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data"}
    return body["data"]


def attributes(response: httpx.Response) -> dict[str, Any]:
    """The custom attributes of a profile response as a dict (order checked separately)."""
    return {item["key"]: item["value"] for item in data(response)["custom_attributes"]}


def attrs(**pairs: Any) -> list[dict[str, Any]]:
    return [{"key": k, "value": v} for k, v in pairs.items()]


def check_request_id(response: httpx.Response) -> None:
    """httpx response hook: every sandbox response must carry a Request-Id."""
    value = response.headers.get("request-id", "")
    assert REQUEST_ID.fullmatch(value), f"{response.request.method} {response.request.url}: Request-Id {value!r}"


def emulator_client(spec: Spec, tmp_path: Path, keys: dict[str, list[str]] | None = None,
                    faults: tuple[str, ...] = (), seed: int = 0, db: str = "e.db") -> Iterator[TestClient]:
    """The emulator of `spec` in process (Starlette's TestClient, no socket), closed after use: `for client in …`."""
    from starlette.testclient import TestClient

    from contract.sandbox.generic import create_emulator

    app = create_emulator(spec, tmp_path / db, keys or {}, faults, seed)
    try:
        with TestClient(app, base_url="http://127.0.0.1") as client:
            yield client
    finally:
        app.close()


def emulator_walk(spec: Spec, *, max_examples: int = 3) -> tuple[Any, list[str]]:
    """`contract run` (in process) against the emulator of `spec`, stopped after: the run's result and its error
    findings, each as `check operation: message`."""
    from contract.model import Severity
    from contract.replay.runner import RunConfig, Runner
    from contract.sandbox.generic import Emulator

    with Emulator(spec) as emulator:
        config = RunConfig(emulator.url, headers=emulator.headers(), max_examples=max_examples, progress="off")
        result = Runner(spec, config).run()
    errors = [f"{f.check} {f.operation}: {f.message}" for f in result.findings if f.severity == Severity.ERROR]
    return result, errors
