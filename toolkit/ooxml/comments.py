"""Cell notes: the comments part (authors, comments with rich text) and its VML drawing (one
shape per note, the box Excel shows on hover).

Excel's VML is not always well-formed XML (an unclosed ``<br>`` in old files): it is closed
before parsing, as openpyxl does; VML that is still not XML is refused as a whole, so that
nothing of it is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from ..errors import UnusableFile
from .cells import BadReference, split_a1
from .partedit import Element, parse_xml, to_bytes
from .strings import string_item
from .xml import MAIN_NS, XML_NS, escape, local, ns_of

COMMENTS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
VML_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_CT = "application/vnd.openxmlformats-officedocument.vmlDrawing"
V_NS = "urn:schemas-microsoft-com:vml"
O_NS = "urn:schemas-microsoft-com:office:office"
X_NS = "urn:schemas-microsoft-com:office:excel"
NOTE_SHAPETYPE = "_x0000_t202"
_SHAPE_ID = re.compile(r"_x0000_s(\d+)$")
_BR = re.compile(rb"<br\s*>", re.I)


class PartShapeError(Exception):
    """A comments or VML part this module cannot edit safely."""


@dataclass(eq=False)  # (compared by identity: one method fewer to compile at each start)
class Comment:
    """One comment (note) of a comments part."""

    el: Element
    cell: tuple[int, int] | None  # (row, col), None for a ref we cannot read
    author: str
    text: str  # the plain text, runs joined


class CommentsPart:
    """A comments part: its authors and comments."""

    def __init__(self, data: bytes | None = None) -> None:
        if data is None:
            self.root = etree.Element(f"{{{MAIN_NS}}}comments", nsmap={None: MAIN_NS})  # type: ignore[dict-item]  # the default namespace
        else:
            self.root = parse_xml(data)
        self.ns = ns_of(self.root) or f"{{{MAIN_NS}}}"
        if local(self.root.tag) != "comments":
            raise PartShapeError("not a comments part")
        self.authors_el = self._child("authors", 0)
        self.list_el = self._child("commentList", 1)

    def _child(self, name: str, index: int) -> Element:
        el = self.root.find(self.ns + name)
        if el is None:
            el = etree.Element(self.ns + name)
            self.root.insert(index, el)
        return el

    def authors(self) -> list[str]:
        return [a.text or "" for a in self.authors_el if local(a.tag) == "author"]

    def comments(self) -> list[Comment]:
        authors = self.authors()
        out = []
        for el in self.list_el:
            if local(el.tag) != "comment":
                continue
            try:
                cell: tuple[int, int] | None = split_a1((el.get("ref") or "").split(":")[0])
            except BadReference:
                cell = None
            aid = el.get("authorId") or ""
            author = authors[int(aid)] if aid.isdecimal() and int(aid) < len(authors) else ""
            text_el = el.find(self.ns + "text")
            out.append(Comment(el, cell, author, string_item(text_el) if text_el is not None else ""))
        return out

    def remove(self, comment: Comment) -> None:
        self.list_el.remove(comment.el)

    def add(self, ref: str, author: str, text: str) -> None:
        """A note in the look Excel gives new notes (9 pt 宋体)."""
        names = self.authors()
        if author in names:
            aid = names.index(author)
        else:
            etree.SubElement(self.authors_el, self.ns + "author").text = author
            aid = len(names)
        n = self.ns
        c = etree.SubElement(self.list_el, n + "comment", ref=ref, authorId=str(aid))
        run = etree.SubElement(etree.SubElement(c, n + "text"), n + "r")
        rpr = etree.SubElement(run, n + "rPr")
        etree.SubElement(rpr, n + "sz", val="9")
        etree.SubElement(rpr, n + "color", indexed="81")
        etree.SubElement(rpr, n + "rFont", val="宋体")
        etree.SubElement(rpr, n + "charset", val="134")
        t = etree.SubElement(run, n + "t")
        t.set(f"{{{XML_NS}}}space", "preserve")
        t.text = escape(text)

    def sort(self) -> None:
        """Comments in row, then column order (how Excel writes them)."""
        items = [(c.cell or (0, 0), i, c.el) for i, c in enumerate(self.comments())]
        for _, _, el in sorted(items, key=lambda x: (x[0], x[1])):
            self.list_el.append(el)

    def __len__(self) -> int:
        return sum(1 for el in self.list_el if local(el.tag) == "comment")

    def to_bytes(self) -> bytes:
        return to_bytes(self.root)


def _v(name: str) -> str:
    return f"{{{V_NS}}}{name}"


def _x(name: str) -> str:
    return f"{{{X_NS}}}{name}"


def _o(name: str) -> str:
    return f"{{{O_NS}}}{name}"


class VmlDrawing:
    """A legacy (VML) drawing: the shapes of notes, and whatever else it holds (kept as is)."""

    def __init__(self, data: bytes | None = None, block: int = 1) -> None:
        if data is None:
            self.root = etree.Element("xml", nsmap={"v": V_NS, "o": O_NS, "x": X_NS})
            layout = etree.SubElement(self.root, _o("shapelayout"))
            layout.set(_v("ext"), "edit")
            idmap = etree.SubElement(layout, _o("idmap"), data=str(block))
            idmap.set(_v("ext"), "edit")
        else:
            try:
                self.root = parse_xml(_BR.sub(b"<br/>", data))
            except UnusableFile as exc:
                raise PartShapeError("VML drawing is not XML") from exc

    def note_shapes(self) -> list[tuple[Element, tuple[int, int]]]:
        """(shape, (row, col)) of every note's shape."""
        out = []
        for shape in self.root.iter(_v("shape")):
            data = shape.find(_x("ClientData"))
            if data is None or data.get("ObjectType") != "Note":
                continue
            row, col = data.findtext(_x("Row")), data.findtext(_x("Column"))
            if row and col and row.strip().isdecimal() and col.strip().isdecimal():
                out.append((shape, (int(row), int(col))))
        return out

    def remove(self, shape: Element) -> None:
        parent = shape.getparent()
        assert parent is not None  # a shape found in the drawing
        parent.remove(shape)

    def has_shapes(self) -> bool:
        return next(self.root.iter(_v("shape")), None) is not None

    def _next_id(self) -> int:
        used = [int(m.group(1)) for s in self.root.iter(_v("shape"))
                if (m := _SHAPE_ID.match(s.get("id") or ""))]
        idmap = next(self.root.iter(_o("idmap")), None)
        block = (idmap.get("data") or "1").split(",")[0].strip() if idmap is not None else "1"
        base = 1024 * int(block) if block.isdecimal() and int(block) < 1 << 20 else 1024
        return max(used + [base]) + 1

    def add_notes(self, cells: list[tuple[int, int]]) -> None:
        """One hidden note box per (row, col), beside the cell."""
        if not any(el.get("id") == NOTE_SHAPETYPE for el in self.root.iter(_v("shapetype"))):
            st = etree.SubElement(self.root, _v("shapetype"), id=NOTE_SHAPETYPE, coordsize="21600,21600",
                                  path="m,l,21600r21600,l21600,xe")
            st.set(_o("spt"), "202")
            etree.SubElement(st, _v("stroke"), joinstyle="miter")
            p = etree.SubElement(st, _v("path"), gradientshapeok="t")
            p.set(_o("connecttype"), "rect")
        first = self._next_id()
        for i, (row, col) in enumerate(cells):
            self._add_shape(first + i, row, col, i + 1)

    def _add_shape(self, shape_id: int, row: int, col: int, z: int) -> None:
        s = etree.SubElement(self.root, _v("shape"), id=f"_x0000_s{shape_id}", type=f"#{NOTE_SHAPETYPE}",
                             style=("position:absolute;margin-left:100pt;margin-top:10pt;width:240pt;"
                                    f"height:110pt;z-index:{z};visibility:hidden"),
                             fillcolor="#ffffe1")
        s.set(_o("insetmode"), "auto")
        etree.SubElement(s, _v("fill"), color2="#ffffe1")
        etree.SubElement(s, _v("shadow"), on="t", color="black", obscured="t")
        etree.SubElement(s, _v("path")).set(_o("connecttype"), "none")
        box = etree.SubElement(s, _v("textbox"), style="mso-direction-alt:auto")
        etree.SubElement(box, "div", style="text-align:left")
        data = etree.SubElement(s, _x("ClientData"), ObjectType="Note")
        etree.SubElement(data, _x("MoveWithCells"))
        etree.SubElement(data, _x("SizeWithCells"))
        # Anchor: left col, dx, top row, dy, right col, dx, bottom row, dy (a box right of the cell)
        etree.SubElement(data, _x("Anchor")).text = f"{col + 1}, 15, {max(row - 1, 0)}, 10, {col + 5}, 15, {row + 7}, 4"
        etree.SubElement(data, _x("AutoFill")).text = "False"
        etree.SubElement(data, _x("Row")).text = str(row)
        etree.SubElement(data, _x("Column")).text = str(col)

    def make_ids_unique(self, taken: set[str]) -> bool:
        """Make the drawing's ids unique, as the validator requires: LibreOffice writes a
        shapetype ``_x0000_t202`` before each note's shape and names every shape ``shape_0``. A
        repeated identical shapetype is dropped (a different one under a used id gets an id of its
        own); a shape whose id was seen, here or in another drawing of the package (``taken``,
        updated), gets a free ``_x0000_sN`` (ids of that form are never renamed: a form control's
        ``shapeId`` may point at one). The shapetype ``_x0000_t202`` in each drawing is Excel's own
        habit and stays. True when anything changed."""
        changed = False
        kept: dict[str, bytes] = {}  # shapetype id -> its definition
        for st in list(self.root.iter(_v("shapetype"))):
            sid = st.get("id")
            if not sid:
                continue
            body = etree.tostring(st)
            if kept.get(sid) == body:  # the same definition again (LibreOffice: one per shape)
                self.remove(st)
                changed = True
            elif sid in kept:  # another definition under a used id: the shapes' type still means the first
                new = _free(f"{sid}_", set(kept))
                st.set("id", new)
                kept[new] = body
                changed = True
            else:
                kept[sid] = body
        next_id = self._next_id()
        for shape in self.root.iter(_v("shape")):
            sid = shape.get("id")
            if sid and sid in taken and not _SHAPE_ID.match(sid):
                while f"_x0000_s{next_id}" in taken:
                    next_id += 1
                sid = f"_x0000_s{next_id}"
                shape.set("id", sid)
                changed = True
            if sid:
                taken.add(sid)
        return changed

    def to_bytes(self) -> bytes:
        return etree.tostring(self.root, encoding="UTF-8", xml_declaration=False)


def _free(prefix: str, taken: set[str]) -> str:
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"
