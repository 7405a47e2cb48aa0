"""Notes on marked cells: Excel's classic "notes" (a comments part and a VML drawing per sheet).

Why classic notes and not something else: they are the one way to attach text to a cell that
Excel, WPS and LibreOffice all show (a red corner, the text on hover) and keep when they save;
they work on protected sheets; and they leave the cell's value, format, validation and the
template's conditional formats alone.

Which notes are ours: a program that re-saves the workbook may change a note's author (LibreOffice
writes " "), split its text into runs, rewrite the VML and renumber everything. So a note is ours
when its text begins with ``nianbao 校验：`` (runs joined, spaces ignored) and its cell is one an
earlier check recorded: its hidden mark says error or warning, or the results sheet lists it, or
it still carries our author. Never by the author alone, and a note a user wrote is never touched
(a cell with a user's note gets no note from us; its colour still shows the finding). When no
note is left on a sheet, the parts we added are removed again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..ooxml.comments import (
    COMMENTS_CT,
    COMMENTS_TYPE,
    VML_CT,
    VML_TYPE,
    CommentsPart,
    PartShapeError,
    VmlDrawing,
    new_comments,
    new_drawing,
)
from ..ooxml.package import Package, Relationship, parse_relationships, relative_target, rels_name
from ..ooxml.partedit import Relationships, edit_content_types
from ..ooxml.sheetedit import SheetEditor
from ..ooxml.xml import REL_NS, read_xml
from .plan import NOTE_AUTHOR, Note

NOTE_PREFIX = re.sub(r"\s", "", f"{NOTE_AUTHOR} 校验：")
_SPACE = re.compile(r"\s+")


def is_our_text(text: str) -> bool:
    return _SPACE.sub("", text[:64]).startswith(NOTE_PREFIX)


@dataclass(eq=False)  # (compared by identity: one method fewer to compile at each start)
class Changes:
    """Parts changed, added and removed by write-back, and the content types to add."""

    parts: dict[str, bytes] = field(default_factory=dict)  # changed or new part -> content
    removed: set[str] = field(default_factory=set)
    overrides_add: dict[str, str] = field(default_factory=dict)  # "xl/comments1.xml" -> type
    defaults_add: dict[str, str] = field(default_factory=dict)  # "vml" -> type
    skipped: list[str] = field(default_factory=list)  # sheets whose notes could not be written
    drawn: dict[str, list[str]] = field(default_factory=dict)  # drawing made here -> its shape ids

    def exists(self, pkg: Package, name: str) -> bool:
        return name in self.parts or (name not in self.removed and pkg.has(name))

    def read(self, pkg: Package, name: str) -> bytes:
        return self.parts[name] if name in self.parts else pkg.read(name)

    def put(self, name: str, data: bytes) -> None:
        self.parts[name] = data
        self.removed.discard(name)

    def drop(self, name: str) -> None:
        self.parts.pop(name, None)
        self.drawn.pop(name, None)
        self.overrides_add.pop(name, None)
        self.removed.add(name)

    def free_name(self, pkg: Package, pattern: str) -> str:
        """The first part name of ``pattern`` ("xl/comments{}.xml") not in use, nor removed now."""
        n = 1
        while self.exists(pkg, pattern.format(n)) or pattern.format(n) in self.removed:
            n += 1
        return pattern.format(n)

    def content_types(self, data: bytes) -> bytes:
        return edit_content_types(data, removed=self.removed, defaults=self.defaults_add, overrides=self.overrides_add)


def apply_notes(pkg: Package, ch: Changes, sheet_part: str, sheet: SheetEditor, notes: list[Note],
                block: int, recorded: Callable[[int, int], bool]) -> None:
    """Replace our notes on one sheet by ``notes``. ``recorded(row, col)``: an earlier check
    marked or listed that cell. ``block``: the VML shape id block of a new drawing."""
    try:
        _apply(pkg, ch, sheet_part, sheet, notes, block, recorded)
    except PartShapeError:
        ch.skipped.append(sheet_part)  # an odd comments or VML part: left exactly as it is


def _apply(pkg: Package, ch: Changes, sheet_part: str, sheet: SheetEditor, notes: list[Note],
           block: int, recorded: Callable[[int, int], bool]) -> None:
    rels_part = rels_name(sheet_part)
    rels_data = ch.read(pkg, rels_part) if ch.exists(pkg, rels_part) else None
    rels = parse_relationships(sheet_part, read_xml(rels_data, rels_part)) if rels_data is not None else []
    comments_rel = next((r for r in rels if r.is_a("comments") and not r.external), None)
    ld = sheet.legacy_drawing()
    vml_rel = None
    if ld is not None:
        rid = ld.get(f"{{{REL_NS}}}id")
        vml_rel = next((r for r in rels if r.id == rid and not r.external), None)
        if vml_rel is None or not ch.exists(pkg, vml_rel.target):
            ch.skipped.append(sheet_part)
            return
    if comments_rel is None and not notes:
        return
    if comments_rel is not None and (vml_rel is None or not ch.exists(pkg, comments_rel.target)):
        ch.skipped.append(sheet_part)  # comments without their drawing: leave them alone
        return
    rels_edit = Relationships(rels_data, rels_part)
    before = rels_edit.count
    if comments_rel is None and vml_rel is None:
        _first_notes(pkg, ch, sheet_part, sheet, notes, block, rels_edit)
    else:
        _edit_notes(pkg, ch, sheet_part, sheet, notes, block, recorded, rels_edit, comments_rel, vml_rel)
    if rels_edit.count == before:
        return  # (the relationships part stays as it was)
    if rels_edit.count:
        ch.put(rels_part, rels_edit.to_bytes())
    elif ch.exists(pkg, rels_part):
        ch.drop(rels_part)


def _first_notes(pkg: Package, ch: Changes, sheet_part: str, sheet: SheetEditor, notes: list[Note],
                 block: int, rels: Relationships) -> None:
    """A sheet without notes yet: its comments part and drawing written as text (no tree)."""
    mine = sorted(notes, key=lambda n: (n.row, n.col))
    comments_part = ch.free_name(pkg, "xl/comments{}.xml")
    vml_part = ch.free_name(pkg, "xl/drawings/vmlDrawing{}.vml")
    ch.put(comments_part, new_comments(NOTE_AUTHOR, [(n.a1, n.text) for n in mine]))
    drawing, ids = new_drawing(block, [(n.row, n.col) for n in mine])
    ch.put(vml_part, drawing)
    ch.drawn[vml_part] = ids
    _link_comments(ch, sheet_part, rels, comments_part)
    _link_drawing(ch, sheet_part, sheet, rels, vml_part)


def _link_comments(ch: Changes, sheet_part: str, rels: Relationships, comments_part: str) -> None:
    """A new comments part made the sheet's: its relationship and content type."""
    rels.add(COMMENTS_TYPE, relative_target(sheet_part, comments_part))
    ch.overrides_add[comments_part] = COMMENTS_CT


def _link_drawing(ch: Changes, sheet_part: str, sheet: SheetEditor, rels: Relationships, vml_part: str) -> None:
    """A new VML drawing made the sheet's: its relationship, content type and legacyDrawing."""
    sheet.add_legacy_drawing(rels.add(VML_TYPE, relative_target(sheet_part, vml_part)))
    ch.defaults_add["vml"] = VML_CT


def _edit_notes(pkg: Package, ch: Changes, sheet_part: str, sheet: SheetEditor, notes: list[Note], block: int,
                recorded: Callable[[int, int], bool], rels: Relationships, comments_rel: Relationship | None,
                vml_rel: Relationship | None) -> None:
    """A sheet with notes or a drawing already: both parts edited as trees (lxml)."""
    comments = CommentsPart(ch.read(pkg, comments_rel.target) if comments_rel else None)
    removed_cells: set[tuple[int, int]] = set()
    user_cells: set[tuple[int, int]] = set()
    for c in comments.comments():
        if c.cell is not None and is_our_text(c.text) and (c.author == NOTE_AUTHOR or recorded(*c.cell)):
            comments.remove(c)
            removed_cells.add(c.cell)
        elif c.cell is not None:
            user_cells.add(c.cell)
    mine = sorted((n for n in notes if (n.row, n.col) not in user_cells), key=lambda n: (n.row, n.col))
    if not mine and not removed_cells:
        return  # nothing of ours before or now: leave every part as it is
    for n in mine:
        comments.add(n.a1, NOTE_AUTHOR, n.text)

    vml_part = vml_rel.target if vml_rel else ch.free_name(pkg, "xl/drawings/vmlDrawing{}.vml")
    vml = VmlDrawing(ch.read(pkg, vml_part) if vml_rel else None, block)
    for shape, cell in vml.note_shapes():
        if cell in removed_cells and cell not in user_cells:
            vml.remove(shape)
    if mine:
        vml.add_notes([(n.row, n.col) for n in mine])

    if len(comments) == 0:
        assert comments_rel is not None  # comments were read through it
        ch.drop(comments_rel.target)
        rels.drop(comments_rel.id)
        if not vml.has_shapes():
            ch.drop(vml_part)
            assert vml_rel is not None  # the drawing was read through it
            rels.drop(vml_rel.id)
            sheet.remove_legacy_drawing()
        else:
            ch.put(vml_part, vml.to_bytes())
    else:
        comments.sort()
        comments_part = comments_rel.target if comments_rel else ch.free_name(pkg, "xl/comments{}.xml")
        ch.put(comments_part, comments.to_bytes())
        ch.put(vml_part, vml.to_bytes())
        if comments_rel is None:
            _link_comments(ch, sheet_part, rels, comments_part)
        if vml_rel is None:
            _link_drawing(ch, sheet_part, sheet, rels, vml_part)


def unique_vml_ids(pkg: Package, ch: Changes) -> None:
    """Every VML drawing of the workbook as written, its shape and shapetype ids made unique across
    the package (``VmlDrawing.make_ids_unique``): LibreOffice's and Excel's repeat them, and every
    file we write must pass the validator. Only ids change; a drawing that is not XML is left as is."""
    taken: set[str] = set()
    names = sorted({n for n in (*pkg.zf.namelist(), *ch.parts) if n.lower().endswith(".vml")},
                   key=lambda n: (len(n), n))  # vmlDrawing2 before vmlDrawing10
    for name in names:
        if not ch.exists(pkg, name):
            continue
        if name in ch.drawn:
            # A drawing made here (``new_drawing``) has one shapetype and shapes named
            # _x0000_sN only, which make_ids_unique never renames: it would change nothing, and
            # only its ids matter, to the drawings after it. So it is not parsed, and a workbook
            # whose drawings were all made here needs no XML tree at all.
            taken.update(ch.drawn[name])
            continue
        try:
            vml = VmlDrawing(ch.read(pkg, name))
        except PartShapeError:
            continue
        if vml.make_ids_unique(taken):
            ch.put(name, vml.to_bytes())
