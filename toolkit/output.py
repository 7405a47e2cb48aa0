"""What the commands show: findings for people (a Chinese report grouped by table) and for
programs (JSON), and the lines of ``nianbao demo``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import spec
from .rules.engine import SEVERITY_WORD, TABLE_ORDER, VERDICT_CODE, CheckResult, Finding
from .values import BLANK
from .workbook.layout import SHEET_RESULTS

if TYPE_CHECKING:
    from .app.demo import DemoResult


def verdict(result: CheckResult) -> str:
    return result.verdict


def heading(result: CheckResult) -> str:
    v = result.report.values
    who = f"{v.get('meta.unit') or '（未填机关名称）'} {v.get('meta.year') or ''}".strip()
    return (f"【{verdict(result)}】{who} — {result.report.source}："
            f"{len(result.errors)} 个错误，{len(result.warnings)} 个提示")


BLANKS_SHOWN = 5  # a nearly empty table lists a few blank cells and counts the rest


def where_all_are(origin: str) -> str:
    """Where a user finds the findings a console listing leaves out: a checked workbook has them on
    its results sheet (when written back); for any source ``check --json`` lists them all (import
    has no --json, and a JSON file or a document gets no sheet)."""
    if origin == "workbook":
        return f"全部列在写回后工作簿的“{SHEET_RESULTS}”工作表中，也可用 nianbao check 文件 --json 列出"
    return "全部可用 nianbao check 文件 --json 列出"


def render_findings(findings: list[Finding], indent: str = "  ", origin: str = "workbook") -> list[str]:
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
            where = f"（{f.where}）" if f.where else ""
            lines.append(f"{indent}  {SEVERITY_WORD[f.severity]} {f.rule}{where} {f.message}")
        if blanks > BLANKS_SHOWN:
            lines.append(f"{indent}  …… 另有 {blanks - BLANKS_SHOWN} 个单元格未填写（{where_all_are(origin)}）")
    return lines


def render_result(result: CheckResult) -> str:
    notes = [f"  注意：{n}" for n in result.notes]
    return "\n".join([heading(result), *notes, *render_findings(result.findings, origin=result.report.origin)])


def render_unusable(source: str, reason: str) -> str:
    return f"【无法读取】{source}：{reason}"


def result_json(result: CheckResult) -> dict:
    return {"file": result.report.source, "status": VERDICT_CODE[result.verdict],
            "unit": result.report.values.get("meta.unit"), "year": result.report.values.get("meta.year"),
            "errors": len(result.errors), "warnings": len(result.warnings),
            "notes": list(result.notes), "findings": [f.to_dict() for f in result.findings]}


def unusable_json(source: str, reason: str, code: str = "unusable") -> dict:
    return {"file": source, "status": "unusable", "code": code, "reason": reason, "errors": 0,
            "warnings": 0, "findings": []}


def demo_lines(demo: DemoResult) -> list[str]:
    """What the demo did, in Chinese, for the console."""
    from .sample import sample_data
    done = demo.done
    title = spec.title(sample_data())
    lines = [f"nianbao 示例：{title}（示例数据即该街道公开发布的2022年报告）", ""]
    state = "已存在，沿用其中的数据" if demo.reused else "已生成"
    lines.append(f"1. 填报工作簿（{state}）：{demo.workbook}")
    lines.append("2. 校验结果：")
    lines.extend("   " + line for line in render_result(done.result).splitlines())
    if done.write_back is not None and done.write_back.ok:
        lines.append(f"3. 校验结果已写回工作簿（“{SHEET_RESULTS}”工作表）")
    elif done.write_back is not None:
        lines.append(f"3. {done.write_back.message()}")
    if done.report:
        lines.append(f"4. Word 报告：{done.report}")
        if done.pdf:
            lines.append(f"5. PDF：{done.pdf}")
        elif done.pdf_problem:
            lines.append(f"5. 未生成 PDF：{done.pdf_problem}")
        else:
            lines.append("5. 未安装 LibreOffice，未生成 PDF（可在 Word/WPS 中另存为 PDF）")
    elif done.report_problem:
        lines.append(f"4. {done.report_problem}")
    else:
        lines.append("4. 数据有错误，未生成 Word 报告（改正后运行 nianbao build）")
    lines += ["", "下一步：用 Excel 或 WPS 打开工作簿，改成本单位的数据，然后运行",
              f"  nianbao check \"{demo.workbook}\"",
              f"  nianbao build \"{demo.workbook}\""]
    return lines
