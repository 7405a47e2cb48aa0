"""Shared strings, inline strings and the text of notes: plain ``<t>`` or rich-text runs ``<r><t>``
(all of type CT_Rst)."""

from __future__ import annotations

from .xml import Element, local, ns_of, unescape


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
    ns = ns_of(root)
    si_tag, t_tag = ns + "si", ns + "t"
    out = []
    for si in root:
        if si.tag == si_tag and len(si) == 1 and si[0].tag == t_tag:
            # the usual item, one plain <t>: read without string_item's walk (a few hundred a file)
            text = si[0].text or ""
            out.append(unescape(text) if "_x" in text else text)
        elif local(si.tag) == "si":
            out.append(string_item(si))
    return out
