"""Findings for people (a Chinese report grouped by table) and for programs (JSON)."""

from __future__ import annotations

from .rules.engine import SEVERITY_WORD, TABLE_ORDER, CheckResult, Finding
from .values import BLANK


def verdict(result: CheckResult) -> str:
    if result.passed:
        return "通过" if not result.warnings else "通过（有提示）"
    return "有错误"


def heading(result: CheckResult) -> str:
    v = result.report.values
    who = f"{v.get('meta.unit') or '（未填机关名称）'} {v.get('meta.year') or ''}".strip()
    return (f"【{verdict(result)}】{who} — {result.report.source}："
            f"{len(result.errors)} 个错误，{len(result.warnings)} 个提示")


BLANKS_SHOWN = 5  # a nearly empty table lists a few blank cells and counts the rest


def render_findings(findings: list[Finding], indent: str = "  ") -> list[str]:
    lines: list[str] = []
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.table or "其他", []).append(f)
    for table in sorted(groups, key=lambda t: (TABLE_ORDER.index(t) if t in TABLE_ORDER else 99)):
        lines.append(f"{indent}{table}")
        blanks = 0
        for f in groups[table]:
            if f.rule == "E1" and f.found == BLANK:
                blanks += 1
                if blanks > BLANKS_SHOWN:
                    continue
            where = f"（{f.cell}）" if f.cell else ""
            lines.append(f"{indent}  {SEVERITY_WORD[f.severity]} {f.rule}{where} {f.message}")
        if blanks > BLANKS_SHOWN:
            lines.append(f"{indent}  …… 另有 {blanks - BLANKS_SHOWN} 个单元格未填写"
                         "（全部列在工作簿的“校验结果”工作表和 --json 输出中）")
    return lines


def render_result(result: CheckResult) -> str:
    notes = [f"  注意：{n}" for n in result.notes]
    return "\n".join([heading(result), *notes, *render_findings(result.findings)])


def render_unusable(source: str, reason: str) -> str:
    return f"【无法读取】{source}：{reason}"


def result_json(result: CheckResult) -> dict:
    return {"file": result.report.source, "status": "passed" if result.passed else "errors",
            "unit": result.report.values.get("meta.unit"), "year": result.report.values.get("meta.year"),
            "errors": len(result.errors), "warnings": len(result.warnings),
            "notes": list(result.notes), "findings": [f.to_dict() for f in result.findings]}


def unusable_json(source: str, reason: str) -> dict:
    return {"file": source, "status": "unusable", "reason": reason, "errors": 0, "warnings": 0,
            "findings": []}
