"""Editing a part in place: what does not change is copied as it was, edits replace ranges.

A real parse (the standard library's expat, C) cuts the part into its markup as written
(``tokens``: each start tag, end tag, run of text, comment is one string, in order; joined they
are the document): its default handler is ``list.append``, so the parse calls no Python code at
all. Small parts (relationships, content types) are walked by their events instead (``Top``: byte
positions from ``CurrentByteIndex``). Everything else here works on tags the parser has already
accepted, so reading one's name or attributes is exact. New elements are written as text with
the prefixes the part already uses, escaped as lxml escapes (``text``/``attr``), so a part
edited here reads as one edited through a tree, but for what the edit did not touch, which stays
byte for byte.

Why not a tree (lxml): write-back runs once per ``nianbao check`` process, and loading lxml (a
5 MB library) costs that process more than the whole edit; expat is already loaded by the reader.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.parsers import expat

from .xml import damaged, refuse_dtd

DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SPACE = b" \t\r\n"


def utf8(data: bytes) -> bytes:
    """The part in UTF-8 (what every part we write declares): a part that declares another
    encoding is re-encoded (its declaration is replaced on output anyway)."""
    if not data.startswith(b"<?xml"):
        return data
    decl = data[:data.find(b"?>") + 2]
    at = decl.find(b"encoding")
    if at < 0:
        return data
    q = decl[decl.find(b"=", at) + 1:].lstrip()[:1]
    name = decl[decl.find(q, at) + 1:].split(q, 1)[0].decode("ascii", "replace").lower().replace("_", "-")
    if name in ("utf-8", "utf8"):
        return data
    try:
        return data[len(decl):].decode(name).encode("utf-8")
    except (LookupError, UnicodeDecodeError) as exc:
        raise damaged() from exc


def tokens(data: bytes, part: str = "") -> list[str]:
    """The part's markup and text as written, one string per start tag, end tag (an empty-element
    tag is one string), comment, processing instruction, CDATA marker or run of text; DamagedFile
    (saying which part) when the part is not XML."""
    refuse_dtd(data)
    out: list[str] = []
    p = expat.ParserCreate()
    p.DefaultHandler = out.append
    try:
        p.Parse(data, True)
    except (expat.ExpatError, ValueError, LookupError) as exc:
        raise damaged(part) from exc
    return out


def name_of(tag: str) -> str:
    """The qualified name of a start or end tag as written (``x:c``)."""
    i = 2 if tag[1] == "/" else 1
    end = tag.find(" ", i)
    if end < 0:
        end = len(tag) - (2 if tag.endswith("/>") else 1)
    name = tag[i:end]
    if "\t" in name or "\n" in name or "\r" in name or "/" in name or ">" in name:
        end = i
        while tag[end] not in " \t\r\n/>":
            end += 1
        name = tag[i:end]
    return name


_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def unescape(s: str) -> str:
    """XML's references (the five predefined entities, character references) resolved."""
    if "&" not in s:
        return s
    out = []
    at = 0
    while True:
        amp = s.find("&", at)
        if amp < 0:
            out.append(s[at:])
            return "".join(out)
        semi = s.index(";", amp)
        ref = s[amp + 1:semi]
        out.append(s[at:amp])
        if ref[:2] == "#x":
            out.append(chr(int(ref[2:], 16)))
        elif ref[:1] == "#":
            out.append(chr(int(ref[1:])))
        else:
            out.append(_REFS[ref])
        at = semi + 1


def attributes_of(tag: str) -> dict[str, str]:
    """A start tag's attributes (namespace declarations included), values as a parser gives them
    (whitespace normalised, references resolved)."""
    out = {}
    i = len(name_of(tag)) + 1
    n = len(tag)
    while True:
        while i < n and tag[i] in " \t\r\n":
            i += 1
        if i >= n or tag[i] in "/>":
            return out
        eq = tag.index("=", i)
        name = tag[i:eq].strip()
        j = eq + 1
        while tag[j] in " \t\r\n":
            j += 1
        end = tag.index(tag[j], j + 1)
        value = tag[j + 1:end]
        for c in "\t\r\n":
            if c in value:
                value = value.replace(c, " ")
        out[name] = unescape(value)
        i = end + 1


def attribute(tag: str, name: str) -> str | None:
    """One attribute of a start tag (``attributes_of(tag).get(name)``, faster for the usual
    ``<c r="A1" s="4">``)."""
    if "'" in tag or "&" in tag or "\n" in tag or "\t" in tag or "\r" in tag or "= " in tag or " =" in tag:
        return attributes_of(tag).get(name)
    key = f' {name}="'
    at = tag.find(key)
    while at >= 0 and tag.count('"', 0, at) % 2:  # (inside a value)
        at = tag.find(key, at + 1)
    if at < 0:
        return None
    at += len(key)
    return tag[at:tag.index('"', at)]


def with_attribute(tag: str, name: str, value: str | None) -> str:
    """A start tag with attribute ``name`` set to ``value`` (in its place, or after the others, as
    a tree sets it), or dropped (``value`` None: with the space before it)."""
    span = _attribute_span(tag, name)
    if span is None:
        if value is None:
            return tag
        end = len(tag) - (2 if tag.endswith("/>") else 1)
        while tag[end - 1] in " \t\r\n":
            end -= 1
        return f'{tag[:end]} {name}="{attr(value)}"{tag[end:]}'
    start, vs, ve = span
    if value is None:
        while tag[start - 1] in " \t\r\n":
            start -= 1
        return tag[:start] + tag[ve + 1:]
    return f"{tag[:vs]}{attr(value)}{tag[ve:]}"


def _attribute_span(tag: str, name: str) -> tuple[int, int, int] | None:
    """(name start, value start, value end) of an attribute in a start tag."""
    i = len(name_of(tag)) + 1
    n = len(tag)
    while True:
        while i < n and tag[i] in " \t\r\n":
            i += 1
        if i >= n or tag[i] in "/>":
            return None
        eq = tag.index("=", i)
        j = eq + 1
        while tag[j] in " \t\r\n":
            j += 1
        end = tag.index(tag[j], j + 1)
        if tag[i:eq].strip() == name:
            return i, j + 1, end
        i = end + 1


def open_form(tag: str) -> str:
    """An empty-element tag written as a start tag (``<x a="1"/>`` gives ``<x a="1">``)."""
    return tag[:-2].rstrip(" \t\r\n") + ">" if tag.endswith("/>") else tag


def join(parts: list[str], lo: int, hi: int, edits: Iterable[tuple[int, int, int, str]]) -> str:
    """``parts[lo:hi]`` joined, with the edits (start, end, rank, new text) applied: the parts
    start..end-1 replaced, or text inserted before part ``start`` where end == start (inserts at
    one place in rank order, before a range that starts there). Edits do not overlap."""
    out: list[str] = []
    at = lo
    for start, end, _, new in sorted(edits, key=lambda e: (e[0], e[1] != e[0], e[2])):
        out.extend(parts[at:start])
        out.append(new)
        at = end
    out.extend(parts[at:hi])
    return "".join(out)


def tag_end(data: bytes, start: int) -> int:
    """Just after the ``>`` that closes the tag beginning at ``start`` (quoted values may hold a
    ``>``)."""
    i = start + 1
    while True:
        gt = data.index(b">", i)
        dq = data.find(b'"', i, gt)
        sq = data.find(b"'", i, gt)
        if dq < 0 and sq < 0:
            return gt + 1
        q = dq if sq < 0 or 0 <= dq < sq else sq
        i = data.index(data[q:q + 1], q + 1) + 1


def element_end(data: bytes, start: int, raw_end: int) -> int:
    """Just after an element, from its start and the position of its end event: an empty-element
    tag ends where the event is (after ``/>``: only such a start tag ends in ``/>``), any other
    element after the ``>`` of the end tag the event points at."""
    if data[raw_end - 2:raw_end] == b"/>" and tag_end(data, start) == raw_end:
        return raw_end
    return data.index(b">", raw_end) + 1


def is_empty(data: bytes, start: int, raw_end: int) -> bool:
    """The element is one empty-element tag (``<x/>``)."""
    return data[raw_end - 2:raw_end] == b"/>" and tag_end(data, start) == raw_end


def qname(data: bytes, start: int) -> bytes:
    """The element's name as written (``x:c``)."""
    i = start + 1
    n = len(data)
    while i < n and data[i] not in b" \t\r\n/>":
        i += 1
    return data[start + 1:i]


def prefix(data: bytes, start: int) -> bytes:
    """``b"x:"`` for an element written ``<x:c …>``, else ``b""``."""
    name = qname(data, start)
    return name[:name.index(b":") + 1] if b":" in name else b""


def attributes(data: bytes, start: int) -> list[tuple[bytes, int, int, int]]:
    """The attributes of the start tag at ``start`` as written: (name, where the name starts,
    where the value starts, where it ends), namespace declarations included."""
    out = []
    i = start + 1 + len(qname(data, start))
    while True:
        while data[i] in _SPACE:
            i += 1
        if data[i] in b"/>":
            return out
        eq = data.index(b"=", i)
        name = data[i:eq].rstrip()
        j = eq + 1
        while data[j] in _SPACE:
            j += 1
        end = data.index(data[j:j + 1], j + 1)
        out.append((name, i, j + 1, end))
        i = end + 1


def attribute_at(data: bytes, start: int) -> int:
    """Where a new attribute goes in the start tag at ``start``: after the last one (before any
    space, ``/>`` or ``>``), as a tree writes an attribute set last."""
    end = tag_end(data, start) - 1
    if data[end - 1:end] == b"/":
        end -= 1
    while data[end - 1] in _SPACE:
        end -= 1
    return end


def namespaces(data: bytes, start: int) -> dict[bytes, bytes]:
    """Namespace URI (as written) -> prefix (``b"r:"``, ``b""`` for the default) declared on the
    start tag at ``start``; the first declaration of a URI wins."""
    out: dict[bytes, bytes] = {}
    for name, _, vs, ve in attributes(data, start):
        if name == b"xmlns" or name.startswith(b"xmlns:"):
            out.setdefault(data[vs:ve], name[6:] + b":" if name != b"xmlns" else b"")
    return out


def open_tag(data: bytes, start: int, raw_end: int) -> bytes:
    """The start tag of an element, written as one that has content (``<x a="1"/>`` gives
    ``<x a="1">``)."""
    end = tag_end(data, start)
    if is_empty(data, start, raw_end):
        return data[start:end - 2].rstrip(_SPACE) + b">"
    return data[start:end]


def text(s: str) -> str:
    """Character data escaped as lxml (libxml2) writes it."""
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    if "\r" in s:
        s = s.replace("\r", "&#13;")
    return s


def attr(s: str) -> str:
    """An attribute value escaped as lxml (libxml2) writes it, for double quotes."""
    s = text(s)
    if '"' in s:
        s = s.replace('"', "&quot;")
    for c, ref in (("\n", "&#10;"), ("\t", "&#9;")):
        if c in s:
            s = s.replace(c, ref)
    return s


def apply(data: bytes, lo: int, hi: int, edits: Iterable[tuple[int, int, int, bytes]]) -> bytes:
    """``data[lo:hi]`` with the edits (start, end, rank, new bytes) applied: ranges replaced, or
    bytes inserted where start == end (inserts at one place in rank order, before a range that
    starts there). Edits do not overlap."""
    out = []
    at = lo
    for start, end, _, new in sorted(edits, key=lambda e: (e[0], e[1] != e[0], e[2])):
        out.append(data[at:start])
        out.append(new)
        at = end
    out.append(data[at:hi])
    return b"".join(out)


class Top:
    """A part's root element and its children (name ``uri}local``, attributes, start, position
    of the end event), for the small parts edited here: relationships, content types."""

    def __init__(self, data: bytes, part: str = "") -> None:
        refuse_dtd(data)
        self.data = data = utf8(data)
        self.children: list[list] = []
        self.root_start = self.root_raw_end = -1
        self.root_name = ""
        depth = 0
        p = expat.ParserCreate(namespace_separator="}")

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal depth
            depth += 1
            if depth == 2:
                self.children.append([name, attrs, p.CurrentByteIndex, 0])
            elif depth == 1:
                self.root_name, self.root_start = name, p.CurrentByteIndex

        def end(name: str) -> None:
            nonlocal depth
            if depth == 2:
                self.children[-1][3] = p.CurrentByteIndex
            elif depth == 1:
                self.root_raw_end = p.CurrentByteIndex
            depth -= 1

        p.StartElementHandler = start
        p.EndElementHandler = end
        try:
            p.Parse(data, True)
        except (expat.ExpatError, ValueError) as exc:
            raise damaged(part) from exc
        self.prefix = prefix(data, self.root_start)
        self.edits: list[tuple[int, int, int, bytes]] = []
        self.added: list[bytes] = []

    def end_of(self, child: list) -> int:
        return element_end(self.data, child[2], child[3])

    def remove(self, child: list) -> None:
        self.edits.append((child[2], self.end_of(child), 0, b""))

    def append(self, xml: bytes) -> None:
        """A new last child (its name written with the root's prefix by the caller)."""
        self.added.append(xml)

    def to_bytes(self) -> bytes:
        data = self.data
        edits = list(self.edits)
        end = element_end(data, self.root_start, self.root_raw_end)
        if self.added:
            new = b"".join(self.added)
            if is_empty(data, self.root_start, self.root_raw_end):
                name = qname(data, self.root_start)
                edits.append((self.root_start, end, 0, open_tag(data, self.root_start, self.root_raw_end)
                              + new + b"</" + name + b">"))
            else:
                edits.append((self.root_raw_end, self.root_raw_end, 0, new))
        return DECLARATION + apply(data, self.root_start, end, edits)
