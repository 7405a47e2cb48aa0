"""Cell notes: the comments part (authors, comments with rich text) and its VML drawing (one
shape per note, the box Excel shows on hover).

A note's XML and its shape's are written as text, by one function each (``comment_xml``,
``shape_xml``). A sheet's first notes make both parts from that text alone (``new_comments``,
``new_drawing``): the first check of a workbook, the common case, needs no XML tree. Parts a
workbook already has (a second check, a user's notes, a LibreOffice save) are edited as lxml trees
(``CommentsPart``, ``VmlDrawing``; lxml is imported only then), the new notes parsed from the same
text and appended.

Excel's VML is not always well-formed XML (an unclosed ``<br>`` in old files): it is closed
before parsing, as openpyxl does; VML that is still not XML is refused as a whole, so that
nothing of it is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import UnusableFile
from . import splice
from .cells import BadReference, split_a1
from .partedit import parse_xml, to_bytes
from .strings import string_item
from .xml import MAIN_NS, escape, local, ns_of

if TYPE_CHECKING:
    from lxml.etree import _Element as Element

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
        self.root = parse_xml(data if data is not None else f'<comments xmlns="{MAIN_NS}"/>'.encode())
        self.ns = ns_of(self.root) or f"{{{MAIN_NS}}}"
        if local(self.root.tag) != "comments":
            raise PartShapeError("not a comments part")
        self.authors_el = self._child("authors", 0)
        self.list_el = self._child("commentList", 1)

    def _child(self, name: str, index: int) -> Element:
        el = self.root.find(self.ns + name)
        if el is None:
            el = self.root.makeelement(self.ns + name)
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
            self.authors_el.append(self.root.makeelement(self.ns + "author"))
            self.authors_el[-1].text = author
            aid = len(names)
        ns = self.ns[1:-1]
        _append_parsed(self.list_el, f'<comments xmlns="{ns}">{comment_xml(ref, aid, text)}</comments>')

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
            data = _drawing_head(block).encode() + b"</xml>"
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
        return max(used + [_block_base(int(block) if block.isdecimal() else 1)]) + 1

    def add_notes(self, cells: list[tuple[int, int]]) -> None:
        """One hidden note box per (row, col), beside the cell."""
        xml = []
        if not any(el.get("id") == NOTE_SHAPETYPE for el in self.root.iter(_v("shapetype"))):
            xml.append(SHAPETYPE_XML)
        first = self._next_id()
        xml.extend(shape_xml(first + i, row, col, i + 1) for i, (row, col) in enumerate(cells))
        _append_parsed(self.root, f'<xml {_VML_NAMESPACES}>{"".join(xml)}</xml>')

    def make_ids_unique(self, taken: set[str]) -> bool:
        """Make the drawing's ids unique, as the validator requires: LibreOffice writes a
        shapetype ``_x0000_t202`` before each note's shape and names every shape ``shape_0``. A
        repeated identical shapetype is dropped (a different one under a used id gets an id of its
        own); a shape whose id was seen, here or in another drawing of the package (``taken``,
        updated), gets a free ``_x0000_sN`` (ids of that form are never renamed: a form control's
        ``shapeId`` may point at one). The shapetype ``_x0000_t202`` in each drawing is Excel's own
        habit and stays. True when anything changed."""
        from lxml import etree

        changed = False
        kept: dict[str, bytes] = {}  # shapetype id -> its definition
        for st in list(self.root.iter(_v("shapetype"))):
            sid = st.get("id")
            if not sid:
                continue
            body = etree.tostring(st)  # (lxml is loaded: the drawing was parsed)
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
        from lxml import etree

        return etree.tostring(self.root, encoding="UTF-8", xml_declaration=False)


def _block_base(block: int) -> int:
    """The shape ids of a drawing's id block start after this one (1,024 per block; an absurd
    block number falls back to the first block)."""
    return 1024 * block if block < 1 << 20 else 1024


def _free(prefix: str, taken: set[str]) -> str:
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def _append_parsed(parent: Element, xml: str) -> None:
    """Append the children of ``xml`` (a wrapper declaring their namespaces) to ``parent``, in
    another tree: lxml writes them with the prefixes ``parent``'s tree declares."""
    for el in list(parse_xml(xml.encode())):
        parent.append(el)


# --- new notes, as text ------------------------------------------------------------------------

_VML_NAMESPACES = f'xmlns:v="{V_NS}" xmlns:o="{O_NS}" xmlns:x="{X_NS}"'
SHAPETYPE_XML = (f'<v:shapetype id="{NOTE_SHAPETYPE}" coordsize="21600,21600" path="m,l,21600r21600,l21600,xe" '
                 'o:spt="202"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/>'
                 '</v:shapetype>')


def comment_xml(ref: str, author_id: int, note: str) -> str:
    """One note in the look Excel gives new notes (9 pt 宋体), in the default namespace."""
    return (f'<comment ref="{splice.attr(ref)}" authorId="{author_id}"><text><r><rPr><sz val="9"/>'
            '<color indexed="81"/><rFont val="宋体"/><charset val="134"/></rPr><t xml:space="preserve">'
            f'{splice.text(escape(note))}</t></r></text></comment>')


def shape_xml(shape_id: int, row: int, col: int, z: int) -> str:
    """The hidden box of one note, beside its cell (prefixes v, o, x)."""
    # Anchor: left col, dx, top row, dy, right col, dx, bottom row, dy (a box right of the cell)
    anchor = f"{col + 1}, 15, {max(row - 1, 0)}, 10, {col + 5}, 15, {row + 7}, 4"
    return (f'<v:shape id="_x0000_s{shape_id}" type="#{NOTE_SHAPETYPE}" style="position:absolute;'
            f'margin-left:100pt;margin-top:10pt;width:240pt;height:110pt;z-index:{z};visibility:hidden" '
            'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/></v:textbox>'
            '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f'<x:Anchor>{anchor}</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row>'
            f'<x:Column>{col}</x:Column></x:ClientData></v:shape>')


def _drawing_head(block: int) -> str:
    return (f'<xml {_VML_NAMESPACES}><o:shapelayout v:ext="edit"><o:idmap data="{block}" v:ext="edit"/>'
            '</o:shapelayout>')


def new_comments(author: str, notes: list[tuple[str, str]]) -> bytes:
    """A sheet's first comments part: ``notes`` (ref, text), in row and column order."""
    body = "".join(comment_xml(ref, 0, note) for ref, note in notes)
    return splice.DECLARATION + (f'<comments xmlns="{MAIN_NS}"><authors><author>{splice.text(author)}</author>'
                                 f'</authors><commentList>{body}</commentList></comments>').encode()


def new_drawing(block: int, cells: list[tuple[int, int]]) -> tuple[bytes, list[str]]:
    """A sheet's first VML drawing: a box per note, in shape id block ``block``; and its shape ids."""
    first = _block_base(block) + 1
    ids = [f"_x0000_s{first + i}" for i in range(len(cells))]
    shapes = "".join(shape_xml(first + i, row, col, i + 1) for i, (row, col) in enumerate(cells))
    return f"{_drawing_head(block)}{SHAPETYPE_XML}{shapes}</xml>".encode(), ids
