"""What the launcher window does, without any widget: choose a file, check it, write the results
into it, build the Word report, list the findings, open the outputs.

The window only shows this object's state and calls its methods, so tests drive the whole
behaviour without a display; the work is ``toolkit.app.check_and_annotate``, as for the demo.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..app import check_and_annotate
from ..errors import EXIT_OK, UnusableFile
from ..log import Logger
from ..rules import CheckResult
from ..rules.engine import SEVERITY_WORD, Finding

log = Logger(__name__)

FILE_TYPES = (("工作簿或 JSON 数据", "*.xlsx *.xlsm *.json"), ("全部文件", "*"))
COLUMNS = (("severity", "类别", 50), ("rule", "规则", 50), ("table", "表格", 70),
           ("row", "行", 200), ("column", "列", 110), ("cell", "单元格", 150),
           ("message", "说明", 520))


@dataclass(frozen=True)
class Row:
    """One finding as a line of the list."""

    severity: str
    rule: str
    table: str
    row: str
    column: str
    cell: str
    message: str

    @classmethod
    def of(cls, f: Finding) -> Row:
        return cls(SEVERITY_WORD[f.severity], f.rule, f.table, f.row, f.column, f.where, f.message)

    def values(self) -> tuple[str, ...]:
        return tuple(getattr(self, key) for key, _, _ in COLUMNS)


def open_path(path: Path) -> None:
    """Open a file with the program the desktop uses for it (Excel/WPS, Word/WPS)."""
    if sys.platform.startswith("win"):
        os.startfile(str(path))  # type: ignore[attr-defined]
    elif sys.platform == "darwin":
        subprocess.Popen(["open", str(path)])
    else:
        subprocess.Popen(["xdg-open", str(path)], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)


class Launcher:
    """The launcher's state and actions."""

    def __init__(self, opener: Callable[[Path], None] = open_path) -> None:
        self.opener = opener
        self.path: Path | None = None
        self.result: CheckResult | None = None
        self.rows: list[Row] = []
        self.status = "请选择要校验的工作簿（.xlsx/.xlsm）或 JSON 数据文件，然后按“校验并生成年报”。"
        self.ok: bool | None = None  # None: not checked; True: passed; False: errors or unusable
        self.results_in: Path | None = None  # the workbook the results were written into
        self.report: Path | None = None  # the Word report made

    # --- actions -------------------------------------------------------------------------------

    def choose(self, path: Path | str | None) -> None:
        if not path:
            return
        self.path = Path(path).absolute()  # results and report beside it, whatever the folder later
        self.result, self.rows, self.ok = None, [], None
        self.results_in = self.report = None
        self.status = f"已选择：{self.path.name}。按“校验并生成年报”开始。"

    def run(self) -> None:
        """Check the chosen file, write the results into it, build the report if it passed.
        Never raises: whatever happens ends up in ``status``."""
        if self.path is None:
            self.status = "请先选择文件。"
            return
        self.result, self.rows, self.results_in, self.report = None, [], None, None
        try:
            done = check_and_annotate(self.path)
        except UnusableFile as exc:
            self.ok = False
            self.status = f"无法校验 {self.path.name}：{exc}"
            return
        except Exception as exc:  # a message, never a traceback, for the user
            log.debug("checking %s failed", self.path, exc_info=True)
            self.ok = False
            self.status = f"校验时出错（{type(exc).__name__}：{exc}），请把此消息发给信息化负责人。"
            return
        result = self.result = done.result
        self.rows = [Row.of(f) for f in result.findings]
        self.ok = not result.not_final
        notes: list[str] = []
        written = done.write_back
        if written is not None:
            self.results_in = written.written
            if written.written == self.path and not written.reason:
                notes.append("结果已写入工作簿的“校验结果”工作表，有问题的单元格已标色")
            else:
                notes.append(written.message())
        if done.report:
            self.report = done.report
            notes.append(f"Word 报告已生成：{self.report}")
        elif done.report_problem:
            notes.append(f"Word 报告没有生成：{done.report_problem}")
        elif result.errors:
            notes.append("有错误，未生成 Word 报告：改正后再校验")
        else:
            notes.append(f"未生成 Word 报告：{result.not_final}")
        counts = f"{len(result.errors)} 个错误，{len(result.warnings)} 个提示"
        verdict = "校验" + result.verdict if result.exit_code == EXIT_OK else result.verdict
        self.status = f"【{verdict}】{self.path.name}：{counts}。" + "；".join(notes) + "。"
        if self.rows:
            self.status += "双击列表中的一行查看位置。"

    def detail(self, index: int) -> str:
        """Where a finding is, for the double-click: table, row, column, cell, then the message."""
        r = self.rows[index]
        lines = [f"{r.severity}（规则 {r.rule}）", f"表格：{r.table or '—'}", f"行：{r.row or '—'}",
                 f"列：{r.column or '—'}", f"单元格：{r.cell or '—'}", "", r.message]
        return "\n".join(lines)

    def open_results(self) -> None:
        if self.results_in is not None:
            self.opener(self.results_in)

    def open_report(self) -> None:
        if self.report is not None:
            self.opener(self.report)
