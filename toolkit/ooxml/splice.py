"""Editing a part in place: what does not change is copied as it was, edits replace ranges.

A real parse (the standard library's expat, C) cuts the part into its markup as written
(``tokens``: each start tag, end tag, run of text, comment is one string, in order; joined they
are the document): its default handler is ``list.append``, so the parse calls no Python code at
all (a handler per element would cost three times the parse). Elements are then found among
these strings (``end_of``, ``Top``; ``sheetedit`` for worksheets), and edits replace runs of them
(``join``). Everything here works on tags the parser has already accepted, so reading one's name
or attributes is exact. New elements are written as text with the prefixes the part already
uses, escaped as lxml escapes (``text``/``attr``), so a part edited here reads as one edited
through a tree, but for what the edit did not touch, which stays as written. The part's own
declaration is replaced by the one every Office program writes, and the text is written in UTF-8
whatever encoding the part declared (expat decoded it).

Why not a tree (lxml): write-back runs once per ``nianbao check`` process, and loading lxml (a
5 MB library) costs that process more than the whole edit; expat is already loaded by the reader.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple
from xml.parsers import expat

from .xml import damaged, refuse_dtd

DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


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


def _spans(tag: str) -> Iterator[tuple[int, int, int, int]]:
    """(name start, name end, value start, value end) of each attribute of a start tag."""
    i = len(name_of(tag)) + 1
    n = len(tag)
    while True:
        while i < n and tag[i] in " \t\r\n":
            i += 1
        if i >= n or tag[i] in "/>":
            return
        eq = tag.index("=", i)
        j = eq + 1
        while tag[j] in " \t\r\n":
            j += 1
        end = tag.index(tag[j], j + 1)
        yield i, eq, j + 1, end
        i = end + 1


def attributes_of(tag: str) -> dict[str, str]:
    """A start tag's attributes (namespace declarations included), values as a parser gives them
    (whitespace normalised, references resolved)."""
    out: dict[str, str] = {}
    for ns, ne, vs, ve in _spans(tag):
        value = tag[vs:ve]
        for c in "\t\r\n":
            if c in value:
                value = value.replace(c, " ")
        out[tag[ns:ne].strip()] = unescape(value)
    return out


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
    return next(((ns, vs, ve) for ns, ne, vs, ve in _spans(tag) if tag[ns:ne].strip() == name), None)


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


def root_span(parts: list[str]) -> tuple[int, int]:
    """The indexes of the root element's start tag and of its end tag (the same for ``<x/>``)."""
    start = next(i for i, t in enumerate(parts) if t[0] == "<" and t[1] not in "!?/")
    if parts[start].endswith("/>"):
        return start, start
    end = len(parts) - 1
    while parts[end][:2] != "</":  # (comments, processing instructions, space after the root)
        end -= 1
    return start, end


def end_of(parts: list[str], i: int) -> int:
    """The index of the end tag of the element whose start tag is ``parts[i]`` (``i`` itself for
    an empty-element tag), nesting and CDATA followed."""
    if parts[i].endswith("/>"):
        return i
    depth = 0
    cdata = False
    j = i
    while True:
        tok = parts[j]
        if cdata:
            cdata = tok != "]]>"
        elif tok[0] == "<":
            c = tok[1]
            if c == "/":
                depth -= 1
                if not depth:
                    return j
            elif c == "!":
                cdata = tok == "<![CDATA["
            elif c != "?" and not tok.endswith("/>"):
                depth += 1
        j += 1


def children(parts: list[str], start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each child element of the element from ``parts[start]`` to its end tag
    ``parts[end]``; text, comments and CDATA passed over."""
    j = start + 1
    while j < end:
        tok = parts[j]
        if tok == "<![CDATA[":
            j = parts.index("]]>", j)
        elif tok[0] == "<" and tok[1] not in "/!?":
            k = end_of(parts, j)
            yield j, k
            j = k
        j += 1


class Child(NamedTuple):
    """A child element of a part's root: its name as written, attributes, and the indexes of its
    start and end tags in the part's ``parts``."""

    name: str
    attrs: dict[str, str]
    start: int
    end: int


class Top:
    """A part's root element and its children, for the small parts edited here: relationships,
    content types."""

    def __init__(self, data: bytes, part: str = "") -> None:
        self.parts = parts = tokens(data, part)
        self.root, self.root_end = root_span(parts)
        name = name_of(parts[self.root])
        self.prefix = name[:name.index(":") + 1] if ":" in name else ""
        self.children = [Child(name_of(parts[i]), attributes_of(parts[i]), i, end)
                         for i, end in children(parts, self.root, self.root_end)]
        self.edits: list[tuple[int, int, int, str]] = []
        self.added: list[str] = []

    def remove(self, child: Child) -> None:
        self.edits.append((child.start, child.end + 1, 0, ""))

    def append(self, xml: str) -> None:
        """A new last child (its name written with ``prefix`` by the caller)."""
        self.added.append(xml)

    def to_bytes(self) -> bytes:
        parts = self.parts
        edits = list(self.edits)
        if self.added:
            new = "".join(self.added)
            if self.root == self.root_end:
                tag = parts[self.root]
                edits.append((self.root, self.root + 1, 0, open_form(tag) + new + f"</{name_of(tag)}>"))
            else:
                edits.append((self.root_end, self.root_end, 0, new))
        return DECLARATION + join(parts, self.root, self.root_end + 1, edits).encode()
