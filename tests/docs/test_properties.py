"""Property: readers and example extractors never raise anything but InputError, whatever the text."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract.docs import read_docs_text
from contract.docs.examples import extract_requests, parse_json
from contract.errors import InputError
from tests.docs.helpers import MDX, RENDERED, WRAPPED

FORMATS = ("markdown", "mdx", "html", "text", None)
SEED_LINES = [line for path in (RENDERED, MDX, WRAPPED) for line in path.read_text(encoding="utf-8").splitlines()]
SNIPPET_BITS = [
    "curl", " -X", " PATCH", " -H 'A: b'", " -d '{\"a\": 1}'", " 'https://x.io/a'", " \\\n", "'", '"', "{", "}",
    "[", "]", "(", ")", "requests.post(", "url", ", json=", "payload = {", "fetch(", "JSON.stringify(", "=>",
    "new Headers()", ".append(", "await ", "`${x}`", "\n", ",", ":", "null", "True", "<KEY>", "/*", "*/", "#",
]
FUZZ = settings(max_examples=200, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

seed_mix = st.lists(st.one_of(st.sampled_from(SEED_LINES), st.text(max_size=30)), max_size=40).map("\n".join)
snippets = st.lists(st.one_of(st.sampled_from(SNIPPET_BITS), st.text(max_size=8)), max_size=30).map("".join)


def _read_all_formats(text: str) -> None:
    for fmt in FORMATS:
        try:
            page = read_docs_text(text, "fuzz.txt", fmt)
        except InputError:
            continue
        assert page.file == "fuzz.txt"
        for item in [*page.fields, *page.examples, *page.anomalies, *page.endpoints]:
            assert item.where.line is None or item.where.line >= 1


@FUZZ
@given(st.text(max_size=400))
def test_readers_survive_arbitrary_text(text: str) -> None:
    _read_all_formats(text)


@FUZZ
@given(seed_mix)
def test_readers_survive_shuffled_seed_lines(text: str) -> None:
    _read_all_formats(text)


@FUZZ
@given(snippets, st.sampled_from(["curl", "python", "javascript", "http", "yaml"]))
def test_extractors_never_raise(text: str, language: str) -> None:
    result = extract_requests(text, language, 1)
    assert all(p.line >= 1 for p in result.problems)
    value, problems, ok = parse_json(text, 1)
    assert (ok or value is None) and (ok or problems)
