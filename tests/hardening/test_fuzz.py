"""Fuzzed parsers: whatever the bytes, only InputError may escape; lint and drift never raise.

Derandomized (the conftest profile) so CI and local runs see the same examples.
A bounded number runs by default; for a longer hunt set

    CONTRACT_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/hardening/test_fuzz.py

which applies that many examples to every property here.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract.compare import compare
from contract.docs import read_docs_text
from contract.docs.examples import extract_requests, parse_json
from contract.errors import InputError
from contract.lint import lint, lint_checks
from contract.load import load_spec
from tests.hardening.corpus import SEED_MDX, SEED_RENDERED, SEED_SPEC

EXAMPLES = int(os.environ.get("CONTRACT_FUZZ_EXAMPLES", "0")) or None
FUZZ = settings(max_examples=EXAMPLES or 40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
FUZZ_LINT = settings(FUZZ, max_examples=EXAMPLES or 12)
# The metaschema check runs openapi-spec-validator, which may fail on mangled specs (reported as a
# lint.internal_error finding by design); the property is about our checks.
OWN_CHECKS = set(lint_checks()) - {"lint.metaschema"}

SEED_SPEC_LINES = SEED_SPEC.read_text(encoding="utf-8").splitlines(keepends=True)
SEED_PAGES = {"text": SEED_RENDERED.read_text(encoding="utf-8"), "mdx": SEED_MDX.read_text(encoding="utf-8")}
SNIPPETS = {
    "curl": "curl -X PATCH 'https://api.adapty.io/api/v2/server-side-api/profile/' \\\n"
            "  -H 'Authorization: Api-Key <KEY>' \\\n  -H 'Content-Type: application/json' \\\n"
            "  -d '{\"first_name\": \"Jane\", \"custom_attributes\": [{\"key\": \"a\", \"value\": 1}]}'\n",
    "python": "import requests\nheaders = {'Authorization': 'Api-Key <KEY>'}\npayload = {'first_name': 'Jane'}\n"
              "r = requests.patch(f'https://api.adapty.io/api/v2/profile/{pid}', headers=headers, json=payload)\n",
    "javascript": "const body = {first_name: `Jane`, n: [1, 2,],};\nconst h = new Headers();\n"
                  "h.append('Authorization', 'Api-Key <KEY>');\nawait fetch('https://api.adapty.io/api/v2/profile/',"
                  " {method: 'PATCH', headers: h, body: JSON.stringify(body)});\n",
    "http": "PATCH /api/v2/profile/ HTTP/1.1\nHost: api.adapty.io\nContent-Type: application/json\n\n"
            "{\"first_name\": \"Jane\"}\n",
}


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """The text with a few line-range deletions, line duplications and character flips."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        op = draw(st.sampled_from(["delete", "duplicate", "flip", "truncate"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete":
            del lines[i:i + draw(st.integers(1, 40))]
        elif op == "duplicate":
            lines[i:i] = lines[i:i + draw(st.integers(1, 20))]
        elif op == "flip" and lines[i]:
            j = draw(st.integers(0, len(lines[i]) - 1))
            char = draw(st.sampled_from([" ", "\t", ":", "-", "{", "}", "[", "]", "'", '"', "&a", "*a", "\\",
                                         "|", "#", "$ref", "\x00", "\u2028", "\ufeff", "!!"]))
            lines[i] = lines[i][:j] + char + lines[i][j + 1:]
        elif op == "truncate":
            lines = [*lines[:i], lines[i][: len(lines[i]) // 2]]
    return "".join(lines)


def _load_and_lint(tmp_path: Path, data: bytes, suffix: str = ".yaml") -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        spec = load_spec(path)
    except InputError as error:
        assert "\n" not in str(error)
        return
    findings = lint(spec, only=OWN_CHECKS)
    assert not [f.message for f in findings if f.check == "lint.internal_error"]
    compare(spec, [read_docs_text(SEED_PAGES["text"], "seed.txt")])


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from([".yaml", ".json", ".md"]))
def test_loader_survives_arbitrary_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    _load_and_lint(tmp_path, data, suffix)


yamlish = st.lists(st.one_of(
    st.sampled_from(["openapi: 3.0.3", "openapi: 3.1", "info: {title: t, version: '1'}", "paths:", "  /a:",
                     "    get:", "      responses:", "        '200':", "          $ref: '#/x'", "- a", "? [a]",
                     "&a [1, *a]", "*a", "  - name: id", "    in: path", "{", "}", "<<: *a", "!!python/object:x",
                     "%YAML 1.1", "---", "...", "'", '"', "\t", ": :"]),
    st.text(max_size=20)), max_size=30).map("\n".join)


@FUZZ
@given(yamlish)
def test_loader_survives_yamlish_text(tmp_path: Path, text: str) -> None:
    _load_and_lint(tmp_path, text.encode("utf-8", "surrogatepass"))


@FUZZ_LINT
@given(mutated("".join(SEED_SPEC_LINES)))
def test_loader_lint_and_drift_survive_a_mutated_seed_spec(tmp_path: Path, text: str) -> None:
    _load_and_lint(tmp_path, text.encode("utf-8", "surrogatepass"))


def _read(text: str, fmt: str | None) -> None:
    try:
        page = read_docs_text(text, f"fuzz.{fmt or 'txt'}", fmt)  # type: ignore[arg-type]
    except InputError as error:
        assert "\n" not in str(error)
        return
    for item in [*page.fields, *page.examples, *page.anomalies, *page.endpoints]:
        assert item.where.line is None or item.where.line >= 1


@FUZZ
@given(st.sampled_from(sorted(SEED_PAGES)).flatmap(lambda k: mutated(SEED_PAGES[k])),
       st.sampled_from(["markdown", "mdx", "html", "text", None]))
def test_readers_survive_mutated_seed_pages(text: str, fmt: str | None) -> None:
    _read(text, fmt)


@FUZZ
@given(st.lists(st.sampled_from([*"<>/{}[]()`'\"=:|#-*\n \tabcXYZ!&;", "<Tabs>", "</Tabs>", "```",
                                  "import X from './x.md';", "{/*", "*/}", "<table>", "<tr>", "<td>", "<script>",
                                  "&amp;", "&#x", "---\n", "<X />", "| a | b |\n|---|\n"]),
                max_size=150).map("".join),
       st.sampled_from(["markdown", "mdx", "html", "text"]))
def test_readers_survive_markup_soup(text: str, fmt: str) -> None:
    _read(text, fmt)


@FUZZ
@given(st.sampled_from(sorted(SNIPPETS)).flatmap(lambda k: st.tuples(st.just(k), mutated(SNIPPETS[k]))))
def test_extractors_survive_mutated_seed_snippets(case: tuple[str, str]) -> None:
    language, text = case
    result = extract_requests(text, language, 7)
    assert all(p.line >= 7 for p in result.problems)
    assert all(r.line >= 7 for r in result.requests)
    value, problems, ok = parse_json(text, 7)
    assert ok or (value is None and problems)
