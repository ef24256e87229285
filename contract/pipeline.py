"""The stages wired together, for the commands that run more than one of them."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from contract.compare import compare_run, page_coverage
from contract.core import checks
from contract.docs import DocsPage, read_docs
from contract.docs.findings import page_findings
from contract.lint import lint
from contract.load import Spec, load_spec
from contract.model import Finding
from contract.schema import nullable_policy

BUNDLED_SPEC = "specs/adapty-api.yaml"
BUNDLED_DOCS = ("specs/003_adc150077d28c6e1.txt", "specs/000_f29c871810a0beae.txt")


def load_inputs(spec_path: str, docs: Sequence[str], *, nullable: str = "auto",
                components_dir: str | None = None) -> tuple[Spec, list[DocsPage]]:
    """The spec and its docs pages, each read once for every stage of a command."""
    policy = nullable_policy(nullable)
    return load_spec(spec_path, nullable=policy), [read_docs(d, components_dir=components_dir) for d in docs]


def offline(spec: Spec, pages: Sequence[DocsPage], *, lint_spec: bool = True,
            coverage: list[dict[str, Any]] | None = None) -> list[Finding]:
    """Lint (optionally) plus the pages' own anomalies plus spec↔docs drift; no network. `coverage`, when
    given, receives each page's coverage entry (see :mod:`contract.compare.coverage`)."""
    findings: list[Finding] = lint(spec) if lint_spec else []
    for page in pages:
        findings.extend(page_findings(page))
    drift = compare_run(spec, pages)
    findings.extend(drift.findings)
    if coverage is not None:
        coverage.extend(page_coverage(spec, pages, drift.compared))
    return findings


def offline_findings(spec_path: str, docs: Sequence[str], *, nullable: str = "auto",
                     components_dir: str | None = None, lint_spec: bool = True,
                     coverage: list[dict[str, Any]] | None = None) -> list[Finding]:
    spec, pages = load_inputs(spec_path, docs, nullable=nullable, components_dir=components_dir)
    return offline(spec, pages, lint_spec=lint_spec, coverage=coverage)


# Every module that registers check ids (contract.core.checks fills as these are imported).
CHECK_MODULES = ("contract.lint", "contract.docs.findings", "contract.compare.drift", "contract.generate",
                 "contract.replay.checks", "contract.compare.docs_live")


def load_checks() -> tuple[checks.CheckInfo, ...]:
    """Every check of every stage (the stage modules imported, so all of them are registered)."""
    for module in CHECK_MODULES:
        importlib.import_module(module)
    return checks.all_checks()
