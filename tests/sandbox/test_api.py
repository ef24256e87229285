"""The documented behaviour of the sandbox, over real HTTP on loopback."""

from __future__ import annotations

import copy
import logging
import time
import uuid
from typing import Any

import httpx
import pytest

from .helpers import (
    APP_A,
    APP_B,
    DOCS_EXAMPLE,
    KEY_A,
    KEY_B,
    PATH,
    PROFILE_FIELDS,
    SEGMENT_HASH,
    attributes,
    attrs,
    data,
    error,
    headers,
    new_user,
)

METHODS = ["GET", "POST", "PATCH", "DELETE"]


def create(client: httpx.Client, body: dict[str, Any] | None = None, *, key: str = KEY_A,
           user: str | None = None, profile: str | None = None) -> dict[str, Any]:
    response = client.post(PATH, json={} if body is None else body,
                           headers=headers(key, user=user, profile=profile))
    return data(response)


# --------------------------------------------------------------------------- create / read


def test_create_answers_the_documented_profile(client: httpx.Client) -> None:
    user = new_user()
    before = time.time_ns() // 1_000_000
    response = client.post(PATH, json=DOCS_EXAMPLE, headers=headers(user=user))
    after = time.time_ns() // 1_000_000

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    profile = data(response)
    assert set(profile) == PROFILE_FIELDS
    assert profile["app_id"] == APP_A
    assert str(uuid.UUID(profile["profile_id"])) == profile["profile_id"]
    assert profile["customer_user_id"] == user
    assert profile["total_revenue_usd"] == 0
    assert SEGMENT_HASH.fullmatch(profile["segment_hash"])
    assert isinstance(profile["timestamp"], int) and before <= profile["timestamp"] <= after
    assert profile["custom_attributes"] == [{"key": "favourite_sport", "value": "yoga"}]
    assert profile["access_levels"] == profile["subscriptions"] == profile["non_subscriptions"] == []


def test_get_reads_by_customer_user_id_or_profile_id(client: httpx.Client) -> None:
    user = new_user()
    created = create(client, {"custom_attributes": attrs(a="1")}, user=user)
    by_user = data(client.get(PATH, headers=headers(user=user)))
    by_id = data(client.get(PATH, headers=headers(profile=created["profile_id"])))
    for read in (by_user, by_id):
        assert {k: v for k, v in read.items() if k != "timestamp"} == \
               {k: v for k, v in created.items() if k != "timestamp"}


def test_path_without_trailing_slash_is_served(client: httpx.Client) -> None:
    user = new_user()
    assert client.post(PATH.rstrip("/"), json={}, headers=headers(user=user)).status_code == 200
    assert data(client.get(PATH.rstrip("/"), headers=headers(user=user)))["customer_user_id"] == user


def test_create_with_uuid_profile_id_uses_it(client: httpx.Client) -> None:
    wanted = str(uuid.uuid4())
    profile = create(client, profile=wanted.upper())
    assert profile["profile_id"] == wanted
    assert profile["customer_user_id"] is None
    assert data(client.get(PATH, headers=headers(profile=wanted)))["profile_id"] == wanted


def test_create_with_non_uuid_profile_id_gets_a_fresh_one(client: httpx.Client) -> None:
    profile = create(client, profile="not-a-uuid")
    assert str(uuid.UUID(profile["profile_id"])) == profile["profile_id"]
    # ... and such an id names no profile afterwards.
    assert client.get(PATH, headers=headers(profile="not-a-uuid")).status_code == 404


def test_create_for_known_customer_user_id_updates_instead_of_duplicating(client: httpx.Client) -> None:
    user = new_user()
    first = create(client, {"custom_attributes": attrs(a="1", b="2")}, user=user)
    second = create(client, {"custom_attributes": attrs(b="3", c="4")}, user=user)
    assert second["profile_id"] == first["profile_id"]
    assert second["custom_attributes"] == attrs(a="1", b="3", c="4")


def test_create_with_both_headers_links_customer_user_id(client: httpx.Client) -> None:
    anonymous = create(client, profile=str(uuid.uuid4()))
    assert anonymous["customer_user_id"] is None
    user = new_user()
    linked = create(client, user=user, profile=anonymous["profile_id"])
    assert linked["profile_id"] == anonymous["profile_id"]
    assert linked["customer_user_id"] == user
    assert data(client.get(PATH, headers=headers(user=user)))["profile_id"] == anonymous["profile_id"]


def test_linking_refuses_to_give_a_customer_user_id_two_profiles(client: httpx.Client) -> None:
    user = new_user()
    create(client, user=user)
    other = create(client, profile=str(uuid.uuid4()))
    response = client.post(PATH, json={}, headers=headers(user=user, profile=other["profile_id"]))
    assert response.status_code == 400
    assert response.json()["error_code"] == "bad_request"
    assert data(client.get(PATH, headers=headers(profile=other["profile_id"])))["customer_user_id"] is None


def test_linking_refuses_to_relink_a_profile_to_another_customer_user_id(client: httpx.Client) -> None:
    user = new_user()
    linked = create(client, user=user)
    response = client.post(PATH, json={}, headers=headers(user=new_user(), profile=linked["profile_id"]))
    assert response.status_code == 400
    assert data(client.get(PATH, headers=headers(profile=linked["profile_id"])))["customer_user_id"] == user


def test_create_with_unknown_profile_id_but_known_customer_user_id_returns_that_profile(
        client: httpx.Client) -> None:
    user = new_user()
    existing = create(client, user=user)
    again = create(client, user=user, profile=str(uuid.uuid4()))
    assert again["profile_id"] == existing["profile_id"]


def test_empty_body_is_an_empty_object(client: httpx.Client) -> None:
    response = client.post(PATH, headers=headers(user=new_user()))
    assert data(response)["custom_attributes"] == []


# --------------------------------------------------------------------------- update / delete


def test_patch_merges_attributes_by_key_in_insertion_order(client: httpx.Client) -> None:
    user = new_user()
    create(client, {"custom_attributes": attrs(a="1", b="2")}, user=user)
    patched = client.patch(PATH, json={"custom_attributes": attrs(b="3", c="4")}, headers=headers(user=user))
    assert data(patched)["custom_attributes"] == attrs(a="1", b="3", c="4")
    assert data(client.get(PATH, headers=headers(user=user)))["custom_attributes"] == attrs(a="1", b="3", c="4")


def test_patch_of_fields_changes_the_segment_hash(client: httpx.Client) -> None:
    user = new_user()
    before = create(client, user=user)["segment_hash"]
    after = data(client.patch(PATH, json={"first_name": "Jane"}, headers=headers(user=user)))["segment_hash"]
    assert SEGMENT_HASH.fullmatch(after) and after != before


@pytest.mark.parametrize("empty", ["", None])
def test_empty_value_or_null_deletes_an_attribute(client: httpx.Client, empty: str | None) -> None:
    user = new_user()
    create(client, {"custom_attributes": attrs(a="1", b="2", c="3")}, user=user)
    response = client.patch(PATH, json={"custom_attributes": attrs(b=empty)}, headers=headers(user=user))
    assert data(response)["custom_attributes"] == attrs(a="1", c="3")
    assert attributes(client.get(PATH, headers=headers(user=user))) == {"a": "1", "c": "3"}


def test_booleans_and_numbers_become_floats(client: httpx.Client) -> None:
    user = new_user()
    response = client.post(PATH, content=b'{"custom_attributes": [{"key": "t", "value": true}, '
                                         b'{"key": "f", "value": false}, {"key": "n", "value": 3}, '
                                         b'{"key": "s", "value": "3"}]}',
                           headers={**headers(user=user), "Content-Type": "application/json"})
    assert response.status_code == 200
    assert b'{"key":"t","value":1.0}' in response.content
    assert b'{"key":"f","value":0.0}' in response.content
    assert b'{"key":"n","value":3.0}' in response.content
    assert attributes(response) == {"t": 1.0, "f": 0.0, "n": 3.0, "s": "3"}


def test_custom_attributes_as_plain_object(client: httpx.Client) -> None:
    user = new_user()
    profile = create(client, {"custom_attributes": {"sport": "yoga", "level": 2}}, user=user)
    assert profile["custom_attributes"] == attrs(sport="yoga", level=2.0)


def test_delete_answers_204_and_removes_the_profile(client: httpx.Client) -> None:
    user = new_user()
    first = create(client, user=user)
    response = client.delete(PATH, headers=headers(user=user))
    assert response.status_code == 204
    assert response.content == b""
    assert client.get(PATH, headers=headers(user=user)).status_code == 404
    assert client.get(PATH, headers=headers(profile=first["profile_id"])).status_code == 404
    assert create(client, user=user)["profile_id"] != first["profile_id"]


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_unknown_profile_is_the_documented_404(client: httpx.Client, method: str) -> None:
    for who in ({"user": new_user()}, {"profile": str(uuid.uuid4())}, {"profile": "not-a-uuid"}):
        response = client.request(method, PATH, json={} if method == "PATCH" else None,
                                  headers=headers(**who))
        assert response.status_code == 404
        assert response.json() == error(404, "not_found", "non_field_errors", "Not found.")
        assert response.headers["content-type"] == "application/json"


# --------------------------------------------------------------------------- limits


def test_thirty_attributes_are_accepted_thirty_one_are_not(client: httpx.Client) -> None:
    thirty = [{"key": f"k{i}", "value": str(i)} for i in range(30)]
    assert len(create(client, {"custom_attributes": thirty}, user=new_user())["custom_attributes"]) == 30

    user = new_user()
    response = client.post(PATH, json={"custom_attributes": [*thirty, {"key": "k30", "value": "x"}]},
                           headers=headers(user=user))
    assert response.status_code == 400
    assert [e["source"] for e in response.json()["errors"]] == ["custom_attributes"]
    assert client.get(PATH, headers=headers(user=user)).status_code == 404


def test_the_limit_counts_attributes_after_merging(client: httpx.Client) -> None:
    user = new_user()
    create(client, {"custom_attributes": [{"key": f"k{i}", "value": "v"} for i in range(30)]}, user=user)
    one_more = client.patch(PATH, json={"custom_attributes": attrs(extra="x")}, headers=headers(user=user))
    assert one_more.status_code == 400
    assert one_more.json()["errors"][0]["source"] == "custom_attributes"
    assert "extra" not in attributes(client.get(PATH, headers=headers(user=user)))

    swap = client.patch(PATH, json={"custom_attributes": [{"key": "k0", "value": None},
                                                          {"key": "extra", "value": "x"},
                                                          {"key": "k1", "value": "changed"}]},
                        headers=headers(user=user))
    stored = attributes(swap)
    assert len(stored) == 30 and "k0" not in stored and stored["extra"] == "x" and stored["k1"] == "changed"


@pytest.mark.parametrize(("key", "value", "accepted"), [
    ("k" * 30, "v", True),
    ("k" * 31, "v", False),
    ("Aa0-._", "v", True),
    ("bad!key", "v", False),
    ("with space", "v", False),
    ("", "v", False),
    ("ключ", "v", False),
    ("value30", "v" * 30, True),
    ("value31", "v" * 31, False),
    ("nested", {"a": 1}, False),
    ("listed", [1], False),
])
def test_attribute_key_and_value_rules(client: httpx.Client, key: str, value: Any, accepted: bool) -> None:
    user = new_user()
    response = client.post(PATH, json={"custom_attributes": [{"key": key, "value": value}]},
                           headers=headers(user=user))
    if accepted:
        assert attributes(response) == {key: value}
    else:
        assert response.status_code == 400
        body = response.json()
        assert body["error_code"] == "bad_request" and body["status_code"] == 400
        assert [e["source"] for e in body["errors"]] == ["custom_attributes"]


@pytest.mark.parametrize("empty", [[], {}])
def test_empty_custom_attributes_are_rejected(client: httpx.Client, empty: Any) -> None:
    response = client.post(PATH, json={"custom_attributes": empty}, headers=headers(user=new_user()))
    assert response.status_code == 400
    assert response.json() == error(400, "bad_request", "custom_attributes",
                                     "If you use custom_attributes, at least one attribute key is required.")


# --------------------------------------------------------------------------- field validation


def test_null_birthday_is_the_documented_400(client: httpx.Client) -> None:
    response = client.post(PATH, json={"birthday": None}, headers=headers(user=new_user()))
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json() == error(400, "bad_request", "birthday", "This field may not be null.")


INVALID: list[tuple[str, Any]] = [
    ("first_name", 5),
    ("last_name", ["Doe"]),
    ("gender", "x"),
    ("gender", 1),
    ("email", "not-an-email"),
    ("email", "a@b"),
    ("phone_number", 1234567890),
    ("birthday", "31-12-2000"),
    ("birthday", "2000-02-30"),
    ("birthday", "2000-12-31T00:00:00Z"),
    ("birthday", 20001231),
    ("ip_country", None),
    ("ip_country", 33),
    ("store_country", 1),
    ("store", "itunes"),
    ("analytics_disabled", "true"),
    ("analytics_disabled", 1),
    ("analytics_disabled", None),
    ("custom_attributes", None),
    ("custom_attributes", "a=b"),
    ("custom_attributes", [{"key": "a"}]),
    ("custom_attributes", ["a"]),
    ("installation_meta", None),
    ("installation_meta", "device"),
    ("installation_meta", {}),
    ("installation_meta", {"device_id": "not-a-uuid"}),
    ("installation_meta", {"device_id": "0f8fad5b-d9cb-469f-a165-70867728950e", "platform": "Windows"}),
    ("installation_meta", {"device_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "locale": 5}),
]


@pytest.mark.parametrize(("field", "value"), INVALID, ids=[f"{f}={v!r}"[:40] for f, v in INVALID])
def test_invalid_field_is_a_400_naming_it(client: httpx.Client, field: str, value: Any) -> None:
    user = new_user()
    response = client.post(PATH, json={**DOCS_EXAMPLE, field: value}, headers=headers(user=user))
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error_code"] == "bad_request" and body["status_code"] == 400
    assert [e["source"] for e in body["errors"]] == [field]
    assert all(isinstance(m, str) and m for m in body["errors"][0]["errors"])
    assert client.get(PATH, headers=headers(user=user)).status_code == 404  # nothing was created

    create(client, user=user)
    patched = client.patch(PATH, json={field: value}, headers=headers(user=user))
    assert patched.status_code == 400
    assert patched.json() == body


@pytest.mark.parametrize("field", ["first_name", "last_name", "gender", "email", "phone_number",
                                   "store_country", "store"])
def test_nullable_fields_accept_null(client: httpx.Client, field: str) -> None:
    assert client.post(PATH, json={**DOCS_EXAMPLE, field: None}, headers=headers(user=new_user())).status_code == 200


def test_installation_meta_is_optional_and_its_fields_nullable(client: httpx.Client) -> None:
    body = {k: v for k, v in DOCS_EXAMPLE.items() if k != "installation_meta"}
    assert client.post(PATH, json=body, headers=headers(user=new_user())).status_code == 200
    meta = {k: None for k in DOCS_EXAMPLE["installation_meta"]} | {"device_id": str(uuid.uuid4())}
    assert client.post(PATH, json={"installation_meta": meta}, headers=headers(user=new_user())).status_code == 200


def test_fields_the_docs_do_not_list_are_ignored(client: httpx.Client) -> None:
    body = {**DOCS_EXAMPLE, "ip_v4_address": "not an ip", "att_status": "weird", "store_account_token": 5,
            "anything": {"else": True}}
    assert client.post(PATH, json=body, headers=headers(user=new_user())).status_code == 200


def test_every_bad_field_is_reported(client: httpx.Client) -> None:
    body = copy.deepcopy(DOCS_EXAMPLE) | {"gender": "x", "birthday": None, "custom_attributes": attrs(**{"bad!": 1})}
    response = client.post(PATH, json=body, headers=headers(user=new_user()))
    assert response.status_code == 400
    assert [e["source"] for e in response.json()["errors"]] == ["gender", "birthday", "custom_attributes"]


@pytest.mark.parametrize("raw", [b"{", b'{"first_name": "a",}', b"\xff\xfe{}", b'{"n": NaN}'])
def test_malformed_json_is_a_400(client: httpx.Client, raw: bytes) -> None:
    response = client.post(PATH, content=raw, headers={**headers(user=new_user()),
                                                        "Content-Type": "application/json"})
    assert response.status_code == 400
    body = response.json()
    assert body["error_code"] == "bad_request" and body["status_code"] == 400
    assert [e["source"] for e in body["errors"]] == ["non_field_errors"]
    assert body["errors"][0]["errors"][0].startswith("JSON parse error")


def test_out_of_range_number_is_rejected(client: httpx.Client) -> None:
    response = client.post(PATH, content=b'{"custom_attributes": [{"key": "n", "value": 1e400}]}',
                           headers={**headers(user=new_user()), "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"] == "custom_attributes"


@pytest.mark.parametrize("raw", [b"[]", b'"profile"', b"42", b"null"])
def test_body_must_be_an_object(client: httpx.Client, raw: bytes) -> None:
    response = client.patch(PATH, content=raw, headers={**headers(user=new_user()),
                                                         "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"] == "non_field_errors"
    assert "Expected a dictionary" in response.json()["errors"][0]["errors"][0]


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_body_that_is_not_json_is_a_415(client: httpx.Client, method: str) -> None:
    response = client.request(method, PATH, content=b"first_name=Jane",
                              headers={**headers(user=new_user()), "Content-Type": "text/plain"})
    assert response.status_code == 415
    assert response.json() == error(415, "unsupported_media_type", "non_field_errors",
                                     'Unsupported media type "text/plain" in request.')


# --------------------------------------------------------------------------- headers and auth


@pytest.mark.parametrize("method", METHODS)
def test_missing_identification_headers_is_a_400(client: httpx.Client, method: str) -> None:
    response = client.request(method, PATH, headers=headers(), json={} if method in ("POST", "PATCH") else None)
    assert response.status_code == 400
    body = response.json()
    assert body["error_code"] == "bad_request" and body["status_code"] == 400
    assert body["errors"][0]["source"] == "non_field_errors"
    assert "adapty-customer-user-id" in body["errors"][0]["errors"][0]


NOT_PROVIDED = error(401, "not_authenticated", "non_field_errors", "Authentication credentials were not provided.")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("authorization", [None, "Bearer sandbox-key-a", "Api-Key", "sandbox-key-a", "Basic c2FuZGJveA=="])
def test_missing_or_malformed_key_is_the_documented_401(client: httpx.Client, method: str,
                                                        authorization: str | None) -> None:
    hdrs = headers(None, user=new_user())
    if authorization is not None:
        hdrs["Authorization"] = authorization
    response = client.request(method, PATH, headers=hdrs, json={} if method in ("POST", "PATCH") else None)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.json() == NOT_PROVIDED


def test_unknown_key_is_a_401_of_the_same_shape(client: httpx.Client) -> None:
    response = client.get(PATH, headers=headers("wrong-key", user=new_user()))
    assert response.status_code == 401
    assert response.json() == error(401, "not_authenticated", "non_field_errors", "Invalid API key.")


def test_apps_are_isolated(client: httpx.Client) -> None:
    user = new_user()
    mine = create(client, {"custom_attributes": attrs(owner="a")}, key=KEY_A, user=user)
    assert mine["app_id"] == APP_A
    for who in ({"user": user}, {"profile": mine["profile_id"]}):
        assert client.get(PATH, headers=headers(KEY_B, **who)).status_code == 404
        patched = client.patch(PATH, json={"custom_attributes": attrs(owner="b")}, headers=headers(KEY_B, **who))
        assert patched.status_code == 404
        assert client.delete(PATH, headers=headers(KEY_B, **who)).status_code == 404

    theirs = create(client, {"custom_attributes": attrs(owner="b")}, key=KEY_B, user=user)
    assert theirs["app_id"] == APP_B and theirs["profile_id"] != mine["profile_id"]
    still = data(client.get(PATH, headers=headers(KEY_A, user=user)))
    assert still["profile_id"] == mine["profile_id"] and still["custom_attributes"] == attrs(owner="a")


def test_unknown_route_and_method_answer_in_the_error_shape(client: httpx.Client) -> None:
    missing = client.get("/api/v2/server-side-api/nothing/", headers=headers(user=new_user()))
    assert missing.status_code == 404
    assert missing.json() == error(404, "not_found", "non_field_errors", "Not found.")
    put = client.put(PATH, json={}, headers=headers(user=new_user()))
    assert put.status_code == 405
    assert put.json()["error_code"] == "method_not_allowed"


def test_no_api_key_reaches_the_logs(client: httpx.Client, caplog: pytest.LogCaptureFixture) -> None:
    secret_wrong = "wrong-" + uuid.uuid4().hex
    with caplog.at_level(logging.DEBUG):
        user = new_user()
        create(client, user=user, key=KEY_A)
        client.get(PATH, headers=headers(KEY_B, user=user), params={"q": "1"})
        client.get(PATH, headers=headers(secret_wrong, user=user))
        client.post(PATH, content=b"{", headers={**headers(KEY_A, user=user), "Content-Type": "application/json"})
    access = [r for r in caplog.records if r.name == "contract.sandbox.access"]
    assert len(access) == 4  # the log was captured, so the absence below means something
    assert all(k not in caplog.text for k in (KEY_A, KEY_B, secret_wrong))
