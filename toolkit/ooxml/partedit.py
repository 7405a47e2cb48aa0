"""The relationships and content types that write-back edits, edited in place (``splice``: every
namespace declaration, prefix and untouched byte kept as written); and, for the comments and VML
parts a workbook already has, a part parsed as an lxml tree and written back (``parse_xml``,
``to_bytes``: lxml is imported there only, when such a part is edited).

Reading a part is ``xml.read_xml`` (ElementTree), which ``nianbao check`` loads alone.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from . import splice
from .xml import PKG_REL_NS, damaged, refuse_dtd

if TYPE_CHECKING:
    from lxml import etree

    Element = etree._Element


def parse_xml(data: bytes, part: str = "") -> Element:
    """One part as an lxml element tree; DamagedFile (saying which part) when it is not XML."""
    from lxml import etree  # (only for comments and drawings a workbook already has)

    refuse_dtd(data)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             remove_blank_text=False, collect_ids=False)
    try:
        return etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError, LookupError) as exc:
        raise damaged(part) from exc


def to_bytes(root: Element) -> bytes:
    """A part's tree as bytes, with the declaration every Office program writes."""
    from lxml import etree

    return splice.DECLARATION + etree.tostring(root, encoding="UTF-8", xml_declaration=False)


def _element(prefix: str, name: str, attrs: dict[str, str]) -> str:
    values = "".join(f' {k}="{splice.attr(v)}"' for k, v in attrs.items())
    return f"<{prefix}{name}{values}/>"


class Relationships:
    """A relationships part (``…/_rels/x.xml.rels``) being edited; ``data`` None: a new one."""

    def __init__(self, data: bytes | None, part: str = "") -> None:
        new = f'<Relationships xmlns="{PKG_REL_NS}"/>'.encode()
        self.top = splice.Top(new if data is None else data, part)
        self.ids = [c.attrs.get("Id") for c in self.top.children]
        self.count = len(self.ids)  # relationships in the part now

    def add(self, type_: str, target: str) -> str:
        """Append a relationship with the first free rId; returns that id."""
        n = 1
        while f"rId{n}" in self.ids:
            n += 1
        rid = f"rId{n}"
        self.ids.append(rid)
        self.top.append(_element(self.top.prefix, "Relationship", {"Id": rid, "Type": type_, "Target": target}))
        self.count += 1
        return rid

    def drop(self, rid: str) -> None:
        for child in self.top.children:
            if child.attrs.get("Id") == rid:
                self.top.remove(child)
                self.count -= 1

    def to_bytes(self) -> bytes:
        return self.top.to_bytes()


def edit_content_types(data: bytes, *, removed: AbstractSet[str] = frozenset(),
                       defaults: dict[str, str] | None = None, overrides: dict[str, str] | None = None) -> bytes:
    """[Content_Types].xml without the overrides of ``removed`` parts, with ``defaults``
    (extension -> type) and ``overrides`` (part name -> type) that are not there yet."""
    top = splice.Top(data, "[Content_Types].xml")
    gone = {"/" + p for p in removed}
    have_ext, have_part = set(), set()
    for child in top.children:
        kind = child.name.rsplit(":", 1)[-1]
        if kind == "Override":
            if child.attrs.get("PartName") in gone:
                top.remove(child)
            else:
                have_part.add(child.attrs.get("PartName"))
        elif kind == "Default":
            have_ext.add((child.attrs.get("Extension") or "").lower())
    for ext, typ in (defaults or {}).items():
        if ext.lower() not in have_ext:
            top.append(_element(top.prefix, "Default", {"Extension": ext, "ContentType": typ}))
    for part, typ in (overrides or {}).items():
        name = "/" + part
        if part not in removed and name not in have_part:
            top.append(_element(top.prefix, "Override", {"PartName": name, "ContentType": typ}))
    return top.to_bytes()
