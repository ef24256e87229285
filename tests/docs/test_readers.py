"""Format detection, the three readers on small synthetic pages, and unusable input."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract.docs import detect_format, read_docs, read_docs_text
from contract.docs.blocks import Code, Heading, Paragraph, Table
from contract.docs.readers import read_document
from contract.errors import InputError

HTML_PAGE = """<!DOCTYPE html>
<html><head><title>Delete user</title></head>
<body>
<h1>Delete user</h1>
<p>Removes a user for good.</p>
<h2>Method and endpoint</h2>
<p><code>DELETE https://api.example.com/v1/users/{id}</code></p>
<h2>Parameters</h2>
<table>
  <thead><tr><th>Name</th><th>Type</th><th>Required</th><th>Description</th></tr></thead>
  <tbody>
    <tr><td><code>id</code></td><td>UUID</td><td>&#x2705;</td><td>The user. No more than 36 characters.</td></tr>
    <tr><td>reason</td><td>String</td><td>&#x274C;</td><td>Why. Possible values are: `spam`, `other`.</td></tr>
  </tbody>
</table>
<h2>Example request</h2>
<pre><code class="language-bash">curl -X DELETE 'https://api.example.com/v1/users/42' \\
  -H 'Authorization: Bearer &lt;TOKEN&gt;'
</code></pre>
<div class="admonition note"><p>Either <code>id</code> or <code>email</code> is required.</p></div>
<h2>Errors</h2>
<h3>404: Not found</h3>
<pre><code class="language-json">{"error": "not_found"}</code></pre>
</body></html>
"""

GFM_PAGE = """# Things

## POST /v1/things

### Request body

| Field | Type | Required | Description |
| --- | --- | --- | --- |
| `name` | string | yes | Display name. No more than 40 characters. |
| `tags` | array of strings | no | Labels. |
| `score` | float | | Ranking score. |

### Response: 201 Created

```json
{"id": "t_1", "name": "x"}
```

## GET /v1/things/{id}

### Responses

| Name | Type | Description |
|------|------|-------------|
| id | string | The id. |
"""


@pytest.mark.parametrize(("text", "file", "expected"), [
    ("# Title\n", "page.md", "markdown"),
    ("anything", "page.mdx", "mdx"),
    ("<p>x</p>", "page.html", "html"),
    ("<!doctype html><p>x</p>", "page.txt", "html"),
    ("<!-- saved --> <html><body></body></html>", "page", "html"),
    ("---\ntitle: x\n---\nText\n", "page.txt", "markdown"),
    ("import X from './x.md';\n\n<X />\n", "page.txt", "mdx"),
    ("Title\nSome text.\nParameter | Type |\n---|---|\n", "page.txt", "text"),
])
def test_detect_format(text: str, file: str, expected: str) -> None:
    assert detect_format(text, file) == expected


def test_html_page() -> None:
    page = read_docs_text(HTML_PAGE, "page.html")
    assert (page.format, page.title, page.description) == ("html", "Delete user", "Removes a user for good.")
    assert [(e.key, e.line) for e in page.endpoints] == [("DELETE /v1/users/{id}", 7)]
    assert [(f.name, f.json_type, f.format, f.required, f.line) for f in page.fields] == [
        ("id", "string", "uuid", True, 12), ("reason", "string", None, False, 13)]
    assert [(c.keyword, c.value) for c in page.fields[1].constraints] == [("enum", ["spam", "other"])]
    curl = page.examples[0]
    assert (curl.language, curl.method, curl.path, curl.line, curl.endpoint) == (
        "curl", "DELETE", "/v1/users/42", 17, "DELETE /v1/users/{id}")
    assert curl.headers == {"Authorization": "Bearer <TOKEN>"} and curl.placeholders == ["<TOKEN>"]
    assert [(s.code, s.line) for s in page.statuses] == [(404, 22)]
    assert page.statuses[0].examples[0].body == {"error": "not_found"}
    assert [(c.line, c.constraint.value) for c in page.constraints if c.field is None] == [(20, ("id", "email"))]
    assert page.anomalies == []


def test_markdown_page_with_several_endpoints() -> None:
    page = read_docs_text(GFM_PAGE, "things.md")
    assert [e.key for e in page.endpoints] == ["POST /v1/things", "GET /v1/things/{id}"]
    assert [(f.name, f.type, f.json_type, f.required, f.table, f.endpoint, f.line) for f in page.fields] == [
        ("name", "string", "string", True, "request", "POST /v1/things", 9),
        ("tags", "array of strings", "array", False, "request", "POST /v1/things", 10),
        ("score", "float", "number", None, "request", "POST /v1/things", 11),
        ("id", "string", "string", None, "response", "GET /v1/things/{id}", 25),
    ]
    assert [(s.code, s.endpoint, s.inferred) for s in page.statuses] == [
        (201, "POST /v1/things", False), (200, "GET /v1/things/{id}", True)]
    assert page.examples[0].status == 201 and page.examples[0].endpoint == "POST /v1/things"


def test_markdown_tabs_label_code_and_jsx_comments_are_ignored() -> None:
    text = (
        "import Tabs from '@theme/Tabs';\nimport TabItem from '@theme/TabItem';\n\n"
        "## Example request\n\n<Tabs>\n<TabItem value=\"sh\" label=\"cURL\">\n\n"
        "```\ncurl https://x.io/v1/a\n```\n\n</TabItem>\n</Tabs>\n\n"
        "{/* <Hidden /> */}\n\n{/*\n| a | b |\n|---|---|\n| c | d |\n*/}\n"
    )
    doc = read_document(text, "page.mdx")
    codes = [b for b in doc.blocks if isinstance(b, Code)]
    assert [(c.label, c.line, c.lang) for c in codes] == [("cURL", 10, None)]
    assert not [b for b in doc.blocks if isinstance(b, Table)]
    page = read_docs_text(text, "page.mdx")
    assert page.includes == []
    assert [(e.language, e.method, e.path) for e in page.examples] == [("curl", "GET", "/v1/a")]


def test_jsx_comment_inside_code_is_kept() -> None:
    doc = read_document("```js\nconst x = {/* keep */};\n```\n{/* drop */}\n", "p.mdx")
    assert [b.text for b in doc.blocks if isinstance(b, Code)] == ["const x = {/* keep */};"]
    assert not [b for b in doc.blocks if isinstance(b, Paragraph)]


def test_rendered_text_headings_and_runons() -> None:
    text = ("Get user\nReturns one user.\nMethod and endpoint\nGET https://api.x.io/v1/users/{id}\n"
            "Parameters\nuser_id\nor email\nmust be set up as a header.\nParameter | Type | Required |\n"
            "---|---|---|\nuser_id | String | yes |\nSee also:\n")
    doc = read_document(text, "get.txt")
    headings = [(b.line, b.level, b.text) for b in doc.blocks if isinstance(b, Heading)]
    assert headings == [(1, 1, "Get user"), (3, 2, "Method and endpoint"), (5, 2, "Parameters"), (12, 2, "See also")]
    paragraphs = [(b.line, b.text) for b in doc.blocks if isinstance(b, Paragraph)]
    assert paragraphs == [(2, "Returns one user."), (4, "GET https://api.x.io/v1/users/{id}"),
                          (6, "user_id or email must be set up as a header.")]
    page = read_docs_text(text, "get.txt")
    assert [c.constraint.value for c in page.constraints] == [("user_id", "email")]


def test_rendered_text_ragged_and_shifted_rows() -> None:
    text = ("Thing\nParameters\nParameter | Type | Required | Description |\n---|---|---|---|\n"
            "a | String | ✓ | First. |\nb | Integer |\n|\nString | ✗ | Lost its name. | |\n"
            "c | Widget | ✓ | Unknown type. |\nExample request\n{\n\"a\": \"x\",\n\"b\": 1,\n\"z\": \"y\",\n\"c\": 2\n}\n")
    page = read_docs_text(text, "t.txt")
    assert [(f.name, f.type, f.required, f.repaired, f.line) for f in page.fields] == [
        ("a", "String", True, False, 5), ("b", "Integer", None, False, 6), ("z", "String", False, True, 8),
        ("c", "Widget", True, False, 9)]
    kinds = [(a.kind, a.line) for a in page.anomalies]
    assert ("table.ragged_row", 6) in kinds and ("table.shifted_row", 8) in kinds
    assert ("table.unknown_type", 9) in kinds


def test_shifted_row_without_a_matching_example_is_dropped_but_reported() -> None:
    text = "T\nParameters\nParameter | Type | Required |\n---|---|---|\nString | yes | |\n"
    page = read_docs_text(text, "t.txt")
    assert page.fields == []
    assert [(a.kind, a.line) for a in page.anomalies] == [("table.shifted_row", 5)]


def test_malformed_unfenced_json_is_an_anomaly() -> None:
    text = "T\nExample request\n{\n\"a\": 1,\n\"b\": \n}\nSuccessful response\n"
    page = read_docs_text(text, "t.txt")
    assert [(e.kind, e.ok, e.line) for e in page.examples] == [("request", False, 3)]
    assert [(a.kind, a.line) for a in page.anomalies] == [("example.parse_error", 6)]


@pytest.mark.parametrize(("content", "problem"), [
    (b"", "empty"),
    (b"   \n\t\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    (b"caf\xe9 au lait", "UTF-8"),
])
def test_unusable_files_raise_one_line_input_error(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "page.md"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_docs(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path)) and problem in message


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_docs(tmp_path / "nope.md")
    with pytest.raises(InputError, match="not a file"):
        read_docs(tmp_path)
    page = tmp_path / "p.md"
    page.write_text("# T\n", encoding="utf-8")
    with pytest.raises(InputError, match="components folder not found"):
        read_docs(page, components_dir=tmp_path / "missing")
    with pytest.raises(InputError, match="unknown docs format"):
        read_docs_text("# T", "p", format="pdf")  # type: ignore[arg-type]


def test_tab_labels_end_with_their_tabs_and_caps_placeholders_are_not_components() -> None:
    text = ("<Tabs>\n<TabItem label=\"cURL\">\n\n```\ncurl https://x.io/a\n```\n\n</TabItem>\n</Tabs>\n\n"
            "```\ncurl https://x.io/b\n```\n\nSend <TOKEN> here.\n\n<TOKEN>\n")
    doc = read_document(text, "p.mdx")
    assert [b.label for b in doc.blocks if isinstance(b, Code)] == ["cURL", None]
    assert read_docs_text(text, "p.mdx").includes == []
