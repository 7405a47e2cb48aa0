"""Shared strings, inline strings and the text of notes: plain ``<t>`` or rich-text runs ``<r><t>``
(all of type CT_Rst)."""

from __future__ import annotations

from .xml import Element, local, unescape


def string_item(si: Element) -> str:
    """The text of a shared or inline string item; phonetic runs (rPh) are skipped."""
    parts = []
    for child in si:
        tag = local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if local(t.tag) == "t")
    return unescape("".join(parts))


def shared_strings(root: Element) -> list[str]:
    return [string_item(si) for si in root if local(si.tag) == "si"]
