"""`contract run`: the live part alone — generated requests against a running API, every answer checked."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import click

from contract.cli._options import (
    baseline_option,
    cache_option,
    docs_options,
    fail_on_option,
    finish,
    nullable_option,
    report_dir_option,
)
from contract.errors import InputError
from contract.report import build_report

F = TypeVar("F", bound=Callable[..., Any])


def live_options(fn: F) -> F:
    """Options shared by `contract run` and `contract check` (the live part)."""
    options = [
        click.option("--header", "headers", multiple=True, metavar="'NAME: VALUE'",
                     help="Sent with every request (credentials, tenant headers); repeatable. "
                          "Env CONTRACT_API_KEY fills the spec's credential header instead."),
        click.option("--alt-header", "alt_headers", multiple=True, metavar="'NAME: VALUE'",
                     help="A second credential: resources created with --header must be out of its reach."),
        click.option("--secret", "secrets", multiple=True, metavar="VALUE",
                     help="A value to mask in every report, curl line and log line; repeatable."),
        click.option("--seed", type=int, default=0, show_default=True),
        click.option("--max-examples", type=click.IntRange(1), default=20, show_default=True,
                     help="Conforming cases per operation (violating ones: as many, at least one per constraint)."),
        click.option("--workers", type=click.IntRange(1, 256), default=None,
                     help="Concurrent requests (default 8: four per core on a 2-core machine)."),
        click.option("--max-time", type=click.FloatRange(min=0, min_open=True), default=None,
                     help="Stop sending new requests after this many seconds."),
        click.option("--rate", type=click.FloatRange(min=0, min_open=True), default=None,
                     help="At most this many requests per second."),
        click.option("--max-requests", type=click.IntRange(1), default=None,
                     help="At most this many requests in all (every purpose: cases, setup, discovery, shrinking, "
                          "triangulation); then the run winds down as at --max-time."),
        click.option("--max-response-time", type=click.FloatRange(min=0, min_open=True), default=None,
                     help="Turns on max_response_time: answers slower than this many seconds are findings."),
        click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
                     help="Connect/read timeout per request, seconds."),
        click.option("--total-timeout", type=click.FloatRange(min=0, min_open=True), default=None,
                     help="Whole-request deadline, body included, seconds (a target trickling bytes never "
                          "trips --timeout). Default: 3 × --timeout."),
        click.option("--read-only", is_flag=True,
                     help="Send only GET, HEAD and OPTIONS: operations with other methods, discovery and the "
                          "stateful sequences are skipped (listed in the report's run metadata)."),
        click.option("--max-response-size", type=click.IntRange(1024), default=1 << 20, show_default=True,
                     help="Bytes read of a response body; the rest is not read (a finding)."),
        click.option("--probe-value", "probe_values", multiple=True, metavar="TEXT",
                     help="A string planted in each string field of extra conforming cases; repeatable."),
        click.option("--checks", "checks", default=None, metavar="ID,ID",
                     help="Only these live checks (ids as in the report, e.g. live.server_error; `contract checks "
                          "--stage live` lists them); default all. For one release the old bare names "
                          "(server_error, ...) are accepted as aliases."),
        click.option("--path-param", "path_param", multiple=True, metavar="NAME=VALUE",
                     help="A path parameter's value where the run cannot infer one; repeatable. A parameter the "
                          "run can produce (a created resource's identifier) is pinned instead: VALUE becomes the "
                          "shared instance its children and reads use, while updates and deletes still get "
                          "instances of their own. In contract.toml: path-param = [\"NAME=VALUE\"]."),
        click.option("--no-stateful", is_flag=True, help="Skip discovery and the stateful sequences."),
        click.option("--no-cleanup", is_flag=True,
                     help="Leave what the run created (by default it is deleted at the end, deepest first, except "
                          "what a finding's curl line names)."),
        click.option("--progress", type=click.Choice(["auto", "plain", "off"]), default="auto", show_default=True),
        click.option("--record", default=None, metavar="FILE.har", type=click.Path(dir_okay=False),
                     help="Record every exchange sent (every purpose) as HAR 1.2, secrets masked; `contract judge` "
                          "re-judges it offline."),
        click.option("--operation", "operations", multiple=True, metavar="PATTERN",
                     help="Only the operations PATTERN names: an operationId, 'METHOD /path' or a path, exactly or "
                          "as a glob ('/pets*', 'PATCH *'); repeatable. Parents outside the selection are not "
                          "created: their identifiers are made up, as for --shard."),
        click.option("--shard", default=None, metavar="K/N",
                     help="Run only shard K of N (paths split by a stable hash; merge with `contract report "
                          "--merge`)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _headers(values: tuple[str, ...], option: str) -> list[tuple[str, str]]:
    from contract.replay.config import parse_header

    out = []
    for value in values:
        try:
            out.append(parse_header(value))
        except ValueError as exc:
            raise InputError(None, f"{option}: {exc}") from None
    return out


def _path_params(values: Any) -> dict[str, str]:
    if isinstance(values, str):  # a single string in contract.toml
        values = [values]
    out: dict[str, str] = {}
    for value in values or ():
        name, sep, rest = str(value).partition("=")
        if not sep or not name.strip():
            raise InputError(None, f"--path-param {value!r}: expected NAME=VALUE, e.g. collection_name=prod")
        out[name.strip().strip("{}")] = rest
    return out


def _shard(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    k, sep, n = text.partition("/")
    if not sep or not k.isdigit() or not n.isdigit() or not 1 <= int(k) <= int(n):
        raise InputError(None, f"--shard {text!r}: expected K/N with 1 <= K <= N, e.g. 1/2")
    return int(k), int(n)


def run_config(spec: Any, base_url: str, options: dict[str, Any],
               default_alt: list[tuple[str, str]] | None = None) -> Any:
    """The `RunConfig` the live options describe (credentials from options and the environment)."""
    from contract.core import checks as registry
    from contract.replay.config import DEFAULT_WORKERS, RunConfig, env_credentials, merge_headers

    env_headers, env_secrets = env_credentials(spec, dict(os.environ))
    headers = merge_headers(env_headers.items(), _headers(options["headers"], "--header"))
    alt = merge_headers(_headers(options["alt_headers"], "--alt-header") or (default_alt or []))
    checks = None
    if options.get("checks"):
        try:
            checks = registry.resolve(options["checks"].split(","), stage="live")
        except registry.UnknownCheckError as exc:
            raise InputError(None, f"--checks: {exc}") from None
    config = RunConfig(
        base_url=base_url, headers=headers, alt_headers=alt, seed=options["seed"],
        max_examples=options["max_examples"], workers=options["workers"] or DEFAULT_WORKERS,
        max_time=options["max_time"], rate=options["rate"], max_response_time=options["max_response_time"],
        connect_timeout=options["timeout"], read_timeout=options["timeout"],
        max_response_bytes=options["max_response_size"], secrets=[*env_secrets, *options["secrets"]],
        probe_values=list(options["probe_values"]), checks=checks, stateful=not options["no_stateful"],
        progress=options["progress"], shard=_shard(options.get("shard")),
        operations=tuple(options.get("operations") or ()),
        total_timeout=options.get("total_timeout"), read_only=bool(options.get("read_only")),
        max_requests=options.get("max_requests"),
        path_params=_path_params(options.get("path_param")), cleanup=not options.get("no_cleanup"),
        record=options.get("record"))
    return config


def report_extra(meta: dict[str, Any], coverage: Mapping[str, Iterable[Any]],
                 reach: Mapping[str, Mapping[str, Any]] | None = None,
                 times: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What the report renderers read from a live run: seed, timings, checks run, coverage (and reach),
    response times per operation."""
    from contract.report.json import coverage_section

    extra = {"run": meta, "seed": meta.get("seed"), "timings": {"live": meta.get("elapsed_s")},
             "checks_run": meta.get("checks", []), "coverage": coverage_section(coverage, reach)}
    if times and times.get("operations"):
        extra["response_times"] = dict(times)
    return extra


@click.command("run")
@click.option("--spec", "spec_path", required=True, type=click.Path(dir_okay=False), help="The OpenAPI spec.")
@click.option("--base-url", required=True, help="The API to test, e.g. http://127.0.0.1:8000 (only this host is contacted).")
@docs_options("Docs pages (documented-only operations, response headers, conversions).")
@live_options
@nullable_option
@report_dir_option
@fail_on_option
@baseline_option
@cache_option
def command(spec_path: str, base_url: str, docs: tuple[str, ...], components_dir: str | None, nullable: str,
            report_dir: str, fail_on: str, baseline: str | None, no_cache: bool, **options: Any) -> int:
    """Send generated requests to a live API and check every answer against the spec (and docs)."""
    from contract.pipeline import load_inputs
    from contract.replay.runner import Runner

    if not base_url.startswith(("http://", "https://")):
        raise InputError(None, f"--base-url must start with http:// or https://, got {base_url.split('/')[0]!r}")
    inputs = load_inputs(spec_path, docs, nullable=nullable, components_dir=components_dir, cache=not no_cache)
    runner = Runner(inputs.spec, run_config(inputs.spec, base_url, options), inputs.pages)
    result = runner.run()
    report = build_report(result.findings, command="run", inputs=inputs.describe(),
                          extra=report_extra(result.meta, result.coverage, result.reach, result.times))
    return finish(result.findings, report, report_dir=report_dir, fail_on=fail_on, baseline=baseline,
                  redactor=runner.redactor,
                  notes=[f"{result.meta['requests']} requests in {result.meta['elapsed_s']}s"])
