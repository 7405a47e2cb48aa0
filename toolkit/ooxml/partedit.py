"""Parts parsed for editing, and written back (lxml: it keeps every namespace declaration and
prefix as written, and knows an element's parent); the relationships and content types that
write-back edits. Reading a part is ``xml.read_xml`` (ElementTree), which ``nianbao check``
loads alone."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from lxml import etree

from .xml import CT_NS, PKG_REL_NS, damaged, local, refuse_dtd

Element = etree._Element

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          remove_blank_text=False, collect_ids=False)


def parse_xml(data: bytes, part: str = "") -> Element:
    """One part as an lxml element tree; DamagedFile (saying which part) when it is not XML."""
    refuse_dtd(data)
    try:
        return etree.fromstring(data, _PARSER)
    except (etree.XMLSyntaxError, ValueError, LookupError) as exc:
        raise damaged(part) from exc


def to_bytes(root: Element) -> bytes:
    """A part's tree as bytes, with the declaration every Office program writes."""
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            + etree.tostring(root, encoding="UTF-8", xml_declaration=False))


def new_relationships() -> Element:
    return etree.Element(f"{{{PKG_REL_NS}}}Relationships", nsmap={None: PKG_REL_NS})  # type: ignore[dict-item]  # the default namespace


def add_relationship(root: Element, type_: str, target: str) -> str:
    """Append a relationship with the first free rId; returns that id."""
    used = {el.get("Id") for el in root}
    n = 1
    while f"rId{n}" in used:
        n += 1
    etree.SubElement(root, f"{{{PKG_REL_NS}}}Relationship", Id=f"rId{n}", Type=type_, Target=target)
    return f"rId{n}"


def drop_relationship(root: Element, rid: str) -> None:
    for el in list(root):
        if el.get("Id") == rid:
            root.remove(el)


def edit_content_types(root: Element, *, removed: AbstractSet[str] = frozenset(),
                       defaults: dict[str, str] | None = None, overrides: dict[str, str] | None = None) -> None:
    """Drop the overrides of ``removed`` parts; add ``defaults`` (extension -> type) and
    ``overrides`` (part name -> type) that are not there yet."""
    gone = {"/" + p for p in removed}
    have_ext, have_part = set(), set()
    for el in list(root):
        if not isinstance(el.tag, str):
            continue
        kind = local(el.tag)
        if kind == "Override":
            if el.get("PartName") in gone:
                root.remove(el)
            else:
                have_part.add(el.get("PartName"))
        elif kind == "Default":
            have_ext.add((el.get("Extension") or "").lower())
    for ext, typ in (defaults or {}).items():
        if ext.lower() not in have_ext:
            etree.SubElement(root, f"{{{CT_NS}}}Default", Extension=ext, ContentType=typ)
    for part, typ in (overrides or {}).items():
        name = "/" + part
        if part not in removed and name not in have_part:
            etree.SubElement(root, f"{{{CT_NS}}}Override", PartName=name, ContentType=typ)
