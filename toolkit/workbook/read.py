"""Read a filled standard workbook into report data, by its defined names.

Refuses (UnusableFile, exit code 2) what is not our current template: no marker, another template
version, missing names, or the 2019 format. Formula results cached in the file are never trusted:
``Report.from_raw`` recomputes totals from the inputs and reports a total whose formula was
replaced.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from .. import spec
from ..errors import NotOurTemplate, OldFormat, TemplateVersion, UnusableFile
from ..ooxml.cells import CellPos
from ..ooxml.package import Package
from ..ooxml.workbook import Book, core_modified
from ..report import Report
from . import layout

OLD_FORMAT_MESSAGE = ("这是2019年旧版格式（国办公开办函〔2019〕60号）的报表，2021年度起已停用："
                      "请用 nianbao new 生成新模板重新填写")


def file_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def read_workbook(path: Path | str) -> Report:
    path = Path(path)
    with Package.open(path) as pkg:
        book = Book.load(pkg)
        check_template(book)
        report = read_book(book, str(path), saved_at=core_modified(pkg))
        report.digest = file_digest(pkg.data)
    return report


def _old_format(book: Book) -> bool:
    text = "\n".join(book.strings)
    # Inline strings (openpyxl, some converters) live in the sheets, not the shared strings
    # (only reached for a file that is being refused anyway).
    for part in book.sheets.values():
        try:
            text += "\n" + "\n".join(str(t) for t in book.pkg.xml(part).itertext())
        except UnusableFile:
            pass
    if any(s in text for s in spec.OLD_FORMAT_STRINGS):
        return True
    # 规范性文件 without 行政 is the 2019 table 二's row label
    return "规范性文件" in text.replace("行政规范性文件", "")


def check_template(book: Book) -> None:
    """Raise UnusableFile unless this is the current standard template (rule E8)."""
    where = book.resolve(layout.MARKER_NAME)
    marker = None
    if where:
        marker = book.values([where])[0]
    check_marker(marker, lambda: _old_format(book))
    check_names([n for n in layout.names() if book.resolve(n) is None])


def check_marker(marker: object, old_format: Callable[[], bool] = lambda: False) -> None:
    """Raise UnusableFile unless ``marker`` (the NB_template cell) is the current template's.
    Shared with the live-book adapter (toolkit.excel.live), so both refuse alike."""
    if not isinstance(marker, str) or not marker.startswith("NIANBAO:"):
        if old_format():
            raise OldFormat(OLD_FORMAT_MESSAGE)
        raise NotOurTemplate("不是 nianbao 标准模板（没有找到模板标记）：请用 nianbao new 生成的模板填写，"
                           "或把数据转成 JSON 数据文件")
    if marker != spec.TEMPLATE_MARKER:
        _, fmt, version = (marker.split(":") + ["", ""])[:3]
        if fmt != spec.FORMAT_ID:
            raise TemplateVersion(f"模板的报表格式为 {fmt}，本程序只处理 {spec.FORMAT_ID}")
        found = version.lstrip("v")
        newer = found.isascii() and found.isdigit() and int(found) > spec.TEMPLATE_VERSION
        raise TemplateVersion(
            f"模板版本为第{found}版，本程序使用第{spec.TEMPLATE_VERSION}版："
            + ("请升级 nianbao 后再校验" if newer else
               "请用 nianbao new 生成新模板，把数据转填过去（或让填报单位用新模板重填）"))


def check_names(missing: list[str]) -> None:
    if missing:
        raise NotOurTemplate(f"模板被改动：缺少{len(missing)}个单元格名称（如 {missing[0]}），"
                           "请用 nianbao new 生成的模板重新填写")


def _where(book: Book) -> dict[str, CellPos]:
    """key -> its cell, by the defined names (check_template made sure each resolves)."""
    return {key: book.resolve(name) for name, key in layout.names().items()}  # type: ignore[misc]


def raw_values(book: Book, sheets: set[str] | None = None) -> dict[str, object]:
    """key -> the raw value in its named cell, for the keys on ``sheets`` (default: all); each
    sheet is parsed once."""
    where = {key: p for key, p in _where(book).items() if sheets is None or p.sheet in sheets}
    return dict(zip(where, book.values(list(where.values())), strict=False))


def read_book(book: Book, source: str, saved_at: str | None = None) -> Report:
    cells = {key: str(p) for key, p in _where(book).items()}
    return Report.from_raw(raw_values(book), source, "workbook", cells, layout.formulas(), saved_at)
