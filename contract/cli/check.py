"""`contract check`: the main job — everything `contract` knows how to check, in one run.

Lint + spec↔docs drift, then the live run, then triangulation: every spec↔docs
disagreement a request can observe is probed on the same target, and the drift
finding gets a verdict (live follows the spec, the docs, or neither). The target is
`--base-url`, or, without one, the embedded sandbox (started on a free loopback
port with its two documented keys — A as the credential, B as the second tenant —
and always stopped).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from contract.cli._options import (
    baseline_option,
    cache_option,
    docs_options,
    fail_on_option,
    finish,
    nullable_option,
    report_dir_option,
    secrets_of,
)
from contract.cli.run import live_options, report_extra, run_config
from contract.docs import DocsPage
from contract.load import Spec
from contract.model import Finding
from contract.pipeline import BUNDLED_DOCS, BUNDLED_SPEC, docs_extras, load_inputs, offline
from contract.redact import Redactor
from contract.report import build_report


@click.command("check")
@click.option("--spec", "spec_path", type=click.Path(dir_okay=False), default=None,
              help=f"The OpenAPI spec (default: the bundled {BUNDLED_SPEC}).")
@docs_options("The docs (default: the bundled pages when the spec is the bundled one).")
@click.option("--base-url", default=None,
              help="The live API; default: the embedded sandbox on a free loopback port.")
@click.option("--offline", "offline_only", is_flag=True, help="Lint and drift only, no live run.")
@live_options
@nullable_option
@report_dir_option
@fail_on_option
@baseline_option
@cache_option
def command(spec_path: str | None, docs: tuple[str, ...], components_dir: str | None, base_url: str | None,
            offline_only: bool, nullable: str, report_dir: str, fail_on: str, baseline: str | None,
            no_cache: bool, **options: Any) -> int:
    """Lint the spec, compare it with its docs pages, check the live API and say who is wrong.

    With no arguments: the bundled Adapty profile spec and docs pages against the embedded
    sandbox (run from the repository root).
    """
    if spec_path is None:
        spec_path = BUNDLED_SPEC
        docs = docs or BUNDLED_DOCS
        if not Path(spec_path).exists():
            raise click.UsageError(f"{spec_path} not found: run from the repository root or pass --spec")
    started = time.monotonic()
    inputs = load_inputs(spec_path, docs, nullable=nullable, components_dir=components_dir, cache=not no_cache)
    spec, pages = inputs.spec, inputs.pages
    pages_coverage: list[dict[str, Any]] = []
    findings = offline(spec, pages, coverage=pages_coverage, reuse=True)
    timings: dict[str, float] = {"offline": round(time.monotonic() - started, 3)}
    extra: dict[str, Any] = {}
    redactor = Redactor(secrets_of(options["secrets"]))  # replaced when live
    if not offline_only:
        with _target(base_url, options) as (url, options_for_target, default_alt, target):
            live, extra, redactor = _live(spec, pages, findings, url, options_for_target, default_alt)
        extra["run"]["target"] = target
        timings.update(extra.pop("timings", {}))
        findings += live
    timings["total"] = round(time.monotonic() - started, 3)
    extra["coverage"] = {**(extra.get("coverage") or {}), "pages": pages_coverage}
    report = build_report(findings, command="check", inputs=inputs.describe(),
                          extra={**extra, "timings": timings})
    return finish(findings, report, report_dir=report_dir, fail_on=fail_on, baseline=baseline, redactor=redactor)


@contextlib.contextmanager
def _target(base_url: str | None, options: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any, str]]:
    """(URL, options, default second credential, description) — the sandbox unless a URL is given."""
    if base_url is not None:
        yield base_url, options, None, "base URL"
        return
    from contract.sandbox import DEFAULT_KEYS, Sandbox

    key_a, key_b = list(DEFAULT_KEYS)[:2]
    if not options["headers"]:
        options = {**options, "headers": (f"Authorization: Api-Key {key_a}",)}
    with Sandbox(keys=DEFAULT_KEYS, faults=(), host="127.0.0.1", port=0) as sandbox:
        yield sandbox.url, options, [("Authorization", f"Api-Key {key_b}")], "embedded sandbox"


def _live(spec: Spec, pages: list[DocsPage], offline_findings: list[Finding], url: str, options: dict[str, Any],
          default_alt: Any) -> tuple[list[Finding], dict[str, Any], Redactor]:
    """The live run and triangulation: findings, report extras, and the redactor that saw every exchange."""
    from contract.compare.triangulate import triangulate
    from contract.replay.runner import Runner
    from contract.replay.sender import Sender

    config = run_config(spec, url, options, default_alt)
    drift = [f for f in offline_findings if f.check.startswith("drift.")]
    config.docs_extras = docs_extras(spec, drift)
    # One sender for the live run and triangulation: --rate and --max-requests hold for every request.
    with Sender.for_run(config) as sender:
        runner = Runner(spec, config, pages, sender=sender)
        result = runner.run()
        extra = report_extra(result.meta, result.coverage, result.reach, result.times)
        started = time.monotonic()
        tri = triangulate(spec, pages, drift, sender.sender_for("triangulation"), headers=config.headers,
                          redactor=runner.redactor, seed=config.seed)
        extra["run"].update(sender.meta(), requests_total=sender.sent)  # the run's and triangulation's
    extra["timings"] = {"live": result.meta.get("elapsed_s"), "triangulation": round(time.monotonic() - started, 3)}
    extra["run"]["triangulation_requests"] = tri.sent
    return result.findings + tri.docs_live, extra, runner.redactor  # verdict counts: summary.by_verdict
