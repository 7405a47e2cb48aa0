"""The XML of package parts: namespaces, the refusal of a DTD, reading a part, OOXML's ``_xHHHH_``
escapes.

Files arrive by e-mail from anywhere. Entity tricks (billion laughs, external entities) all need a
document type declaration, and no OOXML part has one, so a part with ``<!DOCTYPE`` or
``<!ENTITY`` is refused before it is parsed, and no parser resolves entities or touches the
network.

Reading uses the standard library's ElementTree (its C parser, expat): reading a part needs no
more, and it loads in a third of lxml's time, at every start of ``nianbao check``. Write-back
edits sheets, relationships and content types in place (``splice``, on expat too: every prefix and
untouched byte kept as written), so a first check with write-back loads no other XML library;
only comments and VML parts a workbook already has are edited as lxml trees (``comments``), and
the reader of a note's text (``strings``) takes such an element too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from xml.etree import ElementTree
from xml.parsers import expat

from ..errors import DamagedFile
from ..lazyre import lazy

if TYPE_CHECKING:
    from typing import TypeAlias

    from lxml import etree

    # what the readers take: a part read here, or a comments part being edited (lxml)
    Element: TypeAlias = "ElementTree.Element | etree._Element"
else:
    Element = ElementTree.Element

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_NS = "http://www.w3.org/XML/1998/namespace"

_ESCAPE = lazy(r"_x([0-9A-Fa-f]{4})_")
_LITERAL_ESCAPE = lazy(r"_(x[0-9A-Fa-f]{4}_)")
# What XML 1.0 cannot carry, and what Excel escapes besides (a carriage return would be lost)
_XML_BAD = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\r\ud800-\udfff]")


def refuse_dtd(data: bytes) -> None:
    if b"\x00" in data:
        # UTF-16/32 (allowed by XML, written by no spreadsheet program) would hide a DTD from
        # the byte search below; every ASCII-compatible encoding spells it in these bytes.
        raise DamagedFile("工作簿内部的 XML 不是 UTF-8 编码，拒绝读取")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise DamagedFile("工作簿内部的 XML 含有文档类型声明（DTD），可能是恶意文件，拒绝读取")


def damaged(part: str = "") -> DamagedFile:
    """The reason for a part that is not XML, saying which part."""
    where = f"（{part}）" if part else ""
    return DamagedFile(f"工作簿内部的 XML 已损坏{where}，无法读取")


def read_xml(data: bytes, part: str = "") -> ElementTree.Element:
    """One part, for reading; DamagedFile (saying which part) when it is not XML."""
    refuse_dtd(data)
    try:
        return ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError, LookupError) as exc:
        raise damaged(part) from exc


def read_xml_through(data: bytes, part: str, child: str) -> ElementTree.Element:
    """A part for reading, parsed only through the end of its root's ``child`` element (by local
    name): the root with its children up to that one, the later ones left out.

    A worksheet's cells are all in ``sheetData``; what follows it (merged cells, conditional
    formats, validations, page setup: a fifth of our template's sheets) is never read, so no tree
    is made of it. The bytes are cut after the last ``</…child>`` and the root closed there; the
    rest is only checked to be well-formed XML (expat without a tree: a damaged part is refused
    as before, not half read). Where the cut is not a well-formed document (the text was in a
    comment, the element is empty, or the part is not what it seems) the whole part is parsed,
    as ``read_xml`` does, and its reason (if any) is the whole part's."""
    refuse_dtd(data)
    cut = _end_of(data, child.encode())
    head = _root_start(data) if cut else None
    if cut and head:
        name, head_end = head
        try:
            root = ElementTree.fromstring(data[:cut] + b"</" + name + b">")
            # the root's start tag (its namespaces) with what follows the cut, as expat sees it
            expat.ParserCreate(namespace_separator="}").Parse(data[:head_end] + data[cut:], True)
            return root
        except (ElementTree.ParseError, expat.ExpatError, ValueError, LookupError):
            pass
    return read_xml(data, part)


_NAME_ENDS = (b" ", b"\t", b"\r", b"\n", b"/", b">")


def _root_start(data: bytes) -> tuple[bytes, int] | None:
    """The qualified name in the first start tag (after the declaration), as written, and where
    that tag ends (after its first ``>``: a ``>`` inside one of its values makes the cut
    ill-formed, and the whole part is parsed)."""
    at = data.find(b"<")
    while at >= 0 and data[at + 1:at + 2] in (b"?", b"!"):
        at = data.find(b"<", at + 1)
    if at < 0:
        return None
    ends = [e for e in (data.find(x, at + 1) for x in _NAME_ENDS) if e >= 0]
    close = data.find(b">", at)
    if not ends or min(ends) <= at + 1 or close < 0:
        return None
    return data[at + 1:min(ends)], close + 1


def _end_of(data: bytes, name: bytes) -> int:
    """Where the last end tag ``</name>`` or ``</prefix:name>`` ends; 0 when there is none."""
    at = data.rfind(name + b">")
    if at < 2:
        return 0
    start = data.rfind(b"</", 0, at)
    prefix = data[start + 2:at] if start >= 0 else b"?"
    if prefix and not (prefix.endswith(b":") and prefix[:-1].replace(b"_", b"").replace(b"-", b"")
                       .replace(b".", b"").isalnum()):
        return 0
    return at + len(name) + 1


def local(tag: object) -> str:
    """The local name of an element's tag ('' for comments and processing instructions)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def ns_of(el: Element) -> str:
    """'{namespace}' of an element ('' when it has none)."""
    tag = el.tag
    return tag[: tag.index("}") + 1] if isinstance(tag, str) and tag.startswith("{") else ""


def unescape(text: str) -> str:
    """OOXML's _xHHHH_ escapes (control characters, and a literal '_x' sequence as _x005F_)."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def escape(text: str) -> str:
    """Text for a cell or a note: characters XML cannot carry as _xHHHH_ (a literal '_x0041_'
    typed by a user is kept by escaping its underscore, as Excel does). XML's own escapes are
    lxml's job."""
    text = _LITERAL_ESCAPE.sub(r"_x005F_\1", text)
    return _XML_BAD.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
