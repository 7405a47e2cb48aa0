"""Read a filled standard workbook into report data, by its defined names.

Refuses (UnusableFile, exit code 2) what is not our current template: no marker, another template
version, missing names, or the 2019 format. Formula results cached in the file are never trusted:
``Report.from_raw`` recomputes totals from the inputs and reports a total whose formula was
replaced.
"""

from __future__ import annotations

import gc
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import spec
from ..errors import NotOurTemplate, OldFormat, TemplateVersion, UnusableFile
from ..ooxml.cells import CellPos
from ..ooxml.package import Package
from ..ooxml.workbook import Book, core_modified, custom_property
from ..report import Origin, Report
from . import layout
from .structure import locate, lost_cell

OLD_FORMAT_MESSAGE = ("这是2019年旧版格式（国办公开办函〔2019〕60号）的报表，2021年度起已停用："
                      "请用 nianbao new 生成新模板重新填写")


def file_digest(data: bytes) -> str:
    """What write-back compares to know that a workbook's bytes are still those that were checked
    (so it need not read them again): their CRC-32 and length. A change that keeps both is one
    in four billion, and the write-back would then still only mark cells, never change a value.
    zlib is loaded already (the zip); hashlib would load OpenSSL, ~1.5 ms at every start."""
    return f"{zlib.crc32(data):08x}-{len(data)}"


def read_workbook(path: Path | str) -> Report:
    report, book = open_workbook(path)
    book.pkg.close()
    return report


def open_workbook(path: Path | str) -> tuple[Report, Book]:
    """The report, and the workbook it was read from, still open (in memory) and parsed: the
    write-back of its check edits that, rather than read and parse the file again
    (``writeback.render_workbook_bytes``)."""
    path = Path(path)
    with gc_paused():
        return _open_workbook(path)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a workbook is read: reading makes a few thousand
    objects (the parsed sheets, then the report), none in a cycle that needs the collector, and
    each of the collections they would set off walks them all, about a twentieth of the
    reading's time. Re-enabled after, where it was enabled before."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _open_workbook(path: Path) -> tuple[Report, Book]:
    pkg = Package.open(path)
    try:
        book = Book.load(pkg)
        check_template(book)
        report = read_book(book, str(path), saved_at=core_modified(pkg))
        report.digest = file_digest(pkg.data)
        report.summary_of = custom_property(pkg, layout.SUMMARY_PROPERTY)
        report.summary_units = summary_units(book) if report.summary_of else ()
    except BaseException:
        pkg.close()
        raise
    return report, book


def summary_units(book: Book) -> tuple[str, ...]:
    """The units a summary workbook sums (``layout.SHEET_SUMMARY_UNITS``), () when it has no list."""
    sheet = layout.SHEET_SUMMARY_UNITS
    if sheet not in book.sheets:
        return ()
    try:
        count = book.cells(sheet, {layout.SUMMARY_UNITS_COUNT}).get(layout.SUMMARY_UNITS_COUNT)
        if not isinstance(count, (int, float)) or not 0 < count <= 1_000_000:
            return ()
        first = layout.SUMMARY_UNITS_FIRST_ROW
        found = book.cells(sheet, {(first + i, 1) for i in range(int(count))})
    except UnusableFile:  # a damaged list: the summary is still a summary, without it
        return ()
    return tuple(str(v).strip() for _, v in sorted(found.items()) if isinstance(v, str) and v.strip())


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
    """Raise UnusableFile unless this is a standard template of ours (rule E8). A name that
    lost its cell (``#REF!``: a row or column deleted) is a structure change, not a refusal."""
    where = book.resolve(layout.MARKER_NAME)
    marker = None
    if where:
        marker = book.values([where])[0]
    check_marker(marker, lambda: _old_format(book))
    resolved = book.resolved()
    check_names([n for n in layout.names()
                 if resolved.get(n) is None and not lost_cell(book.names.get(n, ""))])


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
        number = int(found) if found.isascii() and found.isdigit() else None
        if number is not None and 1 <= number < spec.TEMPLATE_VERSION:
            return  # an earlier release's template: read as it is, by its defined names
        newer = number is not None and number > spec.TEMPLATE_VERSION
        raise TemplateVersion(
            f"模板版本为第{found}版，本程序使用第{spec.TEMPLATE_VERSION}版："
            + ("请升级 nianbao 后再校验" if newer else
               "请用 nianbao new 生成新模板，把数据转填过去（或让填报单位用新模板重填）"))


def check_names(missing: list[str]) -> None:
    if missing:
        raise NotOurTemplate(f"模板被改动：缺少{len(missing)}个单元格名称（如 {missing[0]}），"
                           "请用 nianbao new 生成的模板重新填写")


def _targets(book: Book) -> dict[str, CellPos | None]:
    """key -> its cell by its defined name; None where the name lost its cell (#REF!).
    check_template made sure every name is there."""
    resolved = book.resolved()
    return {key: resolved.get(name) for name, key in layout.names().items()}


def raw_values(book: Book, sheets: set[str] | None = None,
               targets: dict[str, CellPos | None] | None = None) -> dict[str, object]:
    """key -> the raw value in its named cell, for the keys on ``sheets`` (default: all); each
    sheet is parsed once. ``targets``: ``_targets(book)``, where the caller has them."""
    where = {key: p for key, p in (targets or _targets(book)).items()
             if p is not None and (sheets is None or p.sheet in sheets)}
    return dict(zip(where, book.values(list(where.values())), strict=True))


def read_book(book: Book, source: str, saved_at: str | None = None) -> Report:
    targets = _targets(book)
    return report_at(raw_values(book, targets=targets), targets, source, "workbook", saved_at)


def report_at(raw: dict[str, object], targets: dict[str, CellPos | None], source: str,
              origin: Origin, saved_at: str | None = None) -> Report:
    """The report of a workbook's raw values, given where each key's defined name points (shared
    with the live-book adapter): structure changes found, formulas judged where the cells are."""
    pos, changes = locate(targets)
    return Report.from_raw(raw, source, origin, dict(pos), layout.formulas_at(pos), saved_at, changes)
