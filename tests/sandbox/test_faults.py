"""Each fault switch breaks the contract in exactly the one way it describes."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import httpx
import pytest

from contract.sandbox import FAULTS, Sandbox, check_faults

from .conftest import make_client
from .helpers import (
    APP_A,
    KEY_A,
    KEY_B,
    PATH,
    PROFILE_FIELDS,
    REQUEST_ID,
    SEGMENT_HASH,
    attributes,
    attrs,
    data,
    headers,
    new_user,
)

Start = Callable[..., Sandbox]


def test_every_fault_has_a_test() -> None:
    tested = {name.removeprefix("test_fault_").replace("_", "-") for name in globals() if name.startswith("test_fault_")}
    tested |= {"lost-update"}  # tests/sandbox/test_concurrency.py
    assert tested == set(FAULTS)


def test_unknown_fault_is_refused() -> None:
    with pytest.raises(ValueError, match="no-such-fault"):
        check_faults(["slow", "no-such-fault"])
    with pytest.raises(ValueError):
        Sandbox(faults=["no-such-fault"])


def test_fault_server_error(start: Start) -> None:
    with make_client(start("server-error")) as client:
        user = new_user()
        assert client.post(PATH, json={"first_name": "Jane"}, headers=headers(user=user)).status_code == 200
        for body in ({"first_name": "kaboom"}, {"custom_attributes": attrs(boom_key="1")},
                     {"custom_attributes": {"x-boom": 2}}):
            for method in ("POST", "PATCH"):
                response = client.request(method, PATH, json=body, headers=headers(user=user))
                assert response.status_code == 500
                assert not response.headers["content-type"].startswith("application/json")
                with pytest.raises(json.JSONDecodeError):
                    json.loads(response.content)
        assert "boom_key" not in attributes(client.get(PATH, headers=headers(user=user)))
        # 'boom' in a value is not a trigger.
        assert client.patch(PATH, json={"custom_attributes": attrs(k="boom")}, headers=headers(user=user)).status_code == 200


def test_fault_drop_field(start: Start) -> None:
    with make_client(start("drop-field")) as client:
        user = new_user()
        responses = [client.post(PATH, json={}, headers=headers(user=user)),
                     client.get(PATH, headers=headers(user=user)),
                     client.patch(PATH, json={"custom_attributes": attrs(a="1")}, headers=headers(user=user))]
        for response in responses:
            assert set(data(response)) == PROFILE_FIELDS - {"segment_hash"}


def test_fault_wrong_content_type(start: Start) -> None:
    with make_client(start("wrong-content-type")) as client:
        user = new_user()
        for response in (client.post(PATH, json={}, headers=headers(user=user)),
                         client.get(PATH, headers=headers(None, user=user))):
            assert response.headers["content-type"].startswith("text/plain")
            json.loads(response.content)  # the body itself is still JSON
        assert data(client.get(PATH, headers=headers(user=user)))["customer_user_id"] == user


def test_fault_slow(start: Start) -> None:
    with make_client(start("slow")) as client:
        user = new_user()
        assert client.post(PATH, json={}, headers=headers(user=user)).status_code == 200
        began = time.monotonic()
        response = client.get(PATH, headers=headers(user=user))
        assert time.monotonic() - began >= 1.9
        assert data(response)["customer_user_id"] == user


def test_fault_no_persist(start: Start) -> None:
    with make_client(start("no-persist")) as client:
        user = new_user()
        client.post(PATH, json={"custom_attributes": attrs(a="1")}, headers=headers(user=user))
        patched = client.patch(PATH, json={"custom_attributes": attrs(a="2", b="3")}, headers=headers(user=user))
        assert attributes(patched) == {"a": "2", "b": "3"}
        assert attributes(client.get(PATH, headers=headers(user=user))) == {"a": "1"}


def test_fault_no_auth(start: Start) -> None:
    with make_client(start("no-auth")) as client:
        user, other = new_user(), new_user()
        client.post(PATH, json={}, headers=headers(KEY_A, user=user))
        client.post(PATH, json={}, headers=headers(KEY_B, user=other))
        for key in (None, "unknown-key"):
            assert data(client.get(PATH, headers=headers(key, user=user)))["app_id"] == APP_A
            assert client.get(PATH, headers=headers(key, user=other)).status_code == 404  # app B stays apart
        created = client.post(PATH, json={}, headers=headers(None, user=new_user()))
        assert data(created)["app_id"] == APP_A


def test_fault_tenant_leak(start: Start) -> None:
    with make_client(start("tenant-leak")) as client:
        user = new_user()
        mine = data(client.post(PATH, json={}, headers=headers(KEY_A, user=user)))
        seen = data(client.get(PATH, headers=headers(KEY_B, user=user)))
        assert seen["profile_id"] == mine["profile_id"] and seen["app_id"] == APP_A
        assert client.delete(PATH, headers=headers(KEY_B, profile=mine["profile_id"])).status_code == 204
        assert client.get(PATH, headers=headers(KEY_A, user=user)).status_code == 404
        assert client.get(PATH, headers=headers("bad-key", user=user)).status_code == 401  # auth still holds


def test_fault_no_delete(start: Start) -> None:
    with make_client(start("no-delete")) as client:
        user = new_user()
        client.post(PATH, json={}, headers=headers(user=user))
        response = client.delete(PATH, headers=headers(user=user))
        assert response.status_code == 204 and response.content == b""
        assert data(client.get(PATH, headers=headers(user=user)))["customer_user_id"] == user
        assert client.delete(PATH, headers=headers(user=new_user())).status_code == 404


def test_fault_accept_invalid(start: Start) -> None:
    with make_client(start("accept-invalid")) as client:
        user = new_user()
        body = {"birthday": None, "gender": "x", "analytics_disabled": "yes", "installation_meta": {},
                "custom_attributes": [{"key": "bad!key", "value": "v" * 31}]}
        response = client.post(PATH, json=body, headers=headers(user=user))
        assert attributes(response) == {"bad!key": "v" * 31}
        many = [{"key": f"k{i}", "value": i} for i in range(31)]
        assert len(attributes(client.patch(PATH, json={"custom_attributes": many}, headers=headers(user=user)))) == 32
        # Not a validation matter: malformed JSON and missing identification are still refused.
        assert client.post(PATH, content=b"{", headers={**headers(user=user),
                                                        "Content-Type": "application/json"}).status_code == 400
        assert client.post(PATH, json={}, headers=headers()).status_code == 400


def test_fault_undocumented_status(start: Start) -> None:
    with make_client(start("undocumented-status")) as client:
        user = new_user()
        created = client.post(PATH, json={}, headers=headers(user=user))
        assert created.status_code == 201
        assert set(created.json()["data"]) == PROFILE_FIELDS
        assert client.patch(PATH, json={"first_name": "J"}, headers=headers(user=user)).status_code == 200
        assert client.get(PATH, headers=headers(user=user)).status_code == 200


def test_fault_no_request_id(start: Start) -> None:
    with make_client(start("no-request-id"), check_ids=False) as client:
        user = new_user()
        for response in (client.post(PATH, json={}, headers=headers(user=user)),
                         client.get(PATH, headers=headers(None, user=user)),
                         client.delete(PATH, headers=headers(user=user))):
            assert "request-id" not in response.headers
        assert response.status_code == 204


def test_fault_truncate_values(start: Start) -> None:
    with make_client(start("truncate-values")) as client:
        user = new_user()
        body = {"custom_attributes": attrs(long="abcdefghijklmnop", short="abc", number=123456789012.5)}
        expected = {"long": "abcdefghij", "short": "abc", "number": 123456789012.5}
        assert attributes(client.post(PATH, json=body, headers=headers(user=user))) == expected
        assert attributes(client.get(PATH, headers=headers(user=user))) == expected


def test_faults_combine(start: Start) -> None:
    with make_client(start("drop-field", "undocumented-status"), check_ids=False) as client:
        response = client.post(PATH, json={}, headers=headers(user=new_user()))
        assert response.status_code == 201
        assert "segment_hash" not in response.json()["data"]
        assert REQUEST_ID.fullmatch(response.headers["request-id"])


def test_without_faults_the_same_requests_keep_the_contract(client: httpx.Client) -> None:
    """The baseline the fault tests contrast with (one request per broken promise)."""
    user = new_user()
    created = client.post(PATH, json={"custom_attributes": attrs(long="abcdefghijklmnop")}, headers=headers(user=user))
    assert created.status_code == 200
    assert created.headers["content-type"] == "application/json"
    assert SEGMENT_HASH.fullmatch(data(created)["segment_hash"])
    assert attributes(created) == {"long": "abcdefghijklmnop"}
    assert client.post(PATH, json={"first_name": "kaboom"}, headers=headers(user=user)).status_code == 200
    assert client.get(PATH, headers=headers(None, user=user)).status_code == 401
    assert client.get(PATH, headers=headers(KEY_B, user=user)).status_code == 404
    assert client.post(PATH, json={"birthday": None}, headers=headers(user=user)).status_code == 400
    assert client.delete(PATH, headers=headers(user=user)).status_code == 204
    assert client.get(PATH, headers=headers(user=user)).status_code == 404
