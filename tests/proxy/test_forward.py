"""The proxy as HTTP: what passes unchanged, what is dropped (RFC 9110 §7.6.1), the caps, the one host."""

from __future__ import annotations

import base64
import gzip
import json
import socket
from typing import Any

import httpx

from contract.model import Exchange
from contract.proxy import HOP_BY_HOP, Judge, Proxy, SessionOptions, end_to_end
from contract.sandbox.server import ThreadedServer
from tests.hardening.targets import free_port
from tests.proxy.conftest import QUIET

HOPS = {"connection", "keep-alive", "x-hop"}  # what the echo target marks hop-by-hop (x-hop: named by Connection)


def _raw(response: httpx.Response) -> list[tuple[bytes, bytes]]:
    return [(k.lower(), v) for k, v in response.headers.raw]


def test_answers_reach_the_client_byte_for_byte_minus_hop_by_hop(echo: tuple[ThreadedServer, Proxy]) -> None:
    target, proxy = echo
    for path in ("/gzip/x", "/big", "/redirect", "/fixed"):
        direct = httpx.get(target.url + path)
        proxied = httpx.get(proxy.url + path)
        assert proxied.status_code == direct.status_code
        assert proxied.content == direct.content, path
        kept = [h for h in _raw(direct) if h[0].decode() not in HOPS]
        assert _raw(proxied) == kept, path  # same order, repeats (two Set-Cookie) and values
        assert not {k.decode() for k, _ in _raw(proxied)} & HOPS
    with httpx.stream("GET", proxy.url + "/gzip/y") as r:
        raw = b"".join(r.iter_raw())
    assert raw.startswith(b"\x1f\x8b")  # still compressed: Content-Encoding is end-to-end
    assert proxy.session.judge.wait_for(5)


def test_the_target_gets_the_request_as_sent_with_its_own_host_and_a_via(echo: tuple[ThreadedServer, Proxy]) -> None:
    target, proxy = echo
    r = httpx.post(proxy.url + "/echo/a%2Fb/%7Bx%7D?a=1&a=2&b=%20c", content=b'{"k": 1}',
                   headers={"Connection": "x-secret-hop", "X-Secret-Hop": "1", "Keep-Alive": "timeout=1",
                            "TE": "trailers", "Proxy-Authorization": "Basic dTpw", "X-Case": "Kept",
                            "content-type": "application/json"})
    seen = r.json()
    assert seen["method"] == "POST"
    assert seen["raw_path"] == "/echo/a%2Fb/%7Bx%7D" and seen["query"] == "a=1&a=2&b=%20c"
    assert base64.b64decode(seen["body"]) == b'{"k": 1}'
    names = [k for k, _ in seen["headers"]]
    assert dict(seen["headers"])["host"] == target.url.split("//")[1]
    assert dict(seen["headers"])["via"] == "1.1 contract-proxy"
    assert dict(seen["headers"])["x-case"] == "Kept"
    assert not set(names) & {"connection", "x-secret-hop", "keep-alive", "te", "proxy-authorization"}
    assert names.count("host") == 1


def test_end_to_end_drops_the_fixed_list_and_what_connection_names() -> None:
    headers = [(b"Connection", b"close, X-A"), (b"x-a", b"1"), (b"Transfer-Encoding", b"chunked"), (b"Upgrade", b"h2c"),
               (b"Trailer", b"x"), (b"Proxy-Authenticate", b"Basic"), (b"X-B", b"2"), (b"close", b"kept? no")]
    assert end_to_end(headers) == [(b"X-B", b"2")]
    assert {"te", "trailer", "upgrade", "keep-alive", "transfer-encoding", "connection"} <= HOP_BY_HOP


def test_redirects_are_passed_on_never_followed(echo: tuple[ThreadedServer, Proxy]) -> None:
    _, proxy = echo
    r = httpx.get(proxy.url + "/redirect", follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"] == "http://elsewhere.invalid/x"


def test_only_origin_form_targets_are_forwarded(echo: tuple[ThreadedServer, Proxy]) -> None:
    _, proxy = echo
    host, port = proxy.url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"GET http://elsewhere.invalid/x HTTP/1.1\r\nHost: elsewhere.invalid\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400")
    assert proxy.session.judge.exchanges == 0  # nothing went anywhere


def test_request_over_the_cap_is_refused_413_and_not_forwarded(echo: tuple[ThreadedServer, Proxy]) -> None:
    _, proxy = echo
    r = httpx.post(proxy.url + "/echo", content=b"x" * 5000)
    assert r.status_code == 413
    assert proxy.session.judge.wait_for(1)
    assert proxy.session.judge.traffic()["not_judged"] == {"request_too_large": 1}
    assert httpx.post(proxy.url + "/echo", content=b"x" * 4000).status_code == 200


def test_a_response_over_the_cap_reaches_the_client_whole_and_is_not_judged(echo: tuple[ThreadedServer, Proxy]) -> None:
    _, proxy = echo
    r = httpx.get(proxy.url + "/big")
    assert len(r.content) == 40 * 65536
    assert proxy.session.judge.wait_for(1)
    assert proxy.session.judge.traffic()["not_judged"] == {"response body over the cap or not decoded": 1}


def test_a_target_that_is_down_is_a_502_and_a_transport_finding(spec) -> None:
    with Proxy(spec, [], SessionOptions(target=f"http://127.0.0.1:{free_port()}")) as proxy:
        r = httpx.post(proxy.url + "/api/v2/server-side-api/profile/", json={})
        assert proxy.session.judge.wait_for(1)
        findings = proxy.session.judge.findings()
    assert r.status_code == 502 and b"connection_refused" in r.content
    assert [(f.check, f.details.get("error")) for f in findings if f.check == "live.transport"] == \
        [("live.transport", "connection_refused")]


def _gzip_target(body: bytes) -> Any:
    data = gzip.compress(body)

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-encoding", b"gzip"),
                                (b"content-length", str(len(data)).encode())]})
        await send({"type": "http.response.body", "body": data})
    return app


def test_gzip_answers_are_judged_decoded(spec) -> None:
    """A gzip body is judged as the client reads it (decoded), not as the bytes on the wire."""
    body = json.dumps({"data": {}}).encode()  # an empty profile: breaks the schema
    plain = Judge(spec)
    plain.add(Exchange("POST", "http://t/api/v2/server-side-api/profile/", {}, b"{}", 200,
                       {"content-type": "application/json"}, body))
    expected = {f.subject for f in plain.findings() if f.check == "live.response_schema"}
    assert expected
    with ThreadedServer(_gzip_target(body), **QUIET) as target, \
            Proxy(spec, [], SessionOptions(target=target.url)) as proxy:
        httpx.post(proxy.url + "/api/v2/server-side-api/profile/", json={})
        assert proxy.session.judge.wait_for(1)
        got = {f.subject for f in proxy.session.judge.findings() if f.check == "live.response_schema"}
    assert got == expected


async def _breaks_off(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Promises 1000 bytes, sends 10, then closes the connection."""
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"1000")]})
    await send({"type": "http.response.body", "body": b'{"data": {', "more_body": True})


def test_a_target_breaking_off_mid_body_is_cut_short_for_the_client_too_and_a_finding(spec) -> None:
    with ThreadedServer(_breaks_off, **QUIET) as target, Proxy(spec, [], SessionOptions(target=target.url)) as proxy:
        try:
            httpx.post(proxy.url + "/api/v2/server-side-api/profile/", json={})
            raise AssertionError("the client got a whole answer")
        except httpx.RemoteProtocolError:
            pass  # as it would have talking to the target directly
        assert proxy.session.judge.wait_for(1)
        transport = [f for f in proxy.session.judge.findings() if f.check == "live.transport"]
    assert [f.details["error"] for f in transport] in (["connection_closed"], ["protocol_error"])
