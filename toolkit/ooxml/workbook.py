"""The workbook part and its companions: sheets, defined names, shared strings, date styles."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import NotOurTemplate, UnusableFile
from .cells import CellPos
from .package import Package
from .sheetread import SheetContext, read_cells
from .strings import shared_strings
from .styles import date_styles
from .xml import REL_NS, local, read_xml_through


@dataclass(eq=False)  # (compared by identity: one method fewer to compile at each start)
class Book:
    """What workbook.xml says, with the parts it needs to read cells."""

    pkg: Package
    sheets: dict[str, str]  # sheet name -> part name, in the workbook's order
    names: dict[str, str]  # workbook-scoped defined name -> its formula text
    strings: list[str]
    date_styles: set[int]  # indexes of cellXfs that format numbers as dates
    date1904: bool
    # sheet-scoped defined name -> (its sheet, its formula text) for each sheet that has one
    local_names: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    _resolved: dict[str, CellPos | None] | None = field(default=None, repr=False)

    @classmethod
    def load(cls, pkg: Package) -> Book:
        root = pkg.xml(pkg.workbook_part)
        rels = {r.id: r for r in pkg.relationships(pkg.workbook_part) if not r.external}
        sheets: dict[str, str] = {}
        names: dict[str, str] = {}
        local_names: dict[str, list[tuple[str, str]]] = {}
        order: list[str] = []  # every <sheet>, as localSheetId counts them
        date1904 = False
        for el in root:
            tag = local(el.tag)
            if tag == "workbookPr":
                date1904 = el.get("date1904") in ("1", "true")
            elif tag == "sheets":
                for sh in el:
                    order.append(sh.get("name", ""))
                    rid = sh.get(f"{{{REL_NS}}}id") or next(
                        (v for k, v in sh.attrib.items() if local(k) == "id"), "")
                    if rid in rels:
                        sheets[sh.get("name", "")] = rels[rid].target
            elif tag == "definedNames":
                for dn in el:
                    scope = dn.get("localSheetId")
                    if scope is None and dn.text:
                        names[dn.get("name", "")] = dn.text
                    elif scope is not None and scope.isdigit() and int(scope) < len(order) and dn.text:
                        local_names.setdefault(dn.get("name", ""), []).append((order[int(scope)], dn.text))
        strings: list[str] = []
        styles: set[int] = set()
        for target in pkg.related(pkg.workbook_part, "sharedStrings"):
            if pkg.has(target):
                strings = shared_strings(pkg.xml(target))
        for target in pkg.related(pkg.workbook_part, "styles"):
            if pkg.has(target):
                styles = date_styles(pkg.xml(target))
        return cls(pkg, sheets, names, strings, styles, date1904, local_names)

    def resolve(self, name: str) -> CellPos | None:
        """A defined name that points at one cell of one of the sheets; None otherwise.

        A workbook name that lost its cell (``#REF!``) is read from the sheet-local name of the same
        name, when exactly one sheet has one pointing into itself: copying a sheet (Excel, WPS,
        LibreOffice) gives the copy local copies of the names into it, so a table sheet replaced by
        its copy (the original deleted, the copy renamed) keeps its cells where Excel finds them."""
        return self.resolved().get(name)

    def resolved(self) -> dict[str, CellPos | None]:
        """Every defined name -> its cell, as ``resolve`` finds it (made once)."""
        if self._resolved is None:
            self._resolved = {n: self._cell(text) for n, text in self.names.items()}
            for n, scoped in self.local_names.items():
                if self._resolved.get(n) is None:
                    self._resolved[n] = sheet_copy_cell((sheet, self._cell(text)) for sheet, text in scoped)
        return self._resolved

    def _cell(self, text: str) -> CellPos | None:
        p = CellPos.find(text)
        return p if p is not None and p.sheet in self.sheets else None

    def label(self, sheet: str) -> str:
        """How a reason names a sheet: 第3张工作表（表三 依申请公开）."""
        number = list(self.sheets).index(sheet) + 1 if sheet in self.sheets else 0
        return f"第{number}张工作表（{sheet[:31]}）"

    def context(self, sheet: str) -> SheetContext:
        return SheetContext(self.strings, self.date_styles, self.date1904, self.label(sheet))

    def cells(self, sheet: str, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], object]:
        """The raw values of the ``wanted`` (row, col) cells of one sheet (absent ones left out)."""
        if sheet not in self.sheets:
            raise NotOurTemplate(f"工作簿中没有工作表“{sheet}”")
        part = self.sheets[sheet]
        data = self.pkg.read(part)
        has_shared = b'"shared"' in data  # a hint: the walk for anchors is skipped
        # Parsed through its cells only, and let go once they are read: the next sheet's parse
        # reuses the memory while it is still in the processor's cache.
        return read_cells(read_xml_through(data, part, "sheetData"), wanted, self.context(sheet), has_shared)

    def over(self, pkg: Package) -> Book:
        """This book's reading of workbook.xml, strings and styles, for ``pkg`` holding the same
        workbook, shared-strings and styles parts (a write-back's result): its sheets are parsed
        from ``pkg``."""
        return dataclasses.replace(self, pkg=pkg)

    def values(self, cells: list[CellPos]) -> list[object]:
        """The raw values of ``cells`` in their order (None for absent cells), each sheet
        parsed once."""
        # (CellPos unpacked: a named tuple's fields are attribute lookups the interpreter does
        # not specialise, three per cell of a few hundred)
        by_sheet: dict[str, set[tuple[int, int]]] = {}
        for sheet, row, col in cells:
            by_sheet.setdefault(sheet, set()).add((row, col))
        found = {sheet: self.cells(sheet, wanted) for sheet, wanted in by_sheet.items()}
        return [found[sheet].get((row, col)) for sheet, row, col in cells]


def sheet_copy_cell(scoped: Iterable[tuple[str, CellPos | None]]) -> CellPos | None:
    """The cell of a workbook name that lost its own, from the sheet-local names of that name
    (sheet, where it points): the one pointing into its own sheet; None if none or several do
    (two copies of a sheet: which one holds the data is not ours to guess)."""
    own = [p for sheet, p in scoped if p is not None and p.sheet == sheet]
    return own[0] if len(own) == 1 else None


def custom_property(pkg: Package, name: str) -> str | None:
    """The text of the custom document property ``name`` (docProps/custom.xml), or None."""
    part = "docProps/custom.xml"
    if not pkg.has(part):
        return None
    try:
        if name.encode() not in pkg.read(part):  # the usual case, without parsing
            return None
        root = pkg.xml(part)
    except UnusableFile:
        return None
    for el in root:
        if local(el.tag) == "property" and el.get("name") == name:
            return "".join(str(t) for t in el.itertext()).strip()
    return None


def core_modified(pkg: Package) -> str | None:
    """docProps/core.xml's dcterms:modified, the workbook's own save time."""
    if not pkg.has("docProps/core.xml"):
        return None
    try:
        root = pkg.xml("docProps/core.xml")
    except UnusableFile:
        return None
    for el in root:
        if local(el.tag) == "modified" and el.text:
            return el.text.strip()
    return None
