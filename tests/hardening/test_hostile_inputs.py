"""Hostile specs and docs pages: a clear one-line error or findings, never a traceback, in bounded time.

Every input of :mod:`tests.hardening.corpus` goes through the stages in-process
(cheap, and with sockets disabled so a remote `$ref` that got fetched would fail
the test); a representative subset, plus the large ones, goes through the CLI
in a child process with a timeout and an address-space limit (`runner.py`).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract.docs import read_docs, read_docs_text
from contract.docs.blocks import Code
from contract.docs.findings import page_findings
from contract.docs.readers.text import read_text
from contract.errors import InputError
from contract.lint import lint, lint_checks
from contract.load import load_spec
from contract.pipeline import offline_findings
from tests.hardening.corpus import (
    BY_NAME,
    HOSTILE,
    SEED_SPEC,
    Hostile,
    _deep_json,
    _many_operations,
    build_corpus,
)
from tests.hardening.runner import MEMORY_LIMIT, TIMEOUT, command_for, run_cli

IN_PROCESS = [h.name for h in HOSTILE if not h.big]
IN_PROCESS_SECONDS = 60.0  # generous: machines are shared; the failures it guards against were unbounded

# Through the CLI: one of each family, every fixed bug, and the inputs too large to re-parse in-process.
CLI_SUBSET = [
    "truncated-half", "binary-garbage", "nul-late", "utf16-bom", "everything-wrong-types", "yaml-bomb-30-anchors",
    "deep-items-5000-json", "json-10mb-one-line", "ref-etc-passwd", "ref-remote-url", "ref-mutual",
    "mdx-unbalanced-jsx", "html-script-entities", "curl-unbalanced-text-5k",
    "docs-embedded-yaml-bomb", "docs-utf16-bom", "python-syntax-error",
]


class NetworkUsed(AssertionError):
    """Raised by the socket guard: the tool tried to reach the network while reading input."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[object, ...]]]:
    """Make every outgoing connection fail loudly, and record attempts (for the assertion message)."""
    attempts: list[tuple[object, ...]] = []

    def refuse(*args: object, **_: object) -> None:
        attempts.append(args)
        raise NetworkUsed(f"network connection attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_corpus(tmp_path_factory.mktemp("hostile"), IN_PROCESS + CLI_SUBSET)


def _check_error(hostile: Hostile, path: Path, error: InputError) -> None:
    assert hostile.expect in ("error", "either"), f"{hostile.name}: unexpected InputError {error}"
    line = error.one_line()
    assert "\n" not in line, line
    assert error.file and (error.file == str(path) or Path(error.file).name in line), line
    assert hostile.needle in line, line


def _run_in_process(hostile: Hostile, path: Path) -> None:
    if hostile.kind == "spec":
        try:
            spec = load_spec(path)
        except InputError as error:
            _check_error(hostile, path, error)
            return
        assert hostile.expect in ("findings", "either"), f"{hostile.name}: loaded, expected an error"
        findings = lint(spec)
        # openapi-spec-validator (behind lint.metaschema) raises KeyError/RecursionError on some of these;
        # lint() turns that into a finding by design. Our own checks must not fail.
        crashed = [f for f in findings if f.check == "lint.internal_error"
                   and not f.message.startswith("lint check lint.metaschema failed")]
        assert not crashed, [f.message for f in crashed]
        return
    try:
        page = read_docs(path)
    except InputError as error:
        _check_error(hostile, path, error)
        return
    assert hostile.expect in ("findings", "either"), f"{hostile.name}: read, expected an error"
    page_findings(page)
    offline_findings(str(SEED_SPEC), [str(path)], lint_spec=False)


@pytest.mark.parametrize("name", IN_PROCESS)
def test_hostile_input_in_process(name: str, corpus: dict[str, Path], no_network: list[object]) -> None:
    hostile = BY_NAME[name]
    start = time.perf_counter()
    _run_in_process(hostile, corpus[name])
    elapsed = time.perf_counter() - start
    assert not no_network
    assert elapsed < IN_PROCESS_SECONDS, f"{name} took {elapsed:.1f}s"


@pytest.mark.parametrize("name", CLI_SUBSET)
def test_hostile_input_through_cli(name: str, corpus: dict[str, Path], tmp_path: Path) -> None:
    hostile = BY_NAME[name]
    path = corpus[name]
    outcome = run_cli(command_for(hostile, path, tmp_path / "report"))
    output = outcome.stdout + outcome.stderr
    assert not outcome.timed_out, f"{name}: no answer within {TIMEOUT}s"
    assert "Traceback" not in output and "MemoryError" not in output, outcome.stderr[-2000:]
    assert outcome.peak_rss_mb * 1024 * 1024 < MEMORY_LIMIT
    if hostile.expect == "error":
        assert outcome.code == 2, outcome.stderr
    else:
        assert outcome.code in ((0, 1, 2) if hostile.expect == "either" else (0, 1)), outcome.stderr
    if outcome.code == 2:
        lines = outcome.stderr.strip().splitlines()
        assert len(lines) == 1, outcome.stderr
        assert lines[0].startswith("contract: error: ") and path.name in lines[0], lines[0]
        assert hostile.needle in lines[0], lines[0]
    else:
        assert (tmp_path / "report" / "report.json").is_file()


def test_every_family_of_the_brief_is_in_the_corpus() -> None:
    assert len(HOSTILE) >= 30
    kinds = {h.kind for h in HOSTILE}
    assert kinds == {"spec", "docs"}
    assert set(CLI_SUBSET) <= set(BY_NAME)


# --------------------------------------------------------------------------- regressions for the fixes


def test_remote_ref_is_refused_without_touching_the_network(tmp_path: Path, no_network: list[object]) -> None:
    path = BY_NAME["ref-remote-url"].write(tmp_path)
    with pytest.raises(InputError, match="remote \\$ref"):
        load_spec(path)
    assert no_network == []


@pytest.mark.parametrize("name", ["deep-items-5000-json", "deep-items-5000-yaml"])
def test_documents_deeper_than_the_parsers_allow_are_one_input_error(tmp_path: Path, name: str) -> None:
    """json and libyaml both stop near 1,000 levels: one line with where the limit was crossed, never a traceback.

    PyYAML 6.0.4 bundles a libyaml with a nesting limit; before it, 5,000-deep JSON went through the
    YAML parser and loaded. A real spec nests a few dozen levels, so refusing is the honest answer.
    """
    with pytest.raises(InputError, match="nested more than about 1,000 levels") as info:
        load_spec(BY_NAME[name].write(tmp_path))
    assert "\n" not in str(info.value) and "YAML" not in info.value.problem
    assert info.value.line is not None and info.value.column is not None and info.value.column > 1000


def test_a_document_just_inside_the_depth_limit_loads(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text(_deep_json(900)().decode())
    assert [op.key for op in load_spec(path).operations] == ["GET /a"]


def test_deep_json_in_a_markdown_fence_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.md"
    path.write_text('# API\n\n```json\n{"openapi": "3.0.3", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n```\n")
    with pytest.raises(InputError, match="nested more than") as info:
        load_spec(path)
    assert info.value.line == 4


def test_control_character_error_is_one_line_with_its_line(tmp_path: Path) -> None:
    """PyYAML's ReaderError prints over two lines; the CLI contract is one."""
    with pytest.raises(InputError) as info:
        load_spec(BY_NAME["nul-late"].write(tmp_path))
    assert "\n" not in str(info.value) and info.value.line == 4
    assert "control characters" in info.value.problem


def test_utf16_spec_with_bom_is_read(tmp_path: Path) -> None:
    spec = load_spec(BY_NAME["utf16-bom"].write(tmp_path))
    assert spec.title == "Adapty server-side API" and spec.operations


def test_response_headers_as_a_list_are_ignored_not_a_crash(tmp_path: Path) -> None:
    spec = load_spec(BY_NAME["everything-wrong-types"].write(tmp_path))
    assert spec.operations[0].responses["200"].headers == {}
    assert any(f.check == "lint.metaschema" for f in lint(spec))


@pytest.mark.parametrize("ref", ["#foo", "other.yaml#foo"])
def test_plain_name_ref_outside_a_schema_is_an_input_error(tmp_path: Path, ref: str) -> None:
    """A `$ref: '#anchor'` on a response escaped as LookupError/KeyError from Spec()."""
    path = tmp_path / "a.yaml"
    path.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
                    f"      responses:\n        '200': {{$ref: '{ref}'}}\n")
    with pytest.raises(InputError, match="unresolvable \\$ref"):
        load_spec(path)


def test_embedded_anchor_bomb_is_an_anomaly_not_a_memory_error(tmp_path: Path) -> None:
    start = time.perf_counter()
    page = read_docs(BY_NAME["docs-embedded-yaml-bomb"].write(tmp_path))
    assert time.perf_counter() - start < IN_PROCESS_SECONDS
    problems = [a.message for a in page.anomalies if a.kind == "embed.problem"]
    assert any("YAML aliases expand" in m for m in problems), problems


def test_unclosed_curl_quote_in_rendered_text_is_bounded() -> None:
    """The reader re-tokenised a growing chunk per line to the end of the page: O(lines²) shlex."""
    text = BY_NAME["curl-unbalanced-text-5k"].content().decode()
    start = time.perf_counter()
    page = read_docs_text(text, "page.txt", "text")
    assert time.perf_counter() - start < 10
    assert any(a.kind == "example.parse_error" for a in page.anomalies)
    assert any(e.language == "curl" for e in page.examples) or page.anomalies


def test_lone_braces_in_rendered_text_are_linear() -> None:
    """Each lone "{" joined and decoded the rest of the page; 20k of them took minutes."""
    text = "Page\nExample request\n" + "{\nNot json, prose after a brace.\n" * 20_000
    start = time.perf_counter()
    document = read_text(text, "page.txt")  # the reader alone: the examples' own parsing is linear anyway
    assert time.perf_counter() - start < 5
    assert sum(isinstance(b, Code) for b in document.blocks) == 20_000


def test_long_json_blocks_in_rendered_text_still_read_whole() -> None:
    """The decode window must not cut a JSON example longer than the window."""
    body = "{\n" + ",\n".join(f'"k{i}": "{"v" * 50}"' for i in range(3_000)) + "\n}"
    page = read_docs_text("Page\nExample request\n" + body + "\nAfter\n", "page.txt", "text")
    bodies = [e.body for e in page.examples if isinstance(e.body, dict)]
    assert bodies and len(bodies[0]) == 3_000


def test_many_jsx_comments_are_linear() -> None:
    text = BY_NAME["mdx-many-jsx-comments"].content().decode().replace("# Page", "# Page\n\n```\ncode\n```")
    start = time.perf_counter()
    page = read_docs_text(text, "page.mdx", "mdx")
    assert time.perf_counter() - start < 15
    assert all("hidden note" not in getattr(b, "text", "") for b in page.examples)


def test_many_operations_load_and_lint(tmp_path: Path) -> None:
    """10k operations load and lint without an internal error; the time per size is the bench's
    job (`bench/hostile.py`, 100k operations), not a timed unit test's."""
    path = tmp_path / "ops.json"
    path.write_bytes(_many_operations(10_000)())
    spec = load_spec(path)
    assert len(spec.operations) == 10_000
    findings = lint(spec, only=set(lint_checks()) - {"lint.metaschema"})
    assert not [f for f in findings if f.check == "lint.internal_error"]
