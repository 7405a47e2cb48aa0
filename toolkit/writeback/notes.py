"""Notes on marked cells: Excel's classic "notes" (a comments part and a VML drawing per sheet).

Why classic notes and not something else: they are the one way to attach text to a cell that
Excel, WPS and LibreOffice all show (a red corner, the text on hover) and keep when they save;
they work on protected sheets; and they leave the cell's value, format, validation and the
template's conditional formats alone (an input message of a data validation would have meant
editing the template's validations, which write-back must keep as they are).

Our notes carry the author ``plan.NOTE_AUTHOR``: a new run removes exactly those (and their VML
shapes) and adds the new ones, so nothing accumulates, and a note a user wrote is never touched
(a cell with a user's note gets no note from us; its colour still shows the finding). When no
note is left on a sheet, the parts we added are removed again. Both parts are edited as text, like
the worksheets: Excel's VML is not always well-formed XML.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from ..ooxml.cells import split_a1 as cell_index
from ..ooxml.package import Package
from .plan import NOTE_AUTHOR, Note
from .sheetxml import attrs_of, escape_attr, escape_text, insert_in_order

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
COMMENTS_TYPE = REL + "/comments"
VML_TYPE = REL + "/vmlDrawing"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_CT = "application/vnd.openxmlformats-officedocument.vmlDrawing"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

_SHAPETYPE = ('<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
              'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
              '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')


@dataclass
class Changes:
    """Parts changed, added and removed by write-back, and the content types to add/remove."""

    parts: dict[str, bytes] = field(default_factory=dict)  # changed or new part -> content
    removed: set[str] = field(default_factory=set)
    overrides_add: dict[str, str] = field(default_factory=dict)  # "/xl/comments1.xml" -> type
    defaults_add: dict[str, str] = field(default_factory=dict)  # "vml" -> type
    skipped: list[str] = field(default_factory=list)  # sheets whose notes could not be written

    def exists(self, pkg: Package, name: str) -> bool:
        return name in self.parts or (name not in self.removed and pkg.has(name))

    def read(self, pkg: Package, name: str) -> bytes:
        return self.parts[name] if name in self.parts else pkg.read(name)


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _rels(pkg: Package, ch: Changes, part: str) -> tuple[str, list[dict[str, str]]]:
    """(rels text, [attributes of each Relationship]) of a part; an empty rels text if none."""
    name = _rels_name(part)
    if not ch.exists(pkg, name):
        return "", []
    text = ch.read(pkg, name).decode("utf-8")
    return text, [attrs_of(m.group(1)) for m in re.finditer(r"<Relationship\b([^>]*?)/?>", text)]


def _target(part: str, rel: dict[str, str]) -> str:
    t = rel.get("Target", "")
    if t.startswith("/"):
        return t.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), t))


def _free_name(pkg: Package, ch: Changes, pattern: str) -> tuple[str, int]:
    n = 1
    while ch.exists(pkg, pattern.format(n)):
        n += 1
    return pattern.format(n), n


def _comment_xml(p: str, ref: str, author: int, text: str) -> str:
    return (f'<{p}comment ref="{ref}" authorId="{author}"><{p}text><{p}r><{p}rPr><{p}sz val="9"/>'
            f'<{p}color indexed="81"/><{p}rFont val="宋体"/><{p}charset val="134"/></{p}rPr>'
            f'<{p}t xml:space="preserve">{escape_text(text)}</{p}t></{p}r></{p}text></{p}comment>')


def _shape_xml(shape_id: int, row: int, col: int, z: int) -> str:
    # Anchor: left col, dx, top row, dy, right col, dx, bottom row, dy (a box right of the cell)
    anchor = f"{col + 1}, 15, {max(row - 1, 0)}, 10, {col + 5}, 15, {row + 7}, 4"
    return (f'<v:shape id="_x0000_s{shape_id}" type="#_x0000_t202" style="position:absolute;'
            f'margin-left:100pt;margin-top:10pt;width:240pt;height:110pt;z-index:{z};'
            f'visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            f'<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            f'<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div>'
            f'</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f'<x:Anchor>{anchor}</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row>'
            f'<x:Column>{col}</x:Column></x:ClientData></v:shape>')


def _new_vml(block: int) -> str:
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
            f'<o:idmap v:ext="edit" data="{block}"/></o:shapelayout>{_SHAPETYPE}</xml>')


_SHAPE = re.compile(r"<(\w+):shape\b[^>]*>.*?</\1:shape>", re.S)


def _note_cell(shape: str) -> tuple[int, int] | None:
    if not re.search(r'ObjectType\s*=\s*"Note"', shape):
        return None
    r = re.search(r"<\w+:Row>\s*(\d+)\s*</\w+:Row>", shape)
    c = re.search(r"<\w+:Column>\s*(\d+)\s*</\w+:Column>", shape)
    return (int(r.group(1)), int(c.group(1))) if r and c else None


def apply_notes(pkg: Package, ch: Changes, sheet_part: str, sheet_text: str, notes: list[Note],
                sheet_no: int) -> str:
    """Replace our notes on one sheet by ``notes``; returns the (maybe changed) sheet text."""
    rels_text, rels = _rels(pkg, ch, sheet_part)
    comments_rel = next((r for r in rels if r.get("Type") == COMMENTS_TYPE), None)
    ld = re.search(r"<(\w+:)?legacyDrawing\b([^>]*?)/>", sheet_text)
    vml_rel = None
    if ld:
        rid = next((v for k, v in attrs_of(ld.group(2)).items() if k.endswith(":id")), None)
        vml_rel = next((r for r in rels if r.get("Id") == rid), None)
        if vml_rel is None:
            ch.skipped.append(sheet_part)
            return sheet_text
    if comments_rel is None and not notes:
        return sheet_text
    if comments_rel is not None and vml_rel is None:
        ch.skipped.append(sheet_part)  # comments without their drawing: leave them alone
        return sheet_text

    # --- the comments part ---------------------------------------------------------------
    if comments_rel is not None:
        comments_part = _target(sheet_part, comments_rel)
        ctext = ch.read(pkg, comments_part).decode("utf-8")
    else:
        comments_part, _ = _free_name(pkg, ch, "xl/comments{}.xml")
        ctext = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="{MAIN_NS}">'
                 "<authors></authors><commentList></commentList></comments>")
    m = re.search(r"<(?:(\w+):)?comments\b", ctext)
    p = (m.group(1) + ":") if m and m.group(1) else ""
    ep = re.escape(p)
    authors_m = re.search(rf"<{ep}authors\s*/>|<{ep}authors\b[^>]*>(.*?)</{ep}authors>", ctext, re.S)
    authors = [] if not authors_m or not authors_m.group(1) else [
        (a.group(1) or "") for a in re.finditer(rf"<{ep}author\b[^>]*?(?:/>|>(.*?)</{ep}author>)",
                                               authors_m.group(1), re.S)]
    ours = [i for i, a in enumerate(authors) if a == NOTE_AUTHOR]
    list_m = re.search(rf"<{ep}commentList\s*/>|<{ep}commentList\b[^>]*>(.*?)</{ep}commentList>",
                       ctext, re.S)
    if not authors_m or not list_m:
        ch.skipped.append(sheet_part)
        return sheet_text
    kept, removed_cells, user_cells = [], set(), set()
    for c in re.finditer(rf"<{ep}comment\b([^>]*)>.*?</{ep}comment>|<{ep}comment\b([^>]*)/>",
                         list_m.group(1) or "", re.S):
        a = attrs_of(c.group(1) or c.group(2) or "")
        try:
            rc = cell_index(a.get("ref", "A1").split(":")[0])
        except ValueError:
            kept.append(c.group())
            continue
        if a.get("authorId", "").isdigit() and int(a["authorId"]) in ours:
            removed_cells.add(rc)
        else:
            kept.append(c.group())
            user_cells.add(rc)
    if ours:
        author_id = ours[0]
    else:
        author_id = len(authors)
    mine = [n for n in notes if (n.row, n.col) not in user_cells]
    if not mine and not ours:
        return sheet_text  # nothing of ours before or now: leave every part as it is
    new_list = kept + [_comment_xml(p, n.a1, author_id, n.text)
                       for n in sorted(mine, key=lambda n: (n.row, n.col))]

    # --- the VML drawing ------------------------------------------------------------------
    if vml_rel is not None:
        vml_part = _target(sheet_part, vml_rel)
        vtext = ch.read(pkg, vml_part).decode("utf-8", errors="surrogateescape")
    else:
        vml_part, _ = _free_name(pkg, ch, "xl/drawings/vmlDrawing{}.vml")
        vtext = _new_vml(sheet_no)
    vtext = _SHAPE.sub(lambda s: "" if _note_cell(s.group()) in removed_cells else s.group(), vtext)
    if mine:
        if "_x0000_t202" not in vtext:
            close = vtext.rfind("</xml>")
            vtext = vtext[:close] + _SHAPETYPE + vtext[close:]
        used = [int(x) for x in re.findall(r"_x0000_s(\d+)", vtext)]
        idmap = re.search(r'<o:idmap\b[^>]*\bdata="(\d+)', vtext)
        first = max(used + [1024 * int(idmap.group(1)) if idmap else 1024 * sheet_no]) + 1
        shapes = "".join(_shape_xml(first + i, n.row, n.col, i + 1)
                         for i, n in enumerate(sorted(mine, key=lambda n: (n.row, n.col))))
        close = vtext.rfind("</xml>")
        vtext = vtext[:close] + shapes + vtext[close:]
    shapes_left = bool(_SHAPE.search(vtext))

    # --- write, or take our parts out again -----------------------------------------------
    new_rels = rels_text
    if not new_list:
        ch.removed.add(comments_part)
        ch.parts.pop(comments_part, None)
        new_rels = _drop_rel(new_rels, comments_rel)
        ch.overrides_add.pop("/" + comments_part, None)
        if not shapes_left:
            ch.removed.add(vml_part)
            ch.parts.pop(vml_part, None)
            new_rels = _drop_rel(new_rels, vml_rel)
            sheet_text = sheet_text[:ld.start()] + sheet_text[ld.end():] if ld else sheet_text
        else:
            ch.parts[vml_part] = vtext.encode("utf-8", errors="surrogateescape")
    else:
        ctext = ctext[:list_m.start()] + f"<{p}commentList>{''.join(new_list)}</{p}commentList>" + ctext[list_m.end():]
        if not ours:  # the user's authors stay exactly as they are; ours goes last
            authors_m = re.search(rf"<{ep}authors\s*/>|<{ep}authors\b[^>]*>(.*?)</{ep}authors>", ctext, re.S)
            items = (authors_m.group(1) or "") + f"<{p}author>{NOTE_AUTHOR}</{p}author>"
            ctext = ctext[:authors_m.start()] + f"<{p}authors>{items}</{p}authors>" + ctext[authors_m.end():]
        ch.parts[comments_part] = ctext.encode("utf-8")
        ch.parts[vml_part] = vtext.encode("utf-8", errors="surrogateescape")
        if comments_rel is None:
            new_rels, _ = _add_rel(new_rels, COMMENTS_TYPE, _relative(sheet_part, comments_part))
            ch.overrides_add["/" + comments_part] = COMMENTS_CT
        if vml_rel is None:
            new_rels, rid = _add_rel(new_rels, VML_TYPE, _relative(sheet_part, vml_part))
            ch.defaults_add["vml"] = VML_CT
            sheet_text = _insert_legacy_drawing(sheet_text, rid)
    rels_name = _rels_name(sheet_part)
    if new_rels != rels_text:
        if re.search(r"<Relationship\b", new_rels):
            ch.parts[rels_name] = new_rels.encode("utf-8")
        else:
            ch.removed.add(rels_name)
            ch.parts.pop(rels_name, None)
    return sheet_text


def _relative(source_part: str, target_part: str) -> str:
    return posixpath.relpath(target_part, posixpath.dirname(source_part))


def _drop_rel(text: str, rel: dict[str, str] | None) -> str:
    if rel is None:
        return text
    rid = re.escape(rel.get("Id", ""))
    return re.sub(rf'<Relationship\b[^>]*\bId="{rid}"[^>]*?(?:/>|>\s*</Relationship>)', "", text)


def _add_rel(text: str, typ: str, target: str) -> tuple[str, str]:
    if not text:
        text = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')
    used = set(re.findall(r'\bId="([^"]*)"', text))
    n = 1
    while f"rId{n}" in used:
        n += 1
    rid = f"rId{n}"
    rel = f'<Relationship Id="{rid}" Type="{typ}" Target="{escape_attr(target)}"/>'
    close = text.rfind("</Relationships>")
    if close < 0:  # <Relationships .../>
        text = re.sub(r"<Relationships\b([^>]*?)/>", r"<Relationships\1></Relationships>", text)
        close = text.rfind("</Relationships>")
    return text[:close] + rel + text[close:], rid



def _insert_legacy_drawing(text: str, rid: str) -> str:
    m = re.search(r"<(?:(\w+):)?worksheet\b[^>]*>", text)
    p = (m.group(1) + ":") if m and m.group(1) else ""
    root = m.group()
    r_prefix = None
    for k, v in attrs_of(root).items():
        if k.startswith("xmlns:") and v == REL:
            r_prefix = k.split(":", 1)[1]
    if r_prefix is None:
        r_prefix = "r"
        while f"xmlns:{r_prefix}=" in root:
            r_prefix += "r"
        new_root = root[:-1].rstrip("/") + f' xmlns:{r_prefix}="{REL}">'
        text = text.replace(root, new_root, 1)
    return insert_in_order(text, p, "legacyDrawing", f'<{p}legacyDrawing {r_prefix}:id="{rid}"/>')


def content_types(text: str, ch: Changes) -> str:
    """[Content_Types].xml with the overrides of removed parts dropped and new ones added."""
    for part in ch.removed:
        text = re.sub(rf'<Override\b[^>]*\bPartName="/{re.escape(part)}"[^>]*/>', "", text)
    add = ""
    for ext, typ in ch.defaults_add.items():
        if not re.search(rf'<Default\b[^>]*\bExtension="{ext}"', text, re.I):
            add += f'<Default Extension="{ext}" ContentType="{typ}"/>'
    for name, typ in ch.overrides_add.items():
        if name.lstrip("/") in ch.removed:
            continue
        if f'PartName="{name}"' not in text:
            add += f'<Override PartName="{name}" ContentType="{typ}"/>'
    if add:
        close = text.rfind("</Types>")
        text = text[:close] + add + text[close:]
    return text
