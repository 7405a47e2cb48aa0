"""The entry point behind the workbook's "校验并生成年报" button.

The button's macro runs ``RunPython "import toolkit.excel.button as nianbao_button;
nianbao_button.main()"`` whatever the workbook is called (toolkit.excel.vba). ``main`` reads the
open workbook through xlwings (live values, unsaved edits included), runs the same checks as
``nianbao check``, writes the results into the open workbook (Excel saves it as usual), builds
the Word report next to the workbook when there is no error, and says what happened in one
message box. Nothing reaches the user as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..app import check_book
from ..errors import UnusableFile
from ..log import Logger

log = Logger(__name__)

TITLE = "nianbao 校验并生成年报"


@dataclass
class Outcome:
    """What the button tells the user, and what it made."""

    message: str
    mode: str  # "info" or "critical" (xlwings' alert modes)
    report: Path | None = None  # the Word report made, if any
    result: Any = None  # the CheckResult, if the check ran
    plan: Any = None  # the write-back plan applied to the book


def run(book: Any) -> Outcome:
    """Check the open book, write the results into it, build the report (``toolkit.app.check_book``),
    and say so. Raises UnusableFile."""
    done = check_book(book)
    result, plan = done.result, done.write_back
    n_err, n_warn = len(result.errors), len(result.warnings)
    if not result.passed:
        first = result.errors[0]
        where = f"（{first.where}）" if first.where else ""
        return Outcome(
            f"有 {n_err} 个错误、{n_warn} 个提示，未生成 Word 报告。\n\n"
            "出错的单元格已标红（提示标橙），鼠标移到单元格上可看说明；"
            "全部问题逐条列在“校验结果”工作表（单元格一栏可点击跳转）。\n\n"
            f"第一个错误{where}：{first.message}", "critical", None, result, plan)
    made = done.report
    if made is None:
        return Outcome(f"校验通过（{n_warn} 个提示），但 Word 报告没有生成：{done.report_problem}",
                       "critical", None, result, plan)
    tail = f"\n\n有 {n_warn} 个提示（单元格标橙），请看“校验结果”工作表，确认无误即可。" if n_warn else ""
    return Outcome(f"校验通过。\n\nWord 报告已生成：\n{made}{tail}\n\n"
                   "校验结果已写入本工作簿，请保存（Ctrl+S）。", "info", made, result, plan)


def main(book: Any = None) -> Outcome:
    """Called by the button's macro (``book`` is the calling workbook; tests pass one)."""
    if book is None:
        import xlwings as xw
        book = xw.Book.caller()
    try:
        outcome = run(book)
    except UnusableFile as exc:
        outcome = Outcome(f"无法校验此工作簿：{exc}", "critical")
    except Exception as exc:  # a message box, never a traceback, for the user
        log.debug("the button's check failed", exc_info=True)
        outcome = Outcome(f"校验时出错（{type(exc).__name__}：{exc}）。\n"
                          "请把此消息截图发给信息化负责人，或改用 nianbao check 命令。", "critical")
    book.app.alert(outcome.message, title=TITLE, mode=outcome.mode)
    return outcome
