"""Apply a write-back plan to an .xlsx file's bytes, touching only what write-back owns.

Every part of the package is copied unchanged (its stored bytes) except: the worksheets that hold
cells we write (marks, the verdict, the results sheet), edited through ``ooxml.sheetedit``, the
notes' comments and VML parts with their relationships and content types (notes), and a theme
part where the workbook has none (a LibreOffice save; ``ooxml.theme``). Images, charts,
shapes, comments of users, extra sheets, styles, 2010+ extensions, cached formula values, VBA: all
stay byte-for-byte as they were, because they are never parsed. Sheets and cells are found the
way the reader finds them (workbook.xml relationships and defined names), so a workbook re-saved
by Excel, WPS or LibreOffice, with other part names, shared strings and style numbers, is handled
the same.

After patching, the new bytes are read back and compared with the old ones: the same parts
(besides our notes), and every value of the report identical. A difference is a bug of ours, and
raises ``LossDetected`` rather than let a user's value be lost.
"""

from __future__ import annotations

import datetime as _dt
import math
import posixpath
from dataclasses import dataclass

from ..errors import NotOurTemplate, OutputBlocked
from ..ooxml.cells import CellPos
from ..ooxml.package import CONTENT_TYPES, Package, relative_target, rels_name
from ..ooxml.partedit import Relationships
from ..ooxml.sheetedit import CellValue, SheetEditor
from ..ooxml.theme import THEME_CT, THEME_TYPE, default_theme
from ..ooxml.workbook import Book
from ..ooxml.zipwrite import Member, copied, copyable, raw_member, write_zip
from ..rules.engine import CheckResult
from ..values import Formula
from ..workbook import layout
from ..workbook.read import check_template, file_digest, raw_values, read_book
from .notes import Changes, apply_notes, unique_vml_ids
from .plan import Plan, build_plan


class LossDetected(Exception):
    """The patched workbook would not read back the same: the original must not be replaced
    with it (``content``: the patched workbook, for a copy beside the original)."""

    def __init__(self, message: str, content: bytes = b"") -> None:
        super().__init__(message)
        self.content = content


@dataclass(eq=False)  # (compared by identity: one method fewer to compile at each start)
class Rendered:
    """A workbook with the results written into it, as bytes."""

    content: bytes
    plan: Plan
    notes_skipped: list[str]  # sheets whose notes could not be written (their marks were)


class _Sheets:
    """Each sheet part parsed once, for reading and then editing."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self._editors: dict[str, SheetEditor] = {}

    def __getitem__(self, sheet: str) -> SheetEditor:
        if sheet not in self._editors:
            self._editors[sheet] = SheetEditor(self.book.pkg.read(self.book.sheets[sheet]), self.book.label(sheet))
        return self._editors[sheet]


def _styles(book: Book, sheets: _Sheets, resolve) -> dict[str, str | None]:
    """Style name -> the style index of its prototype cell in this file (see layout)."""
    marker = resolve(layout.MARKER_NAME)
    found: dict[str, str] = {}
    if marker is not None:
        for name in layout.RESULT_STYLES:
            proto = layout.style_prototype(name)
            style = sheets[marker.sheet].style_of(proto.row, proto.col)
            if style is not None:
                found[name] = style
    fallback: str | None = None  # templates without prototypes: the results sheet's note style
    header = resolve(layout.RESULTS_NAME)
    if len(found) < len(layout.RESULT_STYLES) and header is not None:
        fallback = sheets[header.sheet].style_of(header.row - 1, header.col)
    return {name: found.get(name, fallback) for name in layout.RESULT_STYLES}


def _listed_cells(book: Book, sheets: _Sheets, header: CellPos | None) -> set[CellPos]:
    """The cells the results sheet of the last check lists (its 单元格 column)."""
    if header is None:
        return set()
    col = header.col + [label for label, _ in layout.RESULTS_COLUMNS].index("单元格")
    editor = sheets[header.sheet]
    wanted = {(r, col) for r in editor.rows if r > header.row}
    found = editor.read(wanted, book.context(header.sheet))
    return {p for v in found.values() if isinstance(v, str) and (p := CellPos.find(v)) is not None}


def render(data: bytes, result: CheckResult, *, checked_at: _dt.datetime | None = None,
           name: str = "workbook.xlsx", book: Book | None = None) -> Rendered:
    """The workbook ``data`` with ``result`` written back; raises UnusableFile (not our template,
    or changed since it was checked), SheetShapeError (a part we cannot edit) or LossDetected.
    ``book``: ``data`` already opened and read (not opened and loaded again)."""
    if book is None or book.pkg.data is not data:
        book = Book.load(Package.from_bytes(data, name))
    pkg = book.pkg
    if result.report.digest is not None and result.report.digest == file_digest(data):
        before = result.report  # these very bytes were read and judged for the check
    else:
        check_template(book)
        before = read_book(book, name)
        if _comparable(before.raw) != _comparable(result.report.raw):
            raise OutputBlocked("工作簿在校验之后又被修改过：请重新校验后再写回")
    resolve = book.resolve
    plan = build_plan(result, resolve=resolve, checked_at=checked_at)
    sheets = _Sheets(book)
    styles = _styles(book, sheets, resolve)
    results_header = resolve(layout.RESULTS_NAME)
    listed = _listed_cells(book, sheets, results_header)
    ch = Changes()

    notes_by_sheet: dict[str, list] = {}
    for n in plan.notes:
        notes_by_sheet.setdefault(n.sheet, []).append(n)
    writes_by_sheet = plan.by_sheet()
    # (every value sheet gets its marks written, so a sheet that had our notes is always visited)
    for number, (sheet, part) in enumerate(book.sheets.items(), 1):
        writes = writes_by_sheet.get(sheet, [])
        clear = next((r for s, r in plan.clear_from if s == sheet), None)
        if not writes and clear is None and sheet not in notes_by_sheet:
            continue
        editor = sheets[sheet]

        def recorded(row: int, col: int, sheet: str = sheet, editor: SheetEditor = editor) -> bool:
            p = CellPos(sheet, row, col)
            mark = layout.mark_of(p)
            return p in listed or editor.number_at(mark.row, mark.col) in (layout.MARK_WARNING, layout.MARK_ERROR)

        # notes first: ``recorded`` reads the marks of the last check, before they are rewritten
        apply_notes(pkg, ch, part, editor, notes_by_sheet.get(sheet, []), number, recorded)
        cells = {(w.row, w.col): CellValue(w.value, None if w.style == "keep" else styles[w.style]) for w in writes}
        if clear is not None:
            editor.clear_from(clear, keep=set(cells))
        editor.set_cells(cells)
        if results_header is not None and sheet == results_header.sheet:
            editor.replace_hyperlinks([(w.a1, str(w.link), str(w.value)) for w in writes if w.link], clear)
        edited = editor.edited()
        if edited is not None:
            ch.put(part, edited)
    unique_vml_ids(pkg, ch)
    _add_theme(pkg, ch)
    missing = {w.sheet for w in plan.writes} - set(book.sheets)
    if missing:
        raise NotOurTemplate(f"工作簿中没有工作表“{sorted(missing)[0]}”，无法写回")
    if ch.overrides_add or ch.defaults_add or ch.removed:
        ch.put(CONTENT_TYPES, ch.content_types(pkg.read(CONTENT_TYPES)))
    content = _zip(pkg, ch)
    try:
        _verify(pkg, book, ch, content, before, name)
    except LossDetected as exc:
        exc.content = content
        raise
    return Rendered(content, plan, ch.skipped)


def _add_theme(pkg: Package, ch: Changes) -> None:
    """The theme part where the workbook has none (a LibreOffice save): the schema requires it,
    and an annotated copy must pass the validator as our own files do (``ooxml.theme``)."""
    wb = pkg.workbook_part
    if pkg.related(wb, "theme"):
        return
    part = ch.free_name(pkg, posixpath.join(posixpath.dirname(wb), "theme", "theme{}.xml"))
    rels = rels_name(wb)
    edit = Relationships(ch.read(pkg, rels) if ch.exists(pkg, rels) else None, rels)
    edit.add(THEME_TYPE, relative_target(wb, part))
    ch.put(rels, edit.to_bytes())
    ch.put(part, default_theme())
    ch.overrides_add[part] = THEME_CT


_NAN = object()


def _same(v: object) -> object:
    """A value as the read-back check compares it: NaN equals NaN (a <v>NaN</v> cell)."""
    if isinstance(v, float) and math.isnan(v):
        return _NAN
    if isinstance(v, Formula):
        return (v.text, _same(v.cached))
    return v


def _comparable(raw: dict) -> dict:
    return {k: _same(v) for k, v in raw.items()}


def _zip(pkg: Package, ch: Changes) -> bytes:
    members = []
    seen = set()
    for info in pkg.zf.infolist():
        if info.filename in ch.removed:
            continue
        seen.add(info.filename)
        new = ch.parts.get(info.filename)
        if new is not None:
            members.append(Member.new(info.filename, new, info.date_time, info.external_attr))
        elif copyable(info):
            members.append(copied(pkg.data, info))
        else:
            members.append(Member.new(info.filename, pkg.read(info.filename), info.date_time, info.external_attr))
    for part in sorted(set(ch.parts) - seen):
        members.append(Member.new(part, ch.parts[part]))
    return write_zip(members)


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
        if (a.CRC, a.file_size) != (b.CRC, b.file_size) or (
                copyable(a) and raw_member(pkg.data, a) != raw_member(new.data, b)):
            raise LossDetected(f"写回改变了不属于 nianbao 的部件 {part}")
    wb = pkg.workbook_part
    shared = {wb, *pkg.related(wb, "sharedStrings"), *pkg.related(wb, "styles")}
    # The workbook's relationships change only where a theme was added (``_add_theme``, a
    # LibreOffice save): its sheets, strings and styles are the same parts still.
    if shared & set(ch.parts) or (rels_name(wb) in ch.parts and _links(pkg) != _links(new)):
        # never so today; then the new package is judged on its own
        reread = Book.load(new)
        check_template(reread)
    else:
        reread = book.over(new)
    # The values on sheets whose part is byte-identical are identical: read the changed ones.
    changed = {sheet for sheet, part in book.sheets.items() if part in ch.parts}
    after = raw_values(reread, changed)
    was = {k: before.raw.get(k) for k in after}
    if _comparable(after) != _comparable(was):
        diff = [k for k in after if _same(after[k]) != _same(was[k])]
        raise LossDetected(f"写回后读出的数据与原来不同（{diff[:3]}）")


def _links(pkg: Package) -> list[tuple[str, str, str, bool]]:
    """The workbook's relationships but to its theme."""
    return [(r.id, r.type, r.target, r.external) for r in pkg.relationships(pkg.workbook_part) if not r.is_a("theme")]
