"""Apply a write-back plan to an .xlsx file's bytes, touching only what write-back owns.

Every part of the package is copied unchanged except: the worksheets that hold cells we write
(marks, the verdict, the results sheet), edited surgically (sheetxml), and the notes' comments and
VML parts with their relationships and content types (notes). Images, charts, shapes, comments of
users, extra sheets, styles, 2010+ extensions, cached formula values, VBA: all stay byte-for-byte
as they were, because they are never parsed. Sheets and cells are found the way the reader finds
them (workbook.xml relationships and defined names), so a workbook re-saved by Excel, WPS or
LibreOffice, with other part names, shared strings and style numbers, is handled the same.

After patching, the new bytes are read back and compared with the old ones: the same parts
(besides our notes), and every value of the report identical. A difference is a bug of ours, and
raises ``LossDetected`` rather than let a user's value be lost.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as _dt
import io
import struct
import zipfile
from dataclasses import dataclass

from ..errors import OutputBlocked
from ..ooxml.package import Package
from ..ooxml.workbook import Book
from ..ooxml.xml import parse_xml
from ..rules.engine import CheckResult
from ..workbook import layout
from ..workbook.layout import CellPos
from ..workbook.read import check_template, file_digest, raw_values, read_book
from .notes import Changes, apply_notes, content_types
from .plan import Plan, build_plan
from .sheetxml import CellValue, SheetShapeError, SheetXml


class LossDetected(Exception):
    """The patched workbook would not read back the same: the original must not be replaced
    with it (``content``: the patched workbook, for a copy beside the original)."""

    def __init__(self, message: str, content: bytes = b"") -> None:
        super().__init__(message)
        self.content = content


@dataclass
class Rendered:
    content: bytes
    plan: Plan
    notes_skipped: list[str]  # sheets whose notes could not be written (their marks were)


def _resolver(book: Book):
    return book.resolve


def _styles(book: Book, resolve) -> dict[str, str | None]:
    """Style name -> the style index of its prototype cell in this file (see layout)."""
    marker = resolve(layout.MARKER_NAME)
    refs = {name: layout.style_prototype(name).a1 for name in layout.RESULT_STYLES}
    found: dict[str, str] = {}
    if marker is not None and marker.sheet in book.sheets:
        found = SheetXml(book.pkg.read(book.sheets[marker.sheet])).styles_of(set(refs.values()))
    fallback: str | None = None  # templates without prototypes: the results sheet's note style
    header = resolve(layout.RESULTS_NAME)
    if len(found) < len(refs) and header is not None and header.sheet in book.sheets:
        summary_ref = layout.a1(header.row - 1, header.col)
        fallback = SheetXml(book.pkg.read(book.sheets[header.sheet])).styles_of({summary_ref}).get(summary_ref)
    return {name: found.get(ref, fallback) for name, ref in refs.items()}


def render(data: bytes, result: CheckResult, *, checked_at: _dt.datetime | None = None,
           name: str = "workbook.xlsx") -> Rendered:
    """The workbook ``data`` with ``result`` written back; raises UnusableFile (not our template,
    or changed since it was checked), SheetShapeError (a part we cannot edit) or LossDetected."""
    pkg = Package.from_bytes(data, name)
    book = Book.load(pkg)
    if result.report.digest is not None and result.report.digest == file_digest(data):
        before = result.report  # these very bytes were read and judged for the check
    else:
        check_template(book)
        before = read_book(book, name)
        if _comparable(before.raw) != _comparable(result.report.raw):
            raise OutputBlocked("工作簿在校验之后又被修改过：请重新校验后再写回")
    resolve = _resolver(book)
    plan = build_plan(result, resolve=resolve, checked_at=checked_at)
    styles = _styles(book, resolve)
    part_of_sheet = book.sheets
    ch = Changes()

    results_header = resolve(layout.RESULTS_NAME)
    sheet_numbers = {s: i + 1 for i, s in enumerate(part_of_sheet)}
    notes_by_sheet: dict[str, list] = {}
    for n in plan.notes:
        notes_by_sheet.setdefault(n.sheet, []).append(n)
    writes_by_sheet = plan.by_sheet()
    sheets = set(writes_by_sheet) | set(notes_by_sheet)
    # (every value sheet gets its marks written, so a sheet that had our notes is always visited)
    for sheet in sorted(sheets):
        if sheet not in part_of_sheet:
            raise SheetShapeError(f"sheet {sheet} not found")
        part = part_of_sheet[sheet]
        writes = writes_by_sheet.get(sheet, [])
        sx = SheetXml(pkg.read(part))
        clear = next((r for s, r in plan.clear_from if s == sheet), None)
        cells = {(w.row, w.col): CellValue(w.value, None if w.style == "keep" else styles[w.style])
                 for w in writes}
        links = None
        if results_header is not None and sheet == results_header.sheet:
            links = [(w.a1, str(w.link), str(w.value)) for w in writes if w.link]
        text = sx.edit(cells, clear, links).decode("utf-8") if (writes or clear is not None) else sx.text
        text = apply_notes(pkg, ch, part, text, notes_by_sheet.get(sheet, []), sheet_numbers[sheet])
        if text != sx.text:
            ch.parts[part] = text.encode("utf-8")
    if ch.overrides_add or ch.defaults_add or ch.removed:
        ct = "[Content_Types].xml"
        ch.parts[ct] = content_types(pkg.read(ct).decode("utf-8"), ch).encode("utf-8")
    value_parts = {part_of_sheet[CellPos.parse(p).sheet] for p in before.cells.values()}
    for part, content in ch.parts.items():
        if not part.endswith(".vml") and part not in value_parts:  # those _verify reads anyway
            parse_xml(content)  # well-formed, or raise UnusableFile before anything is written
    content = _zip(pkg, ch)
    try:
        _verify(pkg, book, ch, content, before, name)
    except LossDetected as exc:
        exc.content = content
        raise
    return Rendered(content, plan, ch.skipped)


def _comparable(raw: dict) -> dict:
    return {k: (v.text, v.cached) if hasattr(v, "cached") else v for k, v in raw.items()}


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # a zip member's local file header (30 bytes)
_DATA_DESCRIPTOR = 0x08  # flag bit: sizes and CRC follow the data instead of the header


def raw_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's compressed bytes as stored, without inflating them."""
    zf.fp.seek(info.header_offset)
    fields = _LOCAL_HEADER.unpack(zf.fp.read(_LOCAL_HEADER.size))
    if fields[0] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_len, extra_len = fields[-2], fields[-1]
    zf.fp.seek(info.header_offset + _LOCAL_HEADER.size + name_len + extra_len)
    return zf.fp.read(info.compress_size)


def _copy_member(dst: zipfile.ZipFile, info: zipfile.ZipInfo, raw: bytes) -> None:
    """Append a member to ``dst`` as already-compressed bytes: a part we do not own is carried
    over exactly as stored, and not inflated and deflated again (most of a write-back's time
    otherwise). zipfile has no public call for this; the steps are those of its writestr."""
    zinfo = copy.copy(info)
    zinfo.flag_bits &= ~_DATA_DESCRIPTOR  # the header below carries CRC and sizes itself
    zinfo.extra = b""  # no zip64 or other extras: our members are far below 4 GB
    zinfo.header_offset = dst.fp.tell()
    dst._writecheck(zinfo)
    dst._didModify = True
    dst.fp.write(zinfo.FileHeader(False))
    dst.fp.write(raw)
    dst.filelist.append(zinfo)
    dst.NameToInfo[zinfo.filename] = zinfo
    dst.start_dir = dst.fp.tell()


def can_copy_raw(dst: zipfile.ZipFile) -> bool:
    """Whether this Python's zipfile has the internals _copy_member uses (3.10 to 3.13 do); a
    later one without them gets the plain, slower copy rather than an error."""
    return all(hasattr(dst, a) for a in ("_writecheck", "_didModify", "NameToInfo", "filelist",
                                         "start_dir", "fp"))


def _zip(pkg: Package, ch: Changes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        raw_ok = can_copy_raw(dst)
        seen = set()
        for info in pkg.zf.infolist():
            if info.filename in ch.removed:
                continue
            seen.add(info.filename)
            data = ch.parts.get(info.filename)
            if data is not None:
                dst.writestr(copy.copy(info), data)  # writestr sets the info's offset: not the source's
            elif raw_ok and info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) \
                    and not info.flag_bits & 0x01:  # not encrypted
                _copy_member(dst, info, raw_member(pkg.zf, info))
            else:
                dst.writestr(copy.copy(info), pkg.read(info.filename))
        for name in sorted(set(ch.parts) - seen):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, ch.parts[name])
    return out.getvalue()


def _verify(pkg: Package, book: Book, ch: Changes, content: bytes, before, name: str) -> None:
    """Read the new bytes back: every part kept (other than our notes' own), same values.

    The workbook part, shared strings and styles are among the parts kept byte for byte
    (write-back writes inline strings and reuses styles), so the source's parsed ``book`` serves
    for the new package; only the sheets we changed are parsed again, by ``raw_values``."""
    new = Package.from_bytes(content, name)
    old_names = set(pkg.zf.namelist()) - ch.removed
    missing = old_names - set(new.zf.namelist())
    if missing:
        raise LossDetected(f"写回后缺少部件：{sorted(missing)[:3]}")
    for part in old_names - set(ch.parts):
        a, b = pkg.zf.getinfo(part), new.zf.getinfo(part)
        # Copied as stored: the same compressed bytes, CRC and size mean the same content (and a
        # member that does not inflate to its CRC is caught when it is read, below or later).
        if (a.CRC, a.file_size) != (b.CRC, b.file_size) or raw_member(pkg.zf, a) != raw_member(new.zf, b):
            raise LossDetected(f"写回改变了不属于 nianbao 的部件 {part}")
    folder, base = pkg.workbook_part.rsplit("/", 1) if "/" in pkg.workbook_part else ("", pkg.workbook_part)
    shared = {pkg.workbook_part, f"{folder}/_rels/{base}.rels".lstrip("/"),
              *pkg.related(pkg.workbook_part, "sharedStrings"), *pkg.related(pkg.workbook_part, "styles")}
    if shared & set(ch.parts):  # never so today; then the new package is judged on its own
        reread = Book.load(new)
        check_template(reread)
    else:
        reread = dataclasses.replace(book, pkg=new, _resolved=None)
    # The values on sheets whose part is byte-identical are identical: read the changed ones.
    changed = {sheet for sheet, part in book.sheets.items() if part in ch.parts}
    after = raw_values(reread, changed)
    was = {k: before.raw.get(k) for k in after}
    if _comparable(after) != _comparable(was):
        diff = [k for k in after if _comparable({k: after[k]}) != _comparable({k: was[k]})]
        raise LossDetected(f"写回后读出的数据与原来不同（{diff[:3]}）")

