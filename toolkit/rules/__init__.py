"""The consistency rules of FORMAT.md and the engine that runs them."""

from __future__ import annotations

from ..report import Report
from .catalog import RULE_BY_ID, RULES
from .engine import CheckResult, Context, Finding, run_rules

__all__ = ["check", "CheckResult", "Finding", "RULES", "RULE_BY_ID"]


def check(report: Report, previous: Report | None = None,
          parts: list[Report] | None = None, *, rollup: bool = False) -> CheckResult:
    """Every rule over one report (with last year's report and a summary's units when given).
    ``rollup``: the report is a unit of a batch (``collect``), where a summary workbook's empty
    texts are no error."""
    return CheckResult(report, run_rules(RULES, Context(report, previous, parts, rollup)))
