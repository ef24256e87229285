"""Per-page docs coverage: what each page was read as, what drift compared, and what was skipped and why.

A page drift says nothing about is either in agreement with the spec or was not understood; the coverage
tells which. Per page (``report["coverage"]["pages"]``, rendered by every report format):

- ``endpoints``: documented, matched to a spec operation, and the ones the spec lacks;
- ``tables``: the tables read, by kind (request body, query, path, response, error, headers, object
  structure, enum);
- ``examples``: by kind (request, response, object) and how many could not be parsed;
- ``structures``: object structures and enum tables documented, and which were compared with a spec
  schema — the rest with why not;
- ``conventions``: which recognisers of :mod:`contract.docs.conventions` matched, how often;
- ``skipped``: tables and code blocks not read (with line and reason), unresolved includes, and the
  page's anomalies counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from contract.compare.drift import match_operation
from contract.docs.model import DocsPage
from contract.load import Spec

__all__ = ["page_coverage"]

_NOT_COMPARED = {
    "object": "no endpoint of the given pages says it returns it and no compared structure links to it, or no "
              "spec schema it was reached by has its fields",
    "enum": "no compared field links to it, or the spec gives that field no enum",
}


def page_coverage(spec: Spec, pages: Sequence[DocsPage], compared: set[str]) -> list[dict[str, Any]]:
    """The coverage entry of every page, in the order given (`compared`: see `drift.DriftRun.compared`)."""
    return [_page(spec, page, compared) for page in pages]


def _page(spec: Spec, page: DocsPage, compared: set[str]) -> dict[str, Any]:
    unmatched = [e.key for e in page.endpoints if match_operation(spec, e) is None]
    tables: Counter[str] = Counter()
    for kind, _section in dict.fromkeys((f.table, f.section) for f in page.fields if f.origin == "table"):
        tables[kind] += 1
    if page.enums:
        tables["enum"] = len(page.enums)
    examples = Counter(e.kind for e in page.examples)
    items = [*((o.key, o.name, o.line, "object") for o in page.objects),
             *((e.key, e.name, e.line, "enum") for e in page.enums)]
    skipped: list[dict[str, Any]] = [{"what": s.what, "line": s.line, "why": s.why} for s in page.skipped]
    skipped += [{"what": "include", "line": i.line,
                 "why": f"<{i.name} /> not available ({i.source or 'never imported'})"} for i in page.unresolved_includes]
    skipped.sort(key=lambda s: s["line"] or 0)
    return {
        "file": page.file,
        "title": page.title,
        "endpoints": {"documented": len(page.endpoints), "matched": len(page.endpoints) - len(unmatched),
                      "not_in_spec": unmatched},
        "tables": dict(sorted(tables.items())),
        "examples": {**dict(sorted(examples.items())), "unparsed": sum(1 for e in page.examples if not e.ok)},
        "structures": {"documented": len(items), "compared": sum(1 for key, *_ in items if key in compared),
                       "not_compared": [{"name": name, "kind": kind, "line": line, "why": _NOT_COMPARED[kind]}
                                        for key, name, line, kind in items if key not in compared]},
        "conventions": dict(sorted(page.conventions.items())),
        "anomalies": len(page.anomalies),
        "skipped": skipped,
    }
