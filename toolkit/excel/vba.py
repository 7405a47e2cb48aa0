"""The VBA project of the macro-enabled workbook, made at run time from installed packages.

xlwings ships a standalone quickstart workbook whose VBA project holds its ``RunPython`` module
(BSD-3): with it the workbook needs no add-in, only Python with nianbao and xlwings. Its sample
module imports a Python module named after the workbook, which cannot work for names such as
``附件1：2024年XX县.xlsm``; pyOpenVBA (MIT) replaces that module with ours, which always calls the
same entry point. No third-party binary is kept in this repository.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from functools import cache
from pathlib import Path

from ..errors import MissingProgram

MACRO_NAME = "NianbaoCheck"  # the macro the button is bound to
MODULE_NAME = "nianbao"
BUTTON_CAPTION = "校验并生成年报"
ENTRY_MODULE = "toolkit.excel.button"
# The Python command RunPython runs: a fixed module, whatever the workbook is called.
ENTRY_COMMAND = f"import {ENTRY_MODULE} as nianbao_button; nianbao_button.main()"
QUICKSTART = "quickstart_standalone.xlsm"
SAMPLE_MODULE = "Module1"  # the quickstart's name-based sample macro, replaced by ours

# VBA source is stored in the project's code page (Western in xlwings' file): ASCII only here.
MODULE_SOURCE = (
    "' nianbao: the macro behind the button on the first sheet.\r\n"
    "' It always runs the same Python entry point, whatever this workbook is called.\r\n"
    f"Sub {MACRO_NAME}()\r\n"
    f'    RunPython "{ENTRY_COMMAND}"\r\n'
    "End Sub\r\n"
)

# Only from the project's folder or offline bundle: "nianbao" on the package index is not ours.
INSTALL_HINT = ("生成带按钮的工作簿（.xlsm）需要安装 xlwings 和 pyOpenVBA：在 nianbao 文件夹中运行 "
                "python3 scripts/install.py --extra excel（Windows：py scripts\\install.py --extra excel；"
                "离线安装包：安装.bat / install.sh 加 --extra excel）；或改为生成 .xlsx 工作簿")


def quickstart_path() -> Path:
    try:
        import xlwings
    except ImportError:
        raise MissingProgram(INSTALL_HINT) from None
    path = Path(xlwings.__file__).parent / QUICKSTART
    if not path.is_file():
        raise MissingProgram(f"已安装的 xlwings 中没有 {QUICKSTART}，无法生成带按钮的工作簿：{INSTALL_HINT}")
    return path


@cache
def vba_project() -> bytes:
    """xl/vbaProject.bin for the macro workbook: xlwings' module plus ours."""
    try:
        from pyopenvba import ExcelFile
    except ImportError:
        raise MissingProgram(INSTALL_HINT) from None
    with tempfile.TemporaryDirectory(prefix="nianbao-vba-") as tmp:
        work = Path(tmp) / "project.xlsm"
        shutil.copyfile(quickstart_path(), work)
        with ExcelFile(work) as wb:
            project = wb.vba_project()
            if SAMPLE_MODULE in wb.module_names():
                project.delete_module(SAMPLE_MODULE)
            project.add_module(MODULE_NAME, MODULE_SOURCE)
            wb.save(allow_invalidate_signature=True)
        with zipfile.ZipFile(work) as z:
            return z.read("xl/vbaProject.bin")
