"""Traffic through the proxy in front of the sandbox, judged: faults found, a clean target clean, the client's
own mistakes said as the client's, coverage from what the traffic exercised."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import httpx

from contract.model import Severity
from contract.proxy import Proxy
from contract.sandbox import DEFAULT_KEYS, Sandbox
from tests.conftest import ROOT
from tests.sandbox.helpers import DOCS_EXAMPLE, PATH, headers, new_user

CONSUMER = ROOT / "examples" / "consumer"
KEY = next(iter(DEFAULT_KEYS))
Start = Callable[..., tuple[Sandbox, Proxy]]


def _consumer(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """The example consumer project's own tests (the pytest plugin), pointed at `url`."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(CONSUMER), "-p", "no:cacheprovider", "-q", "-rN",
         "--contract-base-url", url, "--contract-header", f"Authorization: Api-Key {KEY}", *extra],
        capture_output=True, text=True, timeout=300, cwd=CONSUMER)


def _passed(output: str) -> int:
    found = re.search(r"(\d+) passed", output)
    return int(found.group(1)) if found else 0


def _errors(proxy: Proxy) -> list[str]:
    return [f"{f.check}: {f.message}" for f in proxy.session.judge.findings() if f.severity == Severity.ERROR]


def _settle(proxy: Proxy, count: int) -> None:
    assert proxy.session.judge.wait_for(count), f"judged {proxy.session.judge.exchanges} of {count}"


def test_the_consumer_suite_through_the_proxy_finds_nothing_on_a_clean_sandbox(proxied: Start) -> None:
    _, proxy = proxied()
    result = _consumer(proxy.url)
    assert result.returncode == 0, result.stdout[-3000:]
    judge = proxy.session.judge
    assert _passed(result.stdout) >= 15 and judge.exchanges >= 15  # the traffic went through the proxy
    _settle(proxy, judge.exchanges)
    assert _errors(proxy) == []
    assert judge.reach()["POST /api/v2/server-side-api/profile/"]["reached"]


def test_the_consumer_suite_through_the_proxy_finds_the_dropped_field(proxied: Start) -> None:
    _, proxy = proxied("drop-field")
    result = _consumer(proxy.url, "-k", "as_documented or accepted_profiles")
    assert result.returncode == 1  # the consumer's own assertions fail too
    errors = _errors(proxy)
    assert any(e.startswith("live.response_schema") and '"segment_hash" is a required property' in e
               for e in errors), errors
    assert all(e.startswith("live.response_schema") for e in errors), errors


def test_a_wrong_content_type_is_found(proxied: Start) -> None:
    _, proxy = proxied("wrong-content-type")
    user = new_user()
    with httpx.Client(base_url=proxy.url) as client:
        assert client.post(PATH, json=DOCS_EXAMPLE, headers=headers(user=user)).status_code == 200
        assert client.patch(PATH, json={"first_name": "Joan"}, headers=headers(user=user)).status_code == 200
    _settle(proxy, 2)
    found = {(f.check, f.operation) for f in proxy.session.judge.findings() if f.severity == Severity.ERROR}
    assert found == {("live.content_type", "POST /api/v2/server-side-api/profile/"),
                     ("live.content_type", "PATCH /api/v2/server-side-api/profile/")}  # PATCH: only a docs page has it


class _Recording:
    """Wraps the target app: what it sent, per request (status, raw headers, body), to compare with what the
    client behind the proxy received."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.sent: dict[str, tuple[int, list[tuple[bytes, bytes]], bytes]] = {}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tag = dict(scope["headers"]).get(b"x-tag", b"").decode()
        answer: dict[str, Any] = {"body": b""}

        async def record(message: Any) -> None:
            if message["type"] == "http.response.start":
                answer["status"], answer["headers"] = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                answer["body"] += message.get("body", b"")
            await send(message)

        await self.app(scope, receive, record)
        self.sent[tag] = (answer["status"], answer["headers"], answer["body"])

    def close(self) -> None:
        self.app.close()


def test_the_client_sees_what_the_sandbox_sent_byte_for_byte(spec, tmp_path) -> None:
    from contract.proxy import SessionOptions
    from contract.sandbox import create_app
    from contract.sandbox.server import ThreadedServer
    from tests.proxy.conftest import QUIET

    target = _Recording(create_app(tmp_path / "db.sqlite", DEFAULT_KEYS, {"drop-field"}))
    try:
        with ThreadedServer(target, **QUIET) as server, \
                Proxy(spec, [], SessionOptions(target=server.url)) as proxy, httpx.Client(base_url=proxy.url) as http:
            user = new_user()
            answers = {
                "create": http.post(PATH, json=DOCS_EXAMPLE, headers={**headers(user=user), "x-tag": "create"}),
                "read": http.get(PATH, headers={**headers(user=user), "x-tag": "read"}),
                "refused": http.post(PATH, json={"birthday": None}, headers={**headers(user=user), "x-tag": "refused"}),
                "no key": http.get(PATH, headers={"x-tag": "no key"}),
                "delete": http.delete(PATH, headers={**headers(user=user), "x-tag": "delete"}),
            }
    finally:
        target.close()
    for tag, response in answers.items():
        status, sent_headers, body = target.sent[tag]
        assert response.status_code == status, tag
        assert response.content == body, tag
        got = [(k.lower(), v) for k, v in response.headers.raw]
        want = [(k.lower(), v) for k, v in sent_headers if k.lower() not in (b"connection", b"keep-alive")]
        assert [h for h in got if h[0] not in (b"content-length", b"transfer-encoding")] == \
            [h for h in want if h[0] not in (b"content-length", b"transfer-encoding")], tag
    assert {r.status_code for r in answers.values()} >= {200, 400, 401}


def test_a_request_breaking_the_spec_is_the_clients_finding_graded_by_what_the_target_did(proxied: Start) -> None:
    _, strict = proxied()
    _, lenient = proxied("accept-invalid")
    bad = {**DOCS_EXAMPLE, "gender": "x"}  # not in the spec's enum
    for proxy in (strict, lenient):
        status = httpx.post(proxy.url + PATH, json=bad, headers=headers(user=new_user())).status_code
        assert status == (400 if proxy is strict else 200)
        _settle(proxy, 1)
    def invalid(proxy: Proxy) -> list[tuple[str, str | None]]:
        return [(str(f.severity), f.subject) for f in proxy.session.judge.findings()
                if f.check == "traffic.request_invalid"]
    assert invalid(strict) == [("info", "body /gender enum")]  # refused: a negative test, or a bug caught
    assert invalid(lenient) == [("error", "body /gender enum")]  # accepted: the client relies on leniency


def test_head_is_judged_as_get_and_options_is_never_a_finding(tmp_path, pages) -> None:
    """HEAD without a HEAD operation is its GET (RFC 9110 §9.3.2); the seed spec has no GET, so one is added."""
    import yaml

    from contract.load import load_spec
    from contract.proxy import SessionOptions
    from tests.conftest import SEED_SPEC

    data = yaml.safe_load(SEED_SPEC.read_text(encoding="utf-8"))
    post = data["paths"][PATH]["post"]
    data["paths"][PATH]["get"] = {"operationId": "getProfile", "parameters": post.get("parameters", []),
                                  "responses": post["responses"]}
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    spec = load_spec(tmp_path / "spec.yaml")
    with Sandbox() as box, Proxy(spec, pages, SessionOptions(target=box.url)) as proxy:
        user = new_user()
        httpx.post(proxy.url + PATH, json=DOCS_EXAMPLE, headers=headers(user=user))
        assert httpx.head(proxy.url + PATH, headers=headers(user=user)).status_code == 200
        httpx.options(proxy.url + PATH)
        httpx.get(proxy.url + "/api/v2/server-side-api/nothing-here/", headers=headers())
        _settle(proxy, 4)
        judge = proxy.session.judge
    assert judge.reach()[f"GET {PATH}"]["statuses"] == {"200": 1}
    assert not [f for f in judge.findings() if f.check == "traffic.undocumented_operation"]
    unmatched = {(u["method"], u["path"]) for u in judge.traffic()["unmatched"]}
    assert unmatched == {("OPTIONS", PATH), ("GET", "/api/v2/server-side-api/nothing-here/")}


def test_an_operation_the_spec_lacks_but_the_target_serves_is_one_finding_listing_its_places(proxied: Start) -> None:
    _, proxy = proxied(docs=False)  # without the docs pages, GET and DELETE on the profile are in no document
    user = new_user()
    httpx.post(proxy.url + PATH, json=DOCS_EXAMPLE, headers=headers(user=user))
    httpx.get(proxy.url + PATH, headers=headers(user=user))
    httpx.get(proxy.url + PATH + "?x=1", headers=headers(user=user))
    httpx.delete(proxy.url + PATH, headers=headers(user=user))
    _settle(proxy, 4)
    from contract.report import build_report

    report = build_report(proxy.session.judge.findings(), command="proxy")
    served = [f for f in report["findings"] if f["check"] == "traffic.undocumented_operation"]
    assert len(served) == 1
    places = {p["message"].split(":")[0] for p in served[0]["details"]["places"]}
    assert places == {f"GET {PATH}", f"DELETE {PATH}"}


def test_coverage_says_which_operations_and_statuses_the_traffic_never_exercised(proxied: Start) -> None:
    _, proxy = proxied()
    user = new_user()
    httpx.post(proxy.url + PATH, json=DOCS_EXAMPLE, headers=headers(user=user))
    httpx.post(proxy.url + PATH, json=DOCS_EXAMPLE, headers=headers(key=None, user=user))
    _settle(proxy, 2)
    reach = proxy.session.judge.reach()
    create = reach["POST /api/v2/server-side-api/profile/"]
    assert create["statuses"] == {"200": 1, "401": 1} and create["reached"]
    documented = set(proxy.session.judge.validators.response(
        proxy.session.judge.spec.operation("POST /api/v2/server-side-api/profile/")).responses)
    unseen = documented - {"200", "401"}
    assert (create["hint"] or "") == (f"documented, never seen: {', '.join(sorted(unseen))}" if unseen else "")
    never = [k for k, e in reach.items() if not e["statuses"]]
    assert never and all(reach[k]["why"] == "no request of the traffic" and not reach[k]["reached"] for k in never)
    traffic = proxy.session.judge.traffic()
    assert traffic["operations"] == {"exercised": 1, "total": len(reach)}
