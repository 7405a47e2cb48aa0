"""``nianbao demo``: the whole job on the bundled sample, for a newcomer's first minute.

Writes the sample workbook (the real 2022 report of 锦屏街道), checks it, writes the results back
into it, builds the Word report (and the PDF when LibreOffice is installed) and says what it made
and where.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..fileio import os_reason
from .. import spec
from ..report import UnusableFile
from ..rules import CheckResult
from .build import BuildResult, ChecksFailed, build_report

DEFAULT_FOLDER = "年报示例"


@dataclass
class DemoResult:
    folder: Path
    workbook: Path
    reused: bool  # the workbook was already there (kept: it may hold the user's own changes)
    check: CheckResult
    written_back: bool = False
    write_back_message: str = ""
    build: BuildResult | None = None
    build_problem: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """As ``nianbao check``: 0 passed, 1 errors, 2 something could not be made."""
        if self.build_problem and not self.check.errors:
            return 2
        return 0 if self.check.passed else 1


def _write_back(workbook: Path, result: CheckResult, backup: bool) -> tuple[bool, str]:
    """Write the check results into the workbook: (written, the message for the user).

    The single call site of write-back in the demo. A workbook the demo has just made needs no
    backup; one that was already there may hold the user's changes, so it gets one."""
    from ..writeback import write_back
    outcome = write_back(workbook, result, backup=backup)
    return outcome.ok, outcome.message()


def run_demo(folder: Path | str | None = None, *, pdf: bool | None = None) -> DemoResult:
    """Run the sample through new → check → write back → build. ``pdf`` None: when LibreOffice
    is installed."""
    from ..api import check_file, new_workbook
    from ..sample import sample_data
    from .pdf import find_soffice

    data = sample_data()
    folder = Path(folder or DEFAULT_FOLDER)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UnusableFile(f"无法创建文件夹 {folder}（{os_reason(exc)}）") from None
    workbook = folder / f"{data['meta.unit']}{data['meta.year']}年报数据.xlsx"
    reused = workbook.exists()
    if not reused:
        new_workbook(workbook, data=data)
    result = check_file(workbook)
    demo = DemoResult(folder, workbook, reused, result)
    demo.written_back, demo.write_back_message = _write_back(workbook, result, backup=reused)
    if pdf is None:
        pdf = find_soffice() is not None
    try:
        demo.build = build_report(workbook, pdf=pdf)
    except ChecksFailed:
        demo.build_problem = "数据有错误，未生成 Word 报告（改正后运行 nianbao build）"
    except UnusableFile as exc:
        demo.build_problem = str(exc)
    return demo


def demo_lines(demo: DemoResult) -> list[str]:
    """What the demo did, in Chinese, for the console."""
    from ..output import render_result
    title = spec.title({"meta.unit": "锦屏街道", "meta.year": 2022})
    lines = [f"nianbao 示例：{title}（示例数据即该街道公开发布的2022年报告）", ""]
    state = "已存在，沿用其中的数据" if demo.reused else "已生成"
    lines.append(f"1. 填报工作簿（{state}）：{demo.workbook}")
    lines.append("2. 校验结果：")
    lines.extend("   " + line for line in render_result(demo.check).splitlines())
    if demo.written_back:
        from ..workbook.layout import SHEET_RESULTS
        lines.append(f"3. 校验结果已写回工作簿（“{SHEET_RESULTS}”工作表）")
    else:
        lines.append(f"3. {demo.write_back_message}")
    if demo.build:
        lines.append(f"4. Word 报告：{demo.build.docx}")
        if demo.build.pdf:
            lines.append(f"5. PDF：{demo.build.pdf}")
        elif demo.build.pdf_problem:
            lines.append(f"5. 未生成 PDF：{demo.build.pdf_problem}")
        else:
            lines.append("5. 未安装 LibreOffice，未生成 PDF（可在 Word/WPS 中另存为 PDF）")
    else:
        lines.append(f"4. {demo.build_problem}")
    lines += ["", "下一步：用 Excel 或 WPS 打开工作簿，改成本单位的数据，然后运行",
              f"  nianbao check \"{demo.workbook}\"",
              f"  nianbao build \"{demo.workbook}\""]
    return lines
