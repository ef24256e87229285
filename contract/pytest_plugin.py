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
* a failing case test shows the case and a curl line that reproduces it (secrets masked);
* `contract_traffic` judges the test's own calls, in process, as `contract proxy` judges traffic:
  `contract_traffic.client(base_url, app=None)` (httpx), `.session(app=None)` (requests),
  `.transport(inner=None, app=None)`; with `app` (ASGI or WSGI) there is no network at all. A finding
  at or above `contract_traffic_fail_on` (ini; default error; `never`: report only; per test:
  `@pytest.mark.contract_traffic(fail_on=...)`) fails the test that made the exchange; with
  `--contract-report-dir` (or the ini) the session's traffic report (findings, coverage: operations,
  statuses and documented fields exercised) is written in every format — under pytest-xdist each
  worker judges its own traffic and the controller merges the workers' reports into one.

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
_JUDGE_KEY = pytest.StashKey[Any]()
_TRAFFIC_KEY = pytest.StashKey[Any]()
_WORKER_REPORTS_KEY = pytest.StashKey[list]()
_SUMMARY_KEY = pytest.StashKey[str]()
_FAIL_ON = ("error", "warning", "info", "never")


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
    group.addoption("--contract-report-dir", default=None,
                    help="write the report of the traffic judged by `contract_traffic` here (every format)")
    parser.addini("contract_spec", "OpenAPI spec for contract checks (relative to the ini file)")
    parser.addini("contract_base_url", "base URL of the API under test")
    parser.addini("contract_docs", "docs pages, folders or globs, one per line (relative to the ini file)",
                  type="linelist")
    parser.addini("contract_components_dir", "folder MDX components are resolved from (relative to the ini file)")
    parser.addini("contract_report_dir", "where the traffic report is written (relative to the ini file)")
    parser.addini("contract_traffic_fail_on", "lowest severity of a traffic finding that fails its test "
                                              "(error | warning | info | never)", default="error")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "contract_cases(operation, mode='all', count=10, sources=None): "
                                       "parametrize `case` with generated requests for an operation")
    config.addinivalue_line("markers", "contract_traffic(fail_on='error'): lowest severity of a finding in this "
                                       "test's `contract_traffic` exchanges that fails it (never: none)")
    fail_on = str(config.getini("contract_traffic_fail_on")).strip().lower()
    if fail_on not in _FAIL_ON:
        raise pytest.UsageError(f"contract_traffic_fail_on {fail_on!r}: expected one of {', '.join(_FAIL_ON)}")
    spec_path = config.getoption("--contract-spec") or _ini_path(config, "contract_spec")
    if not spec_path:
        return
    from contract.assertions import use_spec

    spec = config.stash[_SPEC_KEY] = use_spec(spec_path)
    docs = _docs(config)
    if docs:
        config.stash[_EXTRAS_KEY] = _docs_extras(config, spec, docs)


def _docs(config: pytest.Config) -> list[str]:
    return list(config.getoption("--contract-docs")) or [_relative(config, d) for d in config.getini("contract_docs")]


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


def _judge(config: pytest.Config) -> Any:
    """This process's judge (one per xdist worker), made on first use: the spec and docs pages configured."""
    judge = config.stash.get(_JUDGE_KEY, None)
    if judge is None:
        from contract.errors import InputError
        from contract.pipeline import read_pages
        from contract.proxy.judge import Judge

        components = config.getoption("--contract-components-dir") or _ini_path(config, "contract_components_dir")
        try:
            pages = read_pages(_docs(config), components_dir=components)[0] if _docs(config) else []
        except InputError as exc:
            raise pytest.UsageError(f"contract docs: {exc}") from None
        judge = config.stash[_JUDGE_KEY] = Judge(config.stash[_SPEC_KEY], pages)
    return judge


@pytest.fixture
def contract_traffic(request: pytest.FixtureRequest) -> Any:
    """Clients whose calls are judged in process (`.client()`, `.session()`, `.transport()`); the test fails
    on a finding at or above `contract_traffic_fail_on`; `.findings` are this test's."""
    if request.config.stash.get(_SPEC_KEY, None) is None:
        pytest.skip("no --contract-spec configured")
    from contract.proxy.traffic import Traffic

    traffic = request.node.stash[_TRAFFIC_KEY] = Traffic(_judge(request.config))
    try:
        yield traffic
    finally:
        traffic.close()


def _fail_on(item: pytest.Item) -> str:
    marker = item.get_closest_marker("contract_traffic")
    value = marker.kwargs.get("fail_on") if marker is not None else None
    value = str(value if value is not None else item.config.getini("contract_traffic_fail_on")).strip().lower()
    if value not in _FAIL_ON:
        raise pytest.UsageError(f"contract_traffic(fail_on={value!r}): expected one of {', '.join(_FAIL_ON)}")
    return value


def _traffic_report(config: pytest.Config) -> dict[str, Any] | None:
    """This process's traffic report, masked (None when no test judged anything)."""
    judge = config.stash.get(_JUDGE_KEY, None)
    if judge is None:
        return None
    from contract.report import build_report

    spec = config.getoption("--contract-spec") or _ini_path(config, "contract_spec")
    report = build_report(judge.findings(), command="pytest", inputs={"spec": spec, "docs": _docs(config)},
                          extra=judge.extra())
    return dict(judge.redactor.report(report))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist: a worker's traffic report, merged by the controller at session end."""
    text = getattr(node, "workeroutput", {}).get("contract_traffic")
    if text:
        node.config.stash.setdefault(_WORKER_REPORTS_KEY, []).append(json.loads(text))


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    own = _traffic_report(config)
    if hasattr(config, "workerinput"):  # an xdist worker: the controller writes
        if own is not None:
            config.workeroutput["contract_traffic"] = json.dumps(own, default=str)  # type: ignore[attr-defined]
        return
    reports = [*config.stash.get(_WORKER_REPORTS_KEY, []), *([own] if own is not None else [])]
    directory = config.getoption("--contract-report-dir") or _ini_path(config, "contract_report_dir")
    if not reports or not directory:
        return
    from contract.report import merge_reports, write_reports

    report = reports[0] if len(reports) == 1 else merge_reports(reports)
    written = write_reports(directory, report)
    traffic = report.get("traffic") or {}
    config.stash[_SUMMARY_KEY] = (f"contract traffic: {traffic.get('exchanges', 0)} exchanges judged, "
                                  f"{len(report['findings'])} findings; reports in {written['json'].parent}/")


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    line = config.stash.get(_SUMMARY_KEY, None)
    if line:
        terminalreporter.write_line(line)


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
    traffic = item.stash.get(_TRAFFIC_KEY, None)
    if report.when == "call" and traffic is not None:
        failing = traffic.failing(_fail_on(item))
        if failing and report.passed:  # the exchange broke the contract: the test that made it fails
            report.outcome = "failed"
            report.longrepr = traffic.describe(failing)
        elif failing:
            report.sections.append(("contract traffic", traffic.describe(failing)))
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
