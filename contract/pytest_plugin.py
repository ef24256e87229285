"""pytest plugin: contract checks inside a consumer's own test suite.

    pytest --contract-spec specs/api.yaml --contract-base-url http://127.0.0.1:8000 \\
           --contract-header 'Authorization: Api-Key …'

* `@pytest.mark.contract_cases("createProfile", mode="conforming", count=20)` parametrizes a
  test's `case` argument with generated cases (`mode`: conforming | violating | all;
  `sources=("prose",)` keeps violating cases whose label comes from those sources);
* fixtures: `contract_spec`, `contract_client` (httpx, base URL + headers), `contract_send(case)`;
  `contract_sandbox(spec=...)` serves a stateful emulator of any OpenAPI 3.x spec on a free loopback
  port and returns its URL (`.headers`: a credential it accepts), stopped after the test;
* `contract.assert_conforms(response, operation)` uses the configured spec;
* with docs (`--contract-docs PAGE|DIR|GLOB ...` or the `contract_docs` ini lines), generated cases
  keep to what the docs add to the spec as well (a documented limit, a field the docs say is not
  nullable), and `sources=("docs",)` selects the violating cases that break a docs-only rule;
* a failing case test shows the case and a curl line that reproduces it (secrets masked).

Cases are generated at collection time from a fixed seed (`--contract-seed`), so every
pytest-xdist worker collects the same tests and results match a serial run. The
plugin is inert unless a spec is configured (option or `contract_spec` ini value).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

_SPEC_KEY = pytest.StashKey[Any]()
_SEND_KEY = pytest.StashKey[list]()
_EXTRAS_KEY = pytest.StashKey[dict]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract", "contract: OpenAPI contract checks")
    group.addoption("--contract-spec", default=None, help="OpenAPI spec for contract checks")
    group.addoption("--contract-base-url", default=None,
                    help="base URL of the API under test (default: $CONTRACT_BASE_URL)")
    group.addoption("--contract-docs", action="extend", nargs="+", default=[], metavar="PATH",
                    help="docs pages, folders or globs whose constraints generated cases keep to")
    group.addoption("--contract-components-dir", default=None, help="folder MDX components are resolved from")
    group.addoption("--contract-header", action="append", default=[],
                    help="'Name: value' sent with every request (repeatable)")
    group.addoption("--contract-seed", type=int, default=0, help="seed for generated cases")
    parser.addini("contract_spec", "OpenAPI spec for contract checks (relative to the ini file)")
    parser.addini("contract_base_url", "base URL of the API under test")
    parser.addini("contract_docs", "docs pages, folders or globs, one per line (relative to the ini file)",
                  type="linelist")
    parser.addini("contract_components_dir", "folder MDX components are resolved from (relative to the ini file)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "contract_cases(operation, mode='all', count=10, sources=None): "
                                       "parametrize `case` with generated requests for an operation")
    spec_path = config.getoption("--contract-spec") or _ini_path(config, "contract_spec")
    if not spec_path:
        return
    from contract.assertions import use_spec

    spec = config.stash[_SPEC_KEY] = use_spec(spec_path)
    docs = config.getoption("--contract-docs") or [_relative(config, d) for d in config.getini("contract_docs")]
    if docs:
        config.stash[_EXTRAS_KEY] = _docs_extras(config, spec, docs)


def _docs_extras(config: pytest.Config, spec: Any, docs: list[str]) -> dict[str, Any]:
    """What the docs add to the spec, per operation: read once per session (every xdist worker alike)."""
    from contract.errors import InputError
    from contract.pipeline import docs_extras_from

    components = config.getoption("--contract-components-dir") or _ini_path(config, "contract_components_dir")
    try:
        return docs_extras_from(spec, docs, components_dir=components)
    except InputError as exc:
        raise pytest.UsageError(f"contract docs: {exc}") from None


def _ini_path(config: pytest.Config, name: str) -> str | None:
    value = config.getini(name)
    return _relative(config, str(value)) if value else None


def _relative(config: pytest.Config, value: str) -> str:
    path = Path(value)
    return os.path.normpath(path if path.is_absolute() else Path(config.rootpath) / path)


def _headers(config: pytest.Config) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw in config.getoption("--contract-header"):
        name, sep, value = raw.partition(":")
        if not sep or not name.strip():
            raise pytest.UsageError(f"--contract-header {name.strip()!r}: expected 'Name: value'")
        out[name.strip()] = value.strip()
    return out


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("contract_cases")
    if marker is None or "case" not in metafunc.fixturenames:
        return
    spec = metafunc.config.stash.get(_SPEC_KEY, None)
    if spec is None:
        raise pytest.UsageError("@pytest.mark.contract_cases needs --contract-spec (or the contract_spec ini)")
    from contract.generate import generate_cases, prose_constraints

    operation = marker.args[0] if marker.args else marker.kwargs["operation"]
    mode = marker.kwargs.get("mode", "all")
    count = int(marker.kwargs.get("count", 10))
    sources = marker.kwargs.get("sources")
    op = spec.operation(operation)
    extra = [*prose_constraints(spec, op), *metafunc.config.stash.get(_EXTRAS_KEY, {}).get(op.key, [])]
    result = generate_cases(spec, op, mode=mode, count=count, seed=metafunc.config.getoption("--contract-seed"),
                            headers=_headers(metafunc.config), extra=extra)
    cases = [c for c in result.cases
             if not sources or (c.mode == "violating" and c.label is not None and c.label.source in sources)]
    ids = [f"{c.mode}-{i}" + (f"-{c.label.keyword}" if c.label else "") for i, c in enumerate(cases)]
    metafunc.parametrize("case", cases, ids=ids)


@pytest.fixture(scope="session")
def contract_spec(request: pytest.FixtureRequest) -> Any:
    spec = request.config.stash.get(_SPEC_KEY, None)
    if spec is None:
        pytest.skip("no --contract-spec configured")
    return spec


@pytest.fixture(scope="session")
def contract_base_url(request: pytest.FixtureRequest) -> str:
    url = (request.config.getoption("--contract-base-url") or request.config.getini("contract_base_url")
           or os.environ.get("CONTRACT_BASE_URL"))
    if not url:
        pytest.skip("no --contract-base-url configured")
    return str(url).rstrip("/")


@pytest.fixture(scope="session")
def contract_client(request: pytest.FixtureRequest, contract_base_url: str) -> Any:
    import httpx

    with httpx.Client(base_url=contract_base_url, headers=_headers(request.config), timeout=30.0) as client:
        yield client


@pytest.fixture
def contract_send(request: pytest.FixtureRequest, contract_client: Any) -> Any:
    """`send(case) -> httpx.Response`: the case as generated, configured headers winning for credentials."""
    configured = _headers(request.config)
    sent: list[Any] = []
    request.node.stash[_SEND_KEY] = sent

    def send(case: Any) -> Any:
        from contract.core.http import case_body, with_content_type

        headers = {k: v for k, v in case.headers.items() if k.lower() not in {h.lower() for h in configured}}
        body, content_type = case_body(case)
        if body is not None:
            headers = with_content_type(headers, content_type)
        response = contract_client.request(case.method, case.rendered_path(), headers=headers,
                                           params=case.query or None, content=body)
        sent.append(response)
        return response

    return send


class SandboxURL(str):
    """The emulator's base URL; `headers` carry a credential it accepts, `sandbox` is the running server."""

    headers: dict[str, str]
    sandbox: Any


@pytest.fixture
def contract_sandbox() -> Any:
    """`start(spec=..., keys=None, faults=(), seed=0) -> SandboxURL`: an emulator per call, all stopped after the test.

    `keys`: security scheme → credentials (the n-th of each is tenant n); without them one
    generated credential is accepted, in `url.headers`.
    """
    from contract.sandbox.generic import Emulator

    running: list[Any] = []

    def start(spec: str | os.PathLike[str] | Any, *, keys: dict[str, list[str]] | None = None,
              faults: tuple[str, ...] | list[str] = (), seed: int = 0) -> SandboxURL:
        emulator = Emulator(spec if not isinstance(spec, os.PathLike) else os.fspath(spec), keys=keys,
                            faults=faults, seed=seed)
        emulator.start()
        running.append(emulator)
        url = SandboxURL(emulator.url)
        url.headers = emulator.headers()
        url.sandbox = emulator
        return url

    try:
        yield start
    finally:
        for emulator in reversed(running):
            emulator.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call" and report.failed:
        text = _case_section(item)
        if text:
            report.sections.append(("contract case", text))
    return report


def _case_section(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    case = callspec.params.get("case") if callspec else None
    responses = item.stash.get(_SEND_KEY, [])
    if case is None and not responses:
        return None
    from contract.assertions import exchange_of
    from contract.core.curl import to_curl
    from contract.redact import Redactor

    redactor = Redactor()
    lines = []
    if case is not None:
        redactor.learn_headers(case.headers)
        shown = case.to_dict()
        shown["headers"] = redactor.headers(case.headers)  # by name too: short secrets are not masked by value
        lines.append("case: " + json.dumps(shown, ensure_ascii=False, default=str))
    for response in responses[-3:]:
        exchange = exchange_of(response)
        redactor.learn_headers(exchange.request_headers)
        lines.append(f"-> {exchange.status}: {to_curl(exchange, redactor)}")
    return redactor.text("\n".join(lines))
