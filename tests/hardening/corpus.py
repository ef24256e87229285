"""Hostile specs and docs pages, generated on demand into a folder.

The inputs are generated rather than committed because several are large
(10 MB, 100k operations) or binary; each is a :class:`Hostile` that knows how to
write itself, which command reads it, and what a correct outcome looks like. The
tests (`test_hostile_inputs.py`) and the bench (`bench/hostile.py`) share this list.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[2]
SEED_SPEC = ROOT / "specs" / "adapty-api.yaml"
SEED_RENDERED = ROOT / "specs" / "003_adc150077d28c6e1.txt"
SEED_MDX = ROOT / "specs" / "000_f29c871810a0beae.txt"
INPUTS = Path(__file__).resolve().parent / "inputs"

Outcome = Literal["error", "findings", "either"]

HEAD = "openapi: 3.0.3\ninfo: {title: hostile, version: '1'}\n"


@dataclass(frozen=True)
class Hostile:
    """One hostile input: what to write, which command reads it, what must come out.

    `expect` is "error" (exit 2 with one line naming the file and containing
    `needle`), "findings" (exit 0 or 1) or "either" (any of those, still one
    line and never a traceback). `kind` says whether it is a spec (`lint SPEC`)
    or a docs page (`drift --spec SEED --docs PAGE`).
    """

    name: str
    kind: Literal["spec", "docs"]
    filename: str
    content: Callable[[], bytes]
    expect: Outcome
    needle: str = ""
    extra: dict[str, bytes] = field(default_factory=dict)  # sibling files ($ref targets, components)
    subdir: str = ""  # write the input this deep, so `../` refs have somewhere to point
    big: bool = False  # large input: exercised through the CLI (memory/time), not re-parsed in-process

    def write(self, folder: Path) -> Path:
        """Write the input (and its extra files) under `folder/name/`; return the input's path."""
        base = folder / self.name / self.subdir
        base.mkdir(parents=True, exist_ok=True)
        for rel, data in self.extra.items():
            target = base / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        path = base / self.filename
        path.write_bytes(self.content())
        return path


def _b(text: str) -> Callable[[], bytes]:
    return lambda: text.encode()


def _op_spec(body: str) -> str:
    return HEAD + "paths:\n  /a:\n    get:\n      responses:\n        '200':\n" + body


def _ref_spec(ref: str) -> Callable[[], bytes]:
    return _b(_op_spec(f"          $ref: '{ref}'\n"))


def _truncated(fraction: float) -> Callable[[], bytes]:
    def build() -> bytes:
        data = SEED_SPEC.read_bytes()
        return data[: int(len(data) * fraction)]
    return build


def _deep_items(levels: int) -> Callable[[], bytes]:
    """`items` nested `levels` deep, in flow style so the file stays small."""
    def build() -> bytes:
        schema = "{type: array, items: " * levels + "{type: string}" + "}" * levels
        return _op_spec("          description: ok\n          content:\n            application/json:\n"
                        f"              schema: {schema}\n").encode()
    return build


def _deep_json(levels: int) -> Callable[[], bytes]:
    def build() -> bytes:
        schema = '{"type": "array", "items": ' * levels + '{"type": "string"}' + "}" * levels
        return ('{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": '
                '{"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": '
                + schema + "}}}}}}}}").encode()
    return build


def _bomb_deep_anchors() -> bytes:
    """30 anchor levels, each aliasing the previous one twice: 2**30 nodes once expanded."""
    lines = [HEAD.rstrip("\n"), "x-a0: &a0 [lol]"]
    lines += [f"x-a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 31)]
    lines.append("paths: {/a: {get: {responses: {'200': {description: *a30}}}}}")
    return ("\n".join(lines) + "\n").encode()


def _merge_key_bomb() -> bytes:
    """Merge keys (`<<: *x`) at every level: the bomb hides in mappings, not sequences."""
    lines = [HEAD.rstrip("\n"), "x-m0: &m0 {a: 1, b: 2}"]
    lines += [f"x-m{i}: &m{i} {{l: *m{i - 1}, r: *m{i - 1}}}" for i in range(1, 31)]
    lines.append("paths: {/a: {get: {responses: {'200': {description: ok}}, x-big: *m30}}}")
    return ("\n".join(lines) + "\n").encode()


def _big_single_line_json() -> bytes:
    """A ~10 MB JSON spec on one line: 2,000 operations with 5 kB descriptions."""
    paths = {f"/p{i}": {"get": {"description": "word " * 1000, "responses": {"200": {"description": "ok"}}}}
             for i in range(2_000)}
    return json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths},
                      separators=(",", ":")).encode()


def _many_operations(n: int) -> Callable[[], bytes]:
    def build() -> bytes:
        paths = {f"/r{i // 4}/{{id}}": {} for i in range(n)}
        for i in range(n):
            item = paths[f"/r{i // 4}/{{id}}"]
            item[("get", "put", "post", "delete")[i % 4]] = {
                "operationId": f"op{i}",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}},
            }
        return json.dumps({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}).encode()
    return build


def _binary_garbage() -> bytes:
    # Deterministic noise without NUL bytes in the first block, so the decoder (not the NUL check) must cope.
    return bytes(((i * 7919) % 254) + 1 for i in range(64 * 1024))


def _docs_table_rows(n: int) -> Callable[[], bytes]:
    def build() -> bytes:
        rows = "\n".join(f"| field_{i} | String | ➕ | ➖ | Field number {i}. |" for i in range(n))
        return ("# Create profile\n\n## Method and endpoint\n\n```\nPOST https://api.adapty.io/api/v2/"
                "server-side-api/profile/\n```\n\n## Parameters\n\n| Parameter | Type | Required | Nullable "
                "| Description |\n|---|---|---|---|---|\n" + rows + "\n").encode()
    return build


def _docs_curl_unbalanced_tail(n: int) -> Callable[[], bytes]:
    """A rendered page whose curl command opens a quote and never closes it, then `n` more lines."""
    def build() -> bytes:
        tail = "\n".join(f"line {i} of text after the command" for i in range(n))
        return ("Create profile\nMethod and endpoint\nPOST https://api.adapty.io/api/v2/server-side-api/profile/\n"
                "Example request\ncurl -X POST 'https://api.adapty.io/api/v2/server-side-api/profile/ \\\n"
                "  -H 'Authorization: Api-Key x'\n" + tail + "\n").encode()
    return build


def _docs_many_open_braces(n: int) -> Callable[[], bytes]:
    """A rendered page with `n` lone `{` lines that never form JSON."""
    def build() -> bytes:
        body = "\n".join("{\nNot json at all, just prose after a brace." for _ in range(n))
        return ("Create profile\nMethod and endpoint\nPOST https://api.adapty.io/api/v2/server-side-api/profile/\n"
                "Example request\n" + body + "\n").encode()
    return build


def _docs_many_jsx_comments(n: int) -> Callable[[], bytes]:
    def build() -> bytes:
        body = "\n".join(f"Paragraph {i} {{/* hidden note {i} */}} continues." for i in range(n))
        return ("---\ntitle: t\n---\n\nimport Tabs from '@theme/Tabs';\n\n# Page\n\n" + body + "\n").encode()
    return build


def _embedded_bomb() -> bytes:
    """A docs page embedding an OpenAPI block whose anchors expand exponentially."""
    lines = ["x-a0: &a0 {type: string}"]
    lines += [f"x-a{i}: &a{i} {{l: *a{i - 1}, r: *a{i - 1}}}" for i in range(1, 31)]
    spec = "\n".join(["openapi: 3.0.3", "info: {title: t, version: '1'}", *lines,
                      "paths: {/a: {get: {responses: {'200': {description: ok, x-b: *a30}}}}}"])
    return ("# Page\n\n## Method and endpoint\n\n```\nGET https://api.example.com/a\n```\n\n"
            "```yaml\n" + spec + "\n```\n").encode()


def _embedded_deep() -> bytes:
    schema = "{type: array, items: " * 300 + "{type: string}" + "}" * 300
    spec = ("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n"
            "        '200':\n          description: ok\n          content:\n            application/json:\n"
            f"              schema: {schema}\n")
    return ("# Page\n\n```yaml\n" + spec + "```\n").encode()


def _html_script_entities() -> bytes:
    return (
        b"<!doctype html><html><head><title>Create &amp; update</title>"
        b"<script>document.write('<table><tr><td>fake</td></tr></table>'); var x = '</p>&lt;';</script>"
        b"<style>td { color: red }</style></head><body>"
        b"<h1>Create profile &mdash; &#x1F600; &bogus; &#99999999;</h1>"
        b"<h2>Method and endpoint</h2><pre><code>POST https://api.adapty.io/api/v2/server-side-api/profile/"
        b"</code></pre><h2>Parameters</h2><table><tr><th>Parameter</th><th>Type</th><th>Description</th></tr>"
        b"<tr><td>first_name</td><td>String</td><td>&lt;script&gt;alert(1)&lt;/script&gt; &amp;&amp; &quot;"
        b"</td></tr></table><script>for(;;){}</script><p>unterminated <b>bold <i>italic"
    )


def _html_nested_tables(depth: int) -> Callable[[], bytes]:
    def build() -> bytes:
        inner = "<table><tr><th>Parameter</th><th>Type</th></tr><tr><td>x</td><td>"
        return ("<!doctype html><html><body><h1>Nested</h1><h2>Parameters</h2>" + inner * depth + "String"
                + "</td></tr></table>" * depth + "</body></html>").encode()
    return build


def _mdx(body: str) -> Callable[[], bytes]:
    return _b("---\ntitle: hostile\n---\n\nimport Tabs from '@theme/Tabs';\nimport TabItem from "
              "'@theme/TabItem';\n\n# Update profile\n\n## Method and endpoint\n\n```\nPATCH https://api.adapty.io"
              "/api/v2/server-side-api/profile/\n```\n\n" + body)


def _deep_json_example() -> bytes:
    return ("# Page\n\n## Example request\n\n```json\n" + "[" * 100_000 + "]" * 100_000 + "\n```\n").encode()


def _deep_python_example() -> bytes:
    return ("# Page\n\n```python\nimport requests\npayload = " + "[" * 5_000 + "]" * 5_000
            + "\nrequests.post('https://x.io/a', json=payload)\n```\n").encode()


def _deep_js_example() -> bytes:
    return ("# Page\n\n```javascript\nconst body = " + "[" * 5_000 + "]" * 5_000
            + ";\nfetch('https://x.io/a', {method: 'POST', body: JSON.stringify(body)});\n```\n").encode()


def _seed_docs_utf16() -> bytes:
    return SEED_RENDERED.read_text(encoding="utf-8").encode("utf-16")


def _docs_mixed_encoding() -> bytes:
    return SEED_RENDERED.read_bytes()[:400] + "caf\xe9 cr\xe8me".encode("latin-1") + b"\nmore\n"


HOSTILE: list[Hostile] = [
    # -- specs: broken syntax and encoding ------------------------------------------------------
    Hostile("truncated-10pct", "spec", "t.yaml", _truncated(0.10), "either"),
    Hostile("truncated-half", "spec", "t.yaml", _truncated(0.50), "either"),
    Hostile("truncated-mid-token", "spec", "t.yaml", _truncated(0.777), "either"),
    Hostile("truncated-json", "spec", "t.json", lambda: _many_operations(10)()[:-37], "error", "invalid JSON"),
    Hostile("binary-garbage", "spec", "g.yaml", _binary_garbage, "error", "not valid UTF-8"),
    Hostile("nul-bytes", "spec", "n.yaml", lambda: (HEAD + "paths: {}\n").encode().replace(b"info", b"in\x00fo"),
            "error", "binary file"),
    Hostile("nul-late", "spec", "n.yaml",
            lambda: (HEAD + "x-pad: '" + "p" * 10_000 + "'\npaths: {/a: {get: {responses: {'200': "
                     "{description: \"a\x00b\"}}}}}\n").encode(), "either"),
    Hostile("utf16-bom", "spec", "u.yaml", lambda: SEED_SPEC.read_text(encoding="utf-8").encode("utf-16"),
            "either"),
    Hostile("latin1-in-utf8", "spec", "l.yaml",
            lambda: (HEAD + "paths: {/caf\u00e9: {get: {responses: {'200': {description: ok}}}}}\n").encode()
            + "x-note: cr\xe8me\n".encode("latin-1"), "error", "not valid UTF-8"),
    Hostile("tabs-in-yaml", "spec", "tabs.yaml",
            _b(HEAD + "paths:\n\t/a:\n\t\tget:\n\t\t\tresponses: {}\n"), "error", "invalid YAML"),
    Hostile("duplicate-keys", "spec", "dup.yaml",
            _b(HEAD + "paths:\n  /a:\n    get:\n      responses: {'200': {description: a}}\n"
               "  /a:\n    post:\n      responses: {'200': {description: b}}\n"), "either"),
    Hostile("non-string-keys", "spec", "keys.yaml",
            _b(HEAD + "paths:\n  1: {get: {responses: {200: {description: ok}}}}\n  ? [a, b]\n  : {}\n"
               "  null: {get: {responses: {true: {description: x}}}}\n  2024-01-01: {}\n"), "either"),
    # -- specs: wrong shapes --------------------------------------------------------------------
    Hostile("paths-as-list", "spec", "pl.yaml", _b(HEAD + "paths:\n  - /a\n  - /b\n"), "error",
            "`paths` is not a mapping"),
    Hostile("operation-as-string", "spec", "os.yaml", _b(HEAD + "paths:\n  /a:\n    get: 'fetch a thing'\n"),
            "either"),
    Hostile("parameter-without-in", "spec", "pin.yaml",
            _b(HEAD + "paths:\n  /a/{id}:\n    get:\n      parameters:\n        - name: id\n          schema: "
               "{type: string}\n        - 42\n        - null\n      responses: {'200': {description: ok}}\n"),
            "findings"),
    Hostile("response-is-number", "spec", "rn.yaml",
            _b(HEAD + "paths:\n  /a:\n    get:\n      responses:\n        '200': 404\n        '400': [1]\n"),
            "findings"),
    Hostile("openapi-as-float", "spec", "of.yaml",
            _b("openapi: 3.1\ninfo: {title: t, version: 1}\npaths: {/a: {get: {responses: {'200': "
               "{description: ok}}}}}\n"), "either"),
    Hostile("openapi-as-list", "spec", "ol.yaml",
            _b("openapi: [3, 0]\ninfo: {title: t, version: 1}\npaths: {/a: {}}\n"), "error",
            "unsupported openapi version"),
    Hostile("everything-wrong-types", "spec", "wt.yaml",
            _b(HEAD + "components: [1, 2]\nsecurity: 7\nservers: {a: b}\ntags: x\npaths:\n  /a:\n"
               "    parameters: {a: b}\n    get:\n      security: [1, [2], {x: 3}]\n      requestBody: 5\n"
               "      parameters: 'none'\n      responses:\n        '200': {description: ok, headers: [1], "
               "content: [1]}\n        default: {content: {application/json: 7}}\n"), "either"),
    # -- specs: size and depth -------------------------------------------------------------------
    Hostile("yaml-bomb-30-anchors", "spec", "bomb.yaml", _bomb_deep_anchors, "error", "YAML aliases expand"),
    Hostile("yaml-merge-key-bomb", "spec", "merge.yaml", _merge_key_bomb, "error", "YAML aliases expand"),
    Hostile("deep-items-5000-yaml", "spec", "deep.yaml", _deep_items(5000), "error", "nested more than"),
    Hostile("deep-items-5000-json", "spec", "deep.json", _deep_json(5000), "error", "nested more than"),
    Hostile("deep-items-200", "spec", "deep200.yaml", _deep_items(200), "either"),
    Hostile("json-10mb-one-line", "spec", "big.json", _big_single_line_json, "either", big=True),
    Hostile("ops-100k", "spec", "ops.json", _many_operations(100_000), "either", big=True),
    # -- specs: $refs ---------------------------------------------------------------------------
    Hostile("ref-self", "spec", "self.yaml",
            _b(_op_spec("          description: ok\n          content:\n            application/json:\n"
                        "              schema: {$ref: '#/components/schemas/A'}\n")
               + "components:\n  schemas:\n    A: {$ref: '#/components/schemas/A'}\n"), "either"),
    Hostile("ref-mutual", "spec", "mutual.yaml",
            _b(_op_spec("          $ref: '#/components/responses/R1'\n")
               + "components:\n  responses:\n    R1: {$ref: '#/components/responses/R2'}\n"
                 "    R2: {$ref: '#/components/responses/R1'}\n"), "error", "$ref chain longer"),
    Hostile("ref-through-allof", "spec", "allof.yaml",
            _b(_op_spec("          description: ok\n          content:\n            application/json:\n"
                        "              schema: {$ref: '#/components/schemas/A'}\n              example: {a: 1}\n")
               + "components:\n  schemas:\n    A: {allOf: [{$ref: '#/components/schemas/B'}], example: {}}\n"
                 "    B: {allOf: [{$ref: '#/components/schemas/A'}], properties: {a: {type: string}}}\n"),
            "either"),
    Hostile("ref-cycle-across-files", "spec", "root.yaml",
            _ref_spec("other.yaml#/R"),
            "either", extra={"other.yaml": b"R: {$ref: 'root.yaml#/paths/~1a/get/responses/200'}\n"}),
    Hostile("ref-missing-file", "spec", "mf.yaml", _ref_spec("nowhere/missing.yaml#/R"), "error",
            "not found"),
    Hostile("ref-etc-passwd", "spec", "pw.yaml", _ref_spec("../../../../../../../../etc/passwd"), "error",
            "outside the spec's folder", subdir="a/b"),
    Hostile("ref-remote-url", "spec", "remote.yaml", _ref_spec("http://127.0.0.1:9/spec.yaml#/R"), "error",
            "remote $ref"),
    Hostile("ref-remote-protocol-relative", "spec", "remote2.yaml", _ref_spec("//evil.example/x.yaml#/R"),
            "error", "outside the spec's folder"),
    Hostile("ref-to-directory", "spec", "dir.yaml", _ref_spec("sub#/R"), "error", "not found",
            extra={"sub/keep.txt": b"x"}),
    Hostile("ref-to-binary-file", "spec", "bin.yaml", _ref_spec("blob.yaml#/R"), "error", "binary file",
            extra={"blob.yaml": b"\x00\x01\x02garbage"}),
    Hostile("ref-bad-pointer", "spec", "bp.yaml", _ref_spec("#/paths/~1a/get/responses/200/~9/%zz"), "error",
            "unresolvable $ref"),
    Hostile("ref-not-string", "spec", "ns.yaml",
            _b(_op_spec("          $ref: {not: a string}\n          description: ok\n")), "either"),
    # -- specs: wrapped ---------------------------------------------------------------------------
    Hostile("markdown-truncated-fence", "spec", "w.md",
            _b("# API\n\n```yaml\n" + HEAD + "paths:\n  /a:\n    get:\n      responses: {'200': [\n"), "error",
            "invalid YAML"),
    # -- docs pages ---------------------------------------------------------------------------------
    Hostile("mdx-unbalanced-jsx", "docs", "p.mdx",
            _mdx("<Tabs>\n<TabItem value=\"curl\" label=\"cURL\">\n\n```bash\ncurl -X PATCH https://api.adapty.io"
                 "/api/v2/server-side-api/profile/\n```\n\n</Tabs>\n</TabItem>\n</TabItem>\n<Tabs>\n<Unclosed a=\"\n"
                 "<Self / >\n<>\n</>\n"), "either"),
    Hostile("mdx-broken-import", "docs", "p.mdx",
            _mdx("import { from '@site/x.md';\nimport Y from;\nexport const = ;\n\n<Y />\n"), "findings"),
    Hostile("mdx-many-jsx-comments", "docs", "c.mdx", _docs_many_jsx_comments(5_000), "either"),
    Hostile("html-script-entities", "docs", "p.html", _html_script_entities, "either"),
    Hostile("html-nested-tables-500", "docs", "n.html", _html_nested_tables(500), "either"),
    Hostile("text-ragged-rows", "docs", "r.txt",
            _b("Create profile\nMethod and endpoint\nPOST https://api.adapty.io/api/v2/server-side-api/profile/\n"
               "Parameters\nParameter | Type | Required | Description |\n---|---|---|---|\na | String\n"
               "b | String | ➕ | x | y | z | w |\n|\n| | | |\nc\n||||||||||\n"), "either"),
    Hostile("docs-10k-table-rows", "docs", "rows.md", _docs_table_rows(10_000), "either", big=True),
    Hostile("json-half-open", "docs", "h.md",
            _b("# Page\n\n## Example request\n\n```json\n{\"first_name\": \"Jane\", \"custom\": [{\"k\": \n```\n"),
            "findings"),
    Hostile("json-half-open-text", "docs", "h.txt",
            _b("Create profile\nExample request\n{\n\"first_name\": \"Jane\",\n\"nested\": {\n\"a\": [1, 2,\n"),
            "either"),
    Hostile("json-deep-100k", "docs", "dj.md", _deep_json_example, "either"),
    Hostile("curl-unbalanced-quotes", "docs", "c.md",
            _b("# Page\n\n```bash\ncurl -X POST 'https://api.adapty.io/api/v2/server-side-api/profile/ \\\n"
               "  -H \"Authorization: Api-Key x\\\n  -d '{\"a\": 1}\n```\n"), "findings"),
    Hostile("curl-unbalanced-text-5k", "docs", "cu.txt", _docs_curl_unbalanced_tail(5_000), "either"),
    Hostile("text-open-braces-5k", "docs", "ob.txt", _docs_many_open_braces(5_000), "either"),
    Hostile("python-syntax-error", "docs", "py.md",
            _b("# Page\n\n```python\nimport requests\nrequests.post('https://x.io/a', json={'a': 1\n"
               "def (:\n```\n"), "findings"),
    Hostile("python-deep-nesting", "docs", "pd.md", _deep_python_example, "either"),
    Hostile("js-template-literals", "docs", "js.md",
            _b("# Page\n\n```javascript\nconst id = `${user.id}`;\nfetch(`https://x.io/a/${id}/${`nested ${"
               "`deeper ${x}`}`}`, {method: `PATCH`, headers: {[`X-${k}`]: `v`}, body: `{\"a\": ${1 + 1}}`});\n"
               "fetch(`https://x.io/b/${\n```\n"), "either"),
    Hostile("js-deep-nesting", "docs", "jd.md", _deep_js_example, "either"),
    Hostile("docs-utf16-bom", "docs", "u.txt", _seed_docs_utf16, "findings"),
    Hostile("docs-mixed-encoding", "docs", "m.txt", _docs_mixed_encoding, "error", "not valid UTF-8"),
    Hostile("docs-binary", "docs", "b.html", lambda: b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)), "error",
            "binary"),
    Hostile("docs-embedded-yaml-bomb", "docs", "eb.md", _embedded_bomb, "either"),
    Hostile("docs-embedded-deep", "docs", "ed.md", _embedded_deep, "either"),
]

BY_NAME: dict[str, Hostile] = {h.name: h for h in HOSTILE}
assert len(BY_NAME) == len(HOSTILE), "hostile input names must be unique"


def build_corpus(folder: Path, names: list[str] | None = None) -> dict[str, Path]:
    """Write the chosen (default: all) hostile inputs under `folder`; name → input path."""
    return {h.name: h.write(folder) for h in HOSTILE if names is None or h.name in names}
