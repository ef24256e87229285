"""Page anomalies as findings: a docs page can be wrong on its own, without any spec.

A table row that lost a cell or an example that does not parse misleads readers
whatever the spec says, so each anomaly kind is a check of its own
(``docs.<kind>``, registered in :mod:`contract.core.checks`) with a fixed severity.
"""

from __future__ import annotations

from contract.core import checks
from contract.core.checks import CheckInfo
from contract.docs.model import DocsPage
from contract.model import Finding, Severity

# Anomaly kind (as the docs model names it) → (severity, description); each is check ``docs.<kind>``
# with the dot of the kind written as an underscore (``table.shifted_row`` → ``docs.table_shifted_row``).
_ANOMALIES: dict[str, tuple[Severity, str]] = {
    "table.shifted_row": (Severity.WARNING, "a table row lost a cell and its columns slid over"),
    "table.ragged_row": (Severity.INFO, "a table row has fewer cells than the header"),
    "table.unnamed_row": (Severity.INFO, "a parameter table row without a name"),
    "table.unknown_type": (Severity.INFO, "a type the docs model does not know"),
    "table.unknown_section": (Severity.INFO, "a parameter table outside any request/response section"),
    "example.parse_error": (Severity.WARNING, "an example that cannot be parsed"),
    "example.not_strict_json": (Severity.INFO, "a JSON example with comments or trailing commas"),
    "example.endpoint_mismatch": (Severity.WARNING, "an example calling another endpoint than documented"),
    "example.obfuscated_email": (Severity.WARNING, "an example e-mail mangled by the page renderer"),
    "example.status_mismatch": (Severity.WARNING, "a response example whose status_code is not its heading's"),
    "include.commented_out": (Severity.INFO, "a component include that is commented out"),
    "include.cycle": (Severity.WARNING, "a component that includes itself"),
    "include.unreadable": (Severity.WARNING, "a component file that exists but cannot be read"),
    "mdx.bad_import": (Severity.WARNING, "an MDX import statement that does not parse"),
    "mdx.bad_front_matter": (Severity.WARNING, "front matter that is not valid YAML"),
    "embed.problem": (Severity.WARNING, "an embedded OpenAPI block that cannot be read"),
}


def check_id(kind: str) -> str:
    """The check id of an anomaly kind: ``table.shifted_row`` → ``docs.table_shifted_row``."""
    return "docs." + kind.replace(".", "_")


ANOMALY_CHECKS: dict[str, CheckInfo] = {
    kind: checks.declare(check_id(kind), severity, text) for kind, (severity, text) in _ANOMALIES.items()}
"""Anomaly kind → its registered check."""


def page_findings(page: DocsPage) -> list[Finding]:
    """One finding per anomaly of the page, check id ``docs.<kind>`` (see :func:`check_id`)."""
    out = []
    for anomaly in page.anomalies:
        info = ANOMALY_CHECKS.get(anomaly.kind)
        subject = f"{anomaly.kind}:{anomaly.details.get('name') or anomaly.message}"
        out.append(Finding(check_id(anomaly.kind), info.severity if info else Severity.WARNING, anomaly.message,
                           docs=anomaly.where, source="docs", subject=subject, details=dict(anomaly.details)))
    return out
