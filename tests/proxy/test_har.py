"""HAR recording: the HAR 1.2 structure, masked secrets, and an offline re-judge equal to the live one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from contract.errors import InputError
from contract.proxy import Judge, read_har
from contract.report import build_report
from tests.sandbox.helpers import DOCS_EXAMPLE, PATH, headers, new_user


def _object(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


_STR, _NUM, _INT = {"type": "string"}, {"type": "number"}, {"type": "integer"}
_PAIRS = {"type": "array", "items": _object(["name", "value"], name=_STR, value=_STR)}
# The required fields and their types, object by object, from the HAR 1.2 spec (Jan Odvarko,
# http://www.softwareishard.com/blog/har-12-spec/; its Markdown copy ahmadnassri/har-spec versions/1.2.md,
# commit 3a6b30c7734efb2584bd76cbf41ede1b2742e4c3): log, creator, entries, request, response, cookies,
# headers, queryString, postData (mimeType, and text or params: mutually exclusive), content, cache, timings.
HAR_1_2 = _object(["log"], log=_object(
    ["version", "creator", "entries"], version={"const": "1.2"}, creator=_object(["name", "version"], name=_STR,
                                                                                  version=_STR),
    entries={"type": "array", "items": _object(
        ["startedDateTime", "time", "request", "response", "cache", "timings"],
        startedDateTime={"type": "string", "format": "date-time"}, time=_NUM,
        request=_object(["method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize",
                         "bodySize"], method=_STR, url=_STR, httpVersion=_STR, cookies=_PAIRS, headers=_PAIRS,
                        queryString=_PAIRS, headersSize=_INT, bodySize=_INT,
                        postData={**_object(["mimeType"], mimeType=_STR, text=_STR),
                                  "oneOf": [{"required": ["text"]}, {"required": ["params"]}]}),
        response=_object(["status", "statusText", "httpVersion", "cookies", "headers", "content", "redirectURL",
                          "headersSize", "bodySize"], status=_INT, statusText=_STR, httpVersion=_STR, cookies=_PAIRS,
                         headers=_PAIRS, content=_object(["size", "mimeType"], size=_INT, mimeType=_STR, text=_STR,
                                                         encoding=_STR),
                         redirectURL=_STR, headersSize=_INT, bodySize=_INT),
        cache={"type": "object"},
        timings=_object(["send", "wait", "receive"], send=_NUM, wait=_NUM, receive=_NUM))}))


def _identity(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return sorted((f["check"], f["severity"], f["operation"] or "", f["fingerprint"]) for f in report["findings"])


def _traffic(url: str, key: str) -> None:
    user = new_user()
    with httpx.Client(base_url=url, headers={"X-Api-Key": key}) as http:
        http.post(PATH, json=DOCS_EXAMPLE, headers=headers(user=user))
        http.post(PATH, json={**DOCS_EXAMPLE, "gender": "x"}, headers=headers(user=new_user()))
        http.patch(PATH, json={"first_name": "Joan"}, headers=headers(user=user))
        http.get(PATH, headers=headers(user=user))
        http.post(PATH, json=DOCS_EXAMPLE, headers=headers(key=None, user=user))
        http.get("/nothing-here?token=" + key)
        http.post(PATH, content=b"\xff\xfe not text", headers={**headers(user=user), "content-type": "application/json"})


def test_a_recorded_session_is_har_1_2_and_rejudged_offline_gives_the_same_findings(proxied, pages, spec,
                                                                                   tmp_path: Path) -> None:
    har = tmp_path / "traffic.har"
    secret = "plant-har-0123456789"
    _, proxy = proxied("drop-field", record=har, secrets=[secret])
    _traffic(proxy.url, secret)
    assert proxy.session.judge.wait_for(7)
    live = build_report(proxy.session.judge.findings(), command="proxy")
    proxy.stop()  # writes the HAR

    document = json.loads(har.read_text(encoding="utf-8"))
    Draft202012Validator(HAR_1_2, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(document)
    entries = document["log"]["entries"]
    assert len(entries) == 7 and [e["startedDateTime"] for e in entries] == sorted(e["startedDateTime"] for e in entries)
    assert secret not in har.read_text(encoding="utf-8")
    assert {h["value"] for e in entries for h in e["request"]["headers"] if h["name"] == "x-api-key"} == {"***"}
    assert any(e["request"].get("postData", {}).get("_encoding") == "base64" for e in entries)

    judge = Judge(spec, pages)
    judge.add_all(read_har(har))
    offline = build_report(judge.findings(), command="judge")
    assert _identity(offline) == _identity(live)
    assert {"live.response_schema", "traffic.request_invalid"} <= {f["check"] for f in live["findings"]}
    assert judge.reach() == proxy.session.judge.reach()


def test_a_file_that_is_not_har_is_a_one_line_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.har"
    bad.write_text('{"log": {}}', encoding="utf-8")
    with pytest.raises(InputError, match=r"no log\.entries array"):
        read_har(bad)
    bad.write_text("not json", encoding="utf-8")
    with pytest.raises(InputError, match="not a HAR file"):
        read_har(bad)
    with pytest.raises(InputError, match="HAR file not found"):
        read_har(tmp_path / "missing.har")


def test_a_browser_style_entry_reads_as_the_judge_needs_it(tmp_path: Path) -> None:
    """What browsers write and the proxy does not: header names in any case, HTTP/2 pseudo-headers, a
    response never received (status 0), no content text, a base64 body."""
    entry = {"startedDateTime": "2024-01-01T10:00:00.000Z", "time": 12.5, "cache": {},
             "timings": {"send": 0, "wait": 12.5, "receive": 0},
             "request": {"method": "post", "url": "https://api.example/v1/x?a=1", "httpVersion": "HTTP/2",
                         "cookies": [], "queryString": [], "headersSize": -1, "bodySize": 2,
                         "headers": [{"name": ":authority", "value": "api.example"},
                                     {"name": "Content-Type", "value": "application/json"},
                                     {"name": "X-Multi", "value": "a"}, {"name": "x-multi", "value": "b"}],
                         "postData": {"mimeType": "application/json", "text": "{}"}},
             "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/2", "cookies": [],
                          "headers": [{"name": "Content-Type", "value": "image/png"}], "redirectURL": "",
                          "headersSize": -1, "bodySize": -1,
                          "content": {"size": 3, "mimeType": "image/png", "text": "iVBO", "encoding": "base64"}}}
    failed = {**entry, "response": {**entry["response"], "status": 0, "content": {"size": 0, "mimeType": ""}}}
    path = tmp_path / "browser.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "creator": {"name": "Firefox", "version": "126"},
                                        "entries": [entry, failed]}}), encoding="utf-8")
    ok, lost = read_har(path)
    assert ok.method == "POST" and ok.request_headers == {"content-type": "application/json", "x-multi": "a, b"}
    assert ok.request_body == b"{}" and ok.status == 200 and ok.response_body == b"\x89PN"
    assert ok.elapsed == 0.0125
    assert lost.status is None and lost.response_body == b""
