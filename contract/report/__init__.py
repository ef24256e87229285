"""Stage 5 — report: findings rendered for people and CI."""

from contract.report.json import REPORT_VERSION, build_report, write_json

__all__ = ["REPORT_VERSION", "build_report", "write_json"]
