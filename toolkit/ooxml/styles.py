"""The styles part, as far as the reader needs it: which cell formats show numbers as dates."""

from __future__ import annotations

import re

from .xml import Element, local

_BUILTIN_DATE_FORMATS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
_DATE_CODE = re.compile(r"(\"[^\"]*\"|\[[^\]]*\]|\\.)")  # quoted text, [colour]/[locale], escapes


def _int(text: str | None, default: int) -> int:
    return int(text) if text and text.isascii() and text.isdigit() else default


def date_styles(styles: Element) -> set[int]:
    """Indexes of the cellXfs that format numbers as dates (or times)."""
    custom: dict[int, str] = {}
    xfs: list[int] = []
    for el in styles:
        tag = local(el.tag)
        if tag == "numFmts":
            for nf in el:
                custom[_int(nf.get("numFmtId"), -1)] = nf.get("formatCode", "")
        elif tag == "cellXfs":
            xfs.extend(_int(xf.get("numFmtId"), 0) for xf in el if local(xf.tag) == "xf")
    dates = set()
    for i, fmt_id in enumerate(xfs):
        if fmt_id in custom:
            code = _DATE_CODE.sub("", custom[fmt_id]).lower()
            if any(ch in code for ch in "dmyhs") and "general" not in code:
                dates.add(i)
        elif fmt_id in _BUILTIN_DATE_FORMATS:
            dates.add(i)
    return dates
