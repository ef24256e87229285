"""Example extractors: curl (shlex), Python (ast), JavaScript (esprima), raw HTTP, JSON."""

from __future__ import annotations

import pytest

from contract.docs import read_docs_text
from contract.docs.examples import extract_requests, guess_language, parse_json, placeholders, split_url


def one(text: str, language: str, first_line: int = 1):  # type: ignore[no-untyped-def]
    result = extract_requests(text, language, first_line)
    assert result.problems == [], result.problems
    assert len(result.requests) == 1
    return result.requests[0]


# -- curl -------------------------------------------------------------------------------


def test_curl_data_implies_post_and_json_is_parsed() -> None:
    req = one("curl https://x.io/v1/a -H 'Content-Type: application/json' -d '{\"n\": 1}'", "curl")
    assert (req.method, req.url, req.body, req.has_body) == ("POST", "https://x.io/v1/a", {"n": 1}, True)


@pytest.mark.parametrize("command", [
    "curl -XPUT https://x.io/a --data='{\"a\": [1, 2]}'",
    "curl --request=PUT --url https://x.io/a --data-binary '{\"a\": [1, 2]}'",
    "$ curl -s -L -X PUT \"https://x.io/a\" \\\n  --data-raw '{\"a\": [1, 2]}'",
])
def test_curl_option_spellings(command: str) -> None:
    req = one(command, "curl")
    assert (req.method, req.url, req.body) == ("PUT", "https://x.io/a", {"a": [1, 2]})


def test_curl_get_with_query_and_json_flag() -> None:
    assert one("curl -G https://x.io/a -d q=1", "curl").method == "GET"
    req = one("curl --json '{\"x\": true}' https://x.io/a", "curl")
    assert (req.method, req.headers["Content-Type"], req.body) == ("POST", "application/json", {"x": True})


def test_curl_several_commands_keep_their_lines() -> None:
    result = extract_requests("# create\ncurl -X POST https://x.io/a\n\ncurl https://x.io/a/1\n", "curl", 10)
    assert [(r.line, r.method, r.url) for r in result.requests] == [
        (11, "POST", "https://x.io/a"), (13, "GET", "https://x.io/a/1")]


@pytest.mark.parametrize(("command", "problem"), [
    ("curl -X POST 'https://x.io/a", "cannot be tokenised"),
    ("curl -X POST", "without a URL"),
    ("curl https://x.io -H", "has no value"),
    ("curl https://x.io -H 'Content-Type: application/json' -d '{\"a\": }'", "not valid JSON"),
    ("echo hello", "no curl command"),
])
def test_curl_malformed_commands_are_problems(command: str, problem: str) -> None:
    result = extract_requests(command, "curl", 1)
    assert any(problem in p.message for p in result.problems), result.problems


# -- python -----------------------------------------------------------------------------


def test_python_request_with_fstring_and_dumps() -> None:
    code = (
        "import json, requests\nBASE = 'https://x.io'\nuid = get_id()\n"
        "body = {'a': None, 'b': [True, -1.5], **{'c': 'd'}}\n"
        "r = requests.request('DELETE', f'{BASE}/v1/users/{uid}', data=json.dumps(body),\n"
        "                     headers={'X-Key': 'k'})\n"
    )
    req = one(code, "python", first_line=20)
    assert (req.line, req.method, req.url) == (24, "DELETE", "https://x.io/v1/users/{uid}")
    assert req.body == {"a": None, "b": [True, -1.5], "c": "d"} and req.headers == {"X-Key": "k"}


def test_python_non_http_get_is_ignored_and_unknown_names_reported() -> None:
    result = extract_requests("cfg = {}\ncfg.get('x')\nrequests.post(URL, json=payload)\n", "python", 1)
    assert result.requests == []
    assert [p.message for p in result.problems] == [
        "python url cannot be read: name 'URL' is not bound to a literal"]


def test_python_syntax_error_is_a_problem_at_its_line() -> None:
    result = extract_requests("import requests\n\nprint 'hi'\n", "python", 5)
    assert result.requests == [] and result.problems[0].line == 7


# -- javascript -------------------------------------------------------------------------


def test_fetch_with_inline_options_and_top_level_await() -> None:
    code = (
        "const base = 'https://x.io';\n"
        "const res = await fetch(`${base}/v1/a`, {\n"
        "  method: 'post', // lower case\n"
        "  headers: {'Content-Type': 'application/json', Authorization: `Bearer ${token}`},\n"
        "  body: JSON.stringify({n: 1, ok: false, list: [null, -2],}),\n"
        "});\n"
    )
    req = one(code, "javascript", first_line=3)
    assert (req.line, req.method, req.url) == (4, "POST", "https://x.io/v1/a")
    assert req.headers == {"Content-Type": "application/json", "Authorization": "Bearer {token}"}
    assert req.body == {"n": 1, "ok": False, "list": [None, -2]}


def test_axios_forms() -> None:
    req = one("axios.patch('https://x.io/a', {a: 1}, {headers: {'X-K': 'v'}})", "javascript")
    assert (req.method, req.body, req.headers) == ("PATCH", {"a": 1}, {"X-K": "v"})
    req = one("axios({method: 'delete', url: 'https://x.io/a/1'})", "javascript")
    assert (req.method, req.url) == ("DELETE", "https://x.io/a/1")


def test_fetch_inside_async_function_and_try() -> None:
    code = ("async function go() {\n  try {\n    const h = new Headers({'A': 'b'});\n    h.set('C', 'd');\n"
            "    await fetch('https://x.io/a', {headers: h});\n  } catch (e) {}\n}\n")
    req = one(code, "javascript")
    assert (req.method, req.headers, req.has_body) == ("GET", {"A": "b", "C": "d"}, False)


@pytest.mark.parametrize("code", ["fetch(url, {method: 'PATCH'", "const x = a?.b;", "fetch(URL)", "let x = 1;"])
def test_javascript_malformed_or_unreadable_snippets_are_problems(code: str) -> None:
    result = extract_requests(code, "javascript", 1)
    assert result.problems


# -- raw HTTP, JSON, helpers ------------------------------------------------------------


def test_raw_http_example() -> None:
    req = one("PATCH /v1/a HTTP/1.1\nHost: x.io\nContent-Type: application/json\n\n{\"a\": 1}\n", "http")
    assert (req.method, req.url, req.headers, req.body) == (
        "PATCH", "https://x.io/v1/a", {"Content-Type": "application/json"}, {"a": 1})


def test_parse_json_strict_lenient_and_broken() -> None:
    assert parse_json('{"a": 1}', 1) == ({"a": 1}, [], True)
    value, problems, ok = parse_json('{\n  "a": 1, // one\n  b: [2,],\n}', 10)
    assert (value, ok) == ({"a": 1, "b": [2]}, True)
    assert [(p.kind, p.line) for p in problems] == [("example.not_strict_json", 11)]
    value, problems, ok = parse_json('{\n"a": \n}', 3)
    assert (value, ok, problems[0].line, problems[0].kind) == (None, False, 5, "example.parse_error")


@pytest.mark.parametrize(("lang", "label", "text", "expected"), [
    ("bash", None, "curl https://x", "curl"),
    ("bash", None, "npm install x", None),
    (None, "cURL", "curl https://x", "curl"),
    (None, "Python", "x = 1", "python"),
    ("ts", None, "fetch(x)", "javascript"),
    (None, None, "  {\"a\": 1}", "json"),
    (None, None, "import requests\nrequests.get('https://x')", "python"),
    (None, None, "await fetch('https://x')", "javascript"),
    ("yaml", None, "a: 1", "yaml"),
])
def test_guess_language(lang: str | None, label: str | None, text: str, expected: str | None) -> None:
    assert guess_language(lang, label, text) == expected


def test_split_url_and_placeholders() -> None:
    assert split_url("https://api.x.io/v1/a/?q=1&r=") == ("/v1/a/", {"q": "1", "r": ""})
    assert split_url("api.x.io/v1/a") == ("/v1/a", {})
    assert split_url("http://[::1") == (None, {})
    assert placeholders("<A_B> {{token}} <A_B> {ID} <lower>") == ["<A_B>", "{{token}}", "{ID}"]


def test_example_calling_another_endpoint_is_reported() -> None:
    text = ("## Method and endpoint\n\n```\nPOST https://x.io/v1/things\n```\n\n"
            "```bash\ncurl -X PUT https://x.io/v1/thing\n```\n")
    page = read_docs_text(text, "p.md")
    assert [(a.kind, a.line) for a in page.anomalies] == [("example.endpoint_mismatch", 8)]
    assert page.examples[0].endpoint == "POST /v1/things"


def test_page_without_declared_endpoint_takes_it_from_examples() -> None:
    page = read_docs_text("# Ping\n\n```bash\ncurl https://x.io/v1/ping\n```\n", "p.md")
    assert [(e.key, e.source, e.line) for e in page.endpoints] == [("GET /v1/ping", "example", 4)]


def test_response_example_status_code_disagreeing_with_heading() -> None:
    page = read_docs_text("## Errors\n\n### 404: Not found\n\n```json\n{\"status_code\": 401}\n```\n", "p.md")
    assert [(a.kind, a.line) for a in page.anomalies] == [("example.status_mismatch", 6)]


def test_curl_body_from_a_here_document() -> None:
    text = ("curl -u \"user:token\" \"http://localhost:9000/api/tx\" -X POST \\\n"
            "     -H 'Content-Type: application/json; charset=utf-8' \\\n"
            "     --data-binary @- << EOF\n    {\n        \"template_id\": 2,\n        \"data\": {\"order_id\": \"1234\"}\n"
            "    }\nEOF\n")
    result = extract_requests(text, "curl", 44)
    assert not result.problems
    (req,) = result.requests
    assert (req.method, req.url, req.body, req.line) == (
        "POST", "http://localhost:9000/api/tx", {"template_id": 2, "data": {"order_id": "1234"}}, 44)


def test_curl_body_from_a_file_or_an_unterminated_here_document_is_not_read() -> None:
    for text in ("curl -X POST https://x.io/a --data-binary @body.json\n",
                 "curl -X POST https://x.io/a --data-binary @- <<EOF\n{\"a\": 1}\n"):
        result = extract_requests(text, "curl", 1)
        assert [p.message for p in result.problems] == ["curl body is read from a file (@...), not shown in the docs"]
        assert result.requests[0].broken


def test_curl_whose_url_an_option_swallowed_is_broken() -> None:
    result = extract_requests("curl -u 'http://localhost:9000/api/public/subscription' -d 'email=a@b.c'\n", "curl", 7)
    assert [p.message for p in result.problems] == ["curl command without a URL"] and result.requests[0].broken
