"""The stages wired together, for the commands that run more than one of them."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contract.compare import compare_run, page_coverage
from contract.core import checks
from contract.docs import DocsPage, read_docs
from contract.docs.findings import page_findings
from contract.docs.inputs import expand_docs, split_components, split_metadata
from contract.generate import ExtraConstraint
from contract.lint import lint
from contract.load import Spec, load_spec
from contract.model import Finding
from contract.schema import nullable_policy

BUNDLED_SPEC = "specs/adapty-api.yaml"
BUNDLED_DOCS = ("specs/003_adc150077d28c6e1.txt", "specs/000_f29c871810a0beae.txt")


@dataclass(slots=True)
class Inputs:
    """What a command reads once for all its stages: the spec, the docs pages, the files left out."""

    spec_path: str
    spec: Spec
    pages: list[DocsPage]
    left_out: list[dict[str, str]] = field(default_factory=list)  # components and repository files found

    def describe(self) -> dict[str, Any]:
        """The report's `inputs`: the spec, every page read (folders and globs expanded), what was left out."""
        out: dict[str, Any] = {"spec": self.spec_path, "docs": [p.file for p in self.pages]}
        if self.left_out:
            out["docs_left_out"] = list(self.left_out)
        return out


def read_pages(docs: Sequence[str], *, components_dir: str | None = None) -> tuple[list[DocsPage], list[dict[str, str]]]:
    """Docs pages from files, folders and globs; components included by other pages and repository files
    that document nothing (README, SOURCES, …: `split_metadata`) left out (and listed)."""
    paths = expand_docs(docs, components_dir=components_dir)
    pages, metadata = split_metadata([read_docs(d, components_dir=components_dir) for d in paths],
                                     explicit=[d for d in docs if Path(d).is_file()])
    kept, components = split_components(pages)
    return kept, metadata + components


def load_inputs(spec_path: str, docs: Sequence[str], *, nullable: str = "auto",
                components_dir: str | None = None, cache: bool = True) -> Inputs:
    """The spec and its docs pages, each read once for every stage of a command (the spec through the
    warm-start cache unless `cache` is False)."""
    policy = nullable_policy(nullable)
    spec = load_spec(spec_path, nullable=policy, cache=cache)
    pages, left_out = read_pages(docs, components_dir=components_dir)
    return Inputs(spec_path, spec, pages, left_out)


def offline(spec: Spec, pages: Sequence[DocsPage], *, lint_spec: bool = True,
            coverage: list[dict[str, Any]] | None = None, reuse: bool = False) -> list[Finding]:
    """Lint (optionally) plus the pages' own anomalies plus spec↔docs drift; no network. `coverage`, when
    given, receives each page's coverage entry (see :mod:`contract.compare.coverage`); `reuse`: the lint
    findings may come from the warm-start cache (a spec fresh from `load_inputs`, see `lint`)."""
    findings: list[Finding] = lint(spec, reuse=reuse) if lint_spec else []
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
    inputs = load_inputs(spec_path, docs, nullable=nullable, components_dir=components_dir)
    return offline(inputs.spec, inputs.pages, lint_spec=lint_spec, coverage=coverage)


def docs_extras(spec: Spec, findings: Sequence[Finding]) -> dict[str, list[ExtraConstraint]]:
    """Per operation, the constraints the docs add to the spec (from the drift findings), for generation."""
    from contract.compare.probes import docs_constraints

    drift = [f for f in findings if f.check.startswith("drift.")]
    return {op.key: found for op in spec.operations if (found := docs_constraints(spec, op, drift))}


def docs_extras_from(spec: Spec, docs: Sequence[str], *, components_dir: str | None = None
                     ) -> dict[str, list[ExtraConstraint]]:
    """Per operation, what the docs pages (files, folders, globs) add to the spec: read, compared, turned into
    constraints for generation (the pytest plugin and `contract.strategies`)."""
    pages, _ = read_pages(docs, components_dir=components_dir)
    return docs_extras(spec, compare_run(spec, pages).findings)


# Every module that registers check ids (contract.core.checks fills as these are imported).
CHECK_MODULES = ("contract.lint", "contract.docs.findings", "contract.compare.drift", "contract.generate",
                 "contract.replay.checks", "contract.compare.docs_live", "contract.proxy.judge")


def load_checks() -> tuple[checks.CheckInfo, ...]:
    """Every check of every stage (the stage modules imported, so all of them are registered)."""
    for module in CHECK_MODULES:
        importlib.import_module(module)
    return checks.all_checks()
