"""CPU seconds of `contract lint` stage by stage, the report side included: load, lint, report build,
redaction, then each report format as `write_reports` writes it.

    CONTRACT_CACHE=0 .venv/bin/python bench/report_stages.py SPEC [REPORT_DIR]

`bench/stages.py` splits load and lint finer; this one is for where a large report's time goes (on the
100,000-operation spec of `bench/hostile.py`, 200,001 findings, most of the run).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contract.lint import lint  # noqa: E402
from contract.load import load_spec  # noqa: E402
from contract.redact import Redactor  # noqa: E402
from contract.report import build_report  # noqa: E402
from contract.report.writer import FORMATS, write_reports  # noqa: E402
from contract.schema import nullable_policy  # noqa: E402


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    spec = sys.argv[1]
    out = Path(sys.argv[2]) if len(sys.argv) == 3 else Path(tempfile.mkdtemp(prefix="report-stages-"))
    rows: list[tuple[str, float]] = []

    def stage(name: str, fn: Callable[..., Any], *args: Any) -> Any:
        start = time.process_time()
        result = fn(*args)
        rows.append((name, time.process_time() - start))
        return result

    loaded = stage("load", lambda: load_spec(spec, nullable=nullable_policy("auto"), cache=False))
    findings = stage("lint", lint, loaded)
    del loaded  # as `contract lint` does: not kept while the reports are written
    report = stage("report build", lambda: build_report(findings, command="lint",
                                                        inputs={"spec": spec, "nullable": "auto"}))
    report = stage("redact", Redactor().report, report)
    for fmt in FORMATS:
        stage(fmt, write_reports, out, report, fmt)
    for name, seconds in rows:
        print(f"{name:14} {seconds:6.2f}")
    print(f"{'total':14} {sum(s for _, s in rows):6.2f}  ({len(report['findings'])} findings; reports in {out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
