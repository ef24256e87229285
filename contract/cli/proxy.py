"""`contract proxy`: a reverse proxy on loopback judging the traffic that passes through it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from contract.cli._options import (
    baseline_option,
    docs_options,
    fail_on_option,
    finish,
    nullable_option,
    report_dir_option,
    secrets_of,
)
from contract.errors import ContractError, InputError

__all__ = ["command", "judge_options", "judged_report"]

F = TypeVar("F", bound=Callable[..., Any])


def judge_options(fn: F) -> F:
    """Options `contract proxy` and `contract judge` share (what is judged, and how)."""
    options = [
        click.option("--spec", "spec_path", required=True, type=click.Path(dir_okay=False), help="The OpenAPI spec."),
        docs_options("Docs pages (documented-only operations, response headers the docs promise)."),
        click.option("--secret", "secrets", multiple=True, metavar="VALUE",
                     help="A value to mask in the report, the HAR file and every line printed; repeatable "
                          "(credential headers are masked by name without it; env CONTRACT_API_KEY is one too)."),
        click.option("--max-response-time", type=click.FloatRange(min=0, min_open=True), default=None,
                     help="Turns on max_response_time: answers slower than this many seconds are findings."),
        nullable_option, report_dir_option, fail_on_option, baseline_option,
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def judged_report(judge: Any, *, command_name: str, inputs: Any, report_dir: str, fail_on: str,
                  baseline: str | None, notes: list[str]) -> int:
    """The report of a judge's findings, written in every format; the exit code."""
    from contract.report import build_report

    findings = judge.findings()
    report = build_report(findings, command=command_name, inputs=inputs.describe(), extra=judge.extra())
    return finish(findings, report, report_dir=report_dir, fail_on=fail_on, baseline=baseline,
                  redactor=judge.redactor, notes=notes)


def _write_now(judge: Any, inputs: Any, report_dir: str) -> None:
    """SIGUSR1: the reports so far, every format, masked; one line on stderr (the findings print at the end)."""
    from contract.report import build_report, write_reports

    try:
        report = build_report(judge.findings(), command="proxy", inputs=inputs.describe(), extra=judge.extra())
        written = write_reports(report_dir, judge.redactor.report(report))
        click.echo(f"{judge.summary_line()}; reports so far: {written['json'].parent}/", err=True)
    except (OSError, ContractError) as exc:  # the proxy keeps serving: a report it cannot write is a line
        click.echo(f"contract proxy: could not write the reports ({exc})", err=True)


@click.command("proxy")
@judge_options
@click.option("--target", required=True, help="The API to forward to, e.g. http://127.0.0.1:8000 (the only host "
                                              "contacted; a base path is prefixed to every request's path).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="Port to listen on, on 127.0.0.1 (0: a free one, printed).")
@click.option("--record", type=click.Path(dir_okay=False), default=None, metavar="FILE.har",
              help="Record every exchange as HAR 1.2 (secrets masked), for `contract judge`.")
@click.option("--summary-every", type=click.IntRange(0), default=100, show_default=True, metavar="N",
              help="A summary line on stderr every N exchanges (0: none).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0, show_default=True,
              help="Connect/read timeout towards the target, seconds (then 502/504 to the client, a finding).")
@click.option("--max-request-size", type=click.IntRange(1024), default=10 << 20, show_default=True,
              help="Bytes of a request body; a larger one is answered 413 by the proxy, never forwarded.")
@click.option("--max-response-size", type=click.IntRange(1024), default=1 << 20, show_default=True,
              help="Bytes of a response body kept for judging; the rest still reaches the client, unjudged.")
def command(spec_path: str, docs: tuple[str, ...], components_dir: str | None, nullable: str, report_dir: str,
            fail_on: str, baseline: str | None, secrets: tuple[str, ...], max_response_time: float | None,
            target: str, port: int, record: str | None, summary_every: int, timeout: float,
            max_request_size: int, max_response_size: int) -> int:
    """Forward traffic to TARGET from 127.0.0.1:PORT, judge every exchange against the spec (and docs);
    on SIGINT/SIGTERM write the reports (and the HAR file); on SIGUSR1 the reports so far, serving on.

    \b
    Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or
                input error (the port taken included).
    """
    from contract.pipeline import load_inputs
    from contract.proxy import ProxySession, SessionOptions, serve

    if not target.startswith(("http://", "https://")):
        raise InputError(None, f"--target must start with http:// or https://, got {target.split('/')[0]!r}")
    inputs = load_inputs(spec_path, docs, nullable=nullable, components_dir=components_dir)
    options = SessionOptions(target=target, record=record, secrets=secrets_of(secrets), every=summary_every,
                             connect_timeout=timeout, read_timeout=timeout, max_request_bytes=max_request_size,
                             max_response_bytes=max_response_size, max_response_time=max_response_time)
    session = ProxySession(inputs.spec, inputs.pages, options, echo=lambda line: click.echo(line, err=True))
    shown = session.redactor.url(target)

    def ready(url: str) -> None:
        click.echo(f"contract proxy: listening on {url}, forwarding to {shown} (Ctrl-C: stop and write the "
                   "reports)", err=True)

    try:
        serve(session, "127.0.0.1", port, ready, on_demand=lambda: _write_now(session.judge, inputs, report_dir))
    except OSError as exc:
        raise InputError(None, f"--port {port}: cannot listen on 127.0.0.1:{port} ({exc.strerror or exc})") from None
    notes = [session.judge.summary_line()]
    if session.recorder is not None:
        notes.append(f"recorded {session.recorder.count} exchanges to {record}")
    return judged_report(session.judge, command_name="proxy", inputs=inputs, report_dir=report_dir,
                         fail_on=fail_on, baseline=baseline, notes=notes)
