"""The in-process judging transport and requests adapter: the client sees what the inner transport gave, the
judge gets the exchange with the body decoded."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

from contract.model import Exchange
from contract.proxy.inprocess import JudgingTransport, app_transport
from contract.sandbox import DEFAULT_KEYS, PROFILE_PATH, Sandbox

KEY = next(iter(DEFAULT_KEYS))
BODY = {"installation_meta": {"device_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}}


class _Gzipping(httpx.BaseTransport):
    """Answers as a network transport does: an unread stream of gzip bytes, a repeated header."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        payload = gzip.compress(json.dumps({"echo": request.url.path}).encode(), mtime=0)
        return httpx.Response(201, headers=[("Content-Encoding", "gzip"), ("Content-Length", str(len(payload))),
                                            ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")],
                              stream=httpx.ByteStream(payload))


def test_the_client_sees_the_inner_answer_and_the_judge_the_decoded_body():
    seen: list[Exchange] = []
    with httpx.Client(transport=_Gzipping()) as plain, \
         httpx.Client(transport=JudgingTransport(seen.append, _Gzipping())) as judged:
        direct = plain.post("http://api.test/x", json={"a": 1})
        through = judged.post("http://api.test/x", json={"a": 1})
    assert through.status_code == direct.status_code == 201
    assert through.headers.multi_items() == direct.headers.multi_items()
    assert through.content == direct.content == b'{"echo": "/x"}'
    assert len(seen) == 1
    ex = seen[0]
    assert (ex.method, ex.url, ex.status) == ("POST", "http://api.test/x", 201)
    assert ex.request_body == b'{"a":1}' and ex.response_body == b'{"echo": "/x"}'
    assert ex.response_headers["content-encoding"] == "gzip"


def test_an_answer_the_inner_transport_already_read_is_handed_on():
    seen: list[Exchange] = []
    mock = httpx.MockTransport(lambda request: httpx.Response(200, json={"ok": True}))
    with httpx.Client(transport=JudgingTransport(seen.append, mock)) as client:
        assert client.get("http://api.test/ok").json() == {"ok": True}
    assert seen[0].response_body == b'{"ok":true}'


def test_the_asgi_app_in_process_and_over_loopback_answer_alike(tmp_path):
    """The sandbox served on loopback and the same app in process (AppTransport): one status and body shape."""
    from contract.sandbox import create_app

    headers = {"Authorization": f"Api-Key {KEY}", "adapty-customer-user-id": "same-user"}
    seen: list[Exchange] = []
    app = create_app(tmp_path / "db.sqlite", DEFAULT_KEYS)
    try:
        with Sandbox() as box, httpx.Client() as network, \
             httpx.Client(transport=JudgingTransport(seen.append, app_transport(app)),
                          base_url="http://testserver") as local:
            remote = network.post(box.url + PROFILE_PATH, json=BODY, headers=headers)
            inproc = local.post(PROFILE_PATH, json=BODY, headers=headers)
    finally:
        app.close()
    assert inproc.status_code == remote.status_code == 200
    assert set(inproc.json()["data"]) == set(remote.json()["data"])
    assert seen[0].status == 200 and json.loads(seen[0].response_body or b"")["data"]["customer_user_id"] == "same-user"


def test_the_requests_adapter_over_loopback_judges_each_exchange():
    requests = pytest.importorskip("requests")
    from contract.proxy.adapter import JudgingAdapter

    seen: list[Exchange] = []
    headers = {"Authorization": f"Api-Key {KEY}", "adapty-customer-user-id": "adapter-user"}
    with Sandbox() as box, requests.Session() as session:
        session.mount("http://", JudgingAdapter(seen.append))
        created = session.post(box.url + PROFILE_PATH, json=BODY, headers=headers, timeout=30)
        missing = session.get(box.url + PROFILE_PATH, headers={**headers, "adapty-customer-user-id": "nobody"},
                              timeout=30)
    assert [e.status for e in seen] == [created.status_code, missing.status_code] == [200, 404]
    assert seen[0].method == "POST" and json.loads(seen[0].request_body or b"") == BODY
    assert seen[0].response_body == created.content
