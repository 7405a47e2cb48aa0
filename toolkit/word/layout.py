"""What makes a rendered report read like a 公文 on paper, decided once the values are known.

- The title (GB/T 9704 7.3.3: 标题回行时，要做到词意完整，排列对称，长短适宜): one line when it
  fits, else broken where a person breaks it: after the unit's name, the second line being
  「2024年政府信息公开工作年度报告」; a unit's name too long for one line is itself broken after
  one of its administrative parts (市, 区, 人民政府, …), never inside a word.
- The 落款 (unit and date) stays together and on the page of the last lines of the text.

Both are done on the rendered document (and so also for an office's own template, which marks
its title and 落款 by the same styles or the same text).
"""

from __future__ import annotations

import unicodedata

from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from .. import spec
from .template import ERHAO, STYLE_SIGNATURE, STYLE_TITLE, TEXT_WIDTH_MM

# Characters of the title's size on one line of the text block (a 22 pt character is 7.76 mm wide).
TITLE_LINE_EMS = TEXT_WIDTH_MM / (ERHAO * 25.4 / 72)
# Where a unit's name may break: after these parts of it, longest first.
_NAME_PARTS = ("人民政府办公室", "人民政府办公厅", "人民政府", "办公室", "办公厅", "委员会", "办事处",
               "自治区", "自治州", "自治县", "街道", "省", "市", "区", "县", "州", "盟", "旗", "镇", "乡",
               "局", "厅", "委", "办")


def ems(text: str) -> float:
    """Width of text in ems of its font: a CJK or full-width character is one, others about half
    (digits of the CJK fonts are 0.5–0.56 em)."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.56 for ch in text)


def _name_breaks(unit: str) -> list[int]:
    """Positions in a unit's name after one of its administrative parts."""
    found = set()
    for part in _NAME_PARTS:
        start = unit.find(part)
        while start != -1:
            end = start + len(part)
            if 0 < end < len(unit):
                found.add(end)
            start = unit.find(part, start + 1)
    return sorted(found)


def title_lines(unit: str, year: object, width: float = TITLE_LINE_EMS) -> list[str]:
    """The title as the lines it is printed on."""
    title = spec.title({"meta.unit": unit, "meta.year": year})
    if ems(title) <= width or not unit or not title.startswith(unit):
        return [title]
    rest = title[len(unit):]  # 「2024年政府信息公开工作年度报告」
    if ems(unit) <= width:
        return [unit, rest]
    lines, left = [], unit
    while ems(left) > width:
        fits = [b for b in _name_breaks(left) if ems(left[:b]) <= width]
        if not fits:
            break  # no part boundary: the line wraps where it must
        lines.append(left[:fits[-1]])
        left = left[fits[-1]:]
    return [*lines, left, rest]


def _style_is(paragraph: Paragraph, ident: tuple[str, str], names: dict[str | None, str | None] | None = None) -> bool:
    """Whether the paragraph has the style ``ident`` (id, name): by id, or by name where a program
    renamed the ids. ``names``: the style names found so far by id, for a walk over a document
    (python-docx looks a name up in the styles part each time: most of the layout's time)."""
    style_id = paragraph._p.style
    if style_id == ident[0]:
        return True
    if names is not None and style_id in names:
        return names[style_id] == ident[1]
    style = paragraph.style
    name = style.name if style is not None else None
    if names is not None:
        names[style_id] = name
    return name == ident[1]


def _set_lines(paragraph: Paragraph, lines: list[str]) -> None:
    """The paragraph's text as lines with line breaks, in the formatting of its first run."""
    runs = paragraph.runs
    keep = runs[0]
    for run in runs[1:]:
        paragraph._p.remove(run._r)
    for child in list(keep._r):
        if child.tag != qn("w:rPr"):
            keep._r.remove(child)
    for i, line in enumerate(lines):
        if i:
            keep._r.append(OxmlElement("w:br"))
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = line
        keep._r.append(t)


def break_title(document: DocumentObject, values: dict[str, object]) -> None:
    unit, year = values.get("meta.unit"), values.get("meta.year")
    if not unit or not year:
        return
    title = spec.title(values)
    for p in document.paragraphs[:5]:  # the title, after a draft's warning line
        if p.runs and (p.text == title or _style_is(p, STYLE_TITLE) and p.text.strip() == title):
            lines = title_lines(str(unit), year)
            if len(lines) > 1:
                _set_lines(p, lines)
            return


def keep_signature_with_text(document: DocumentObject) -> None:
    """The 落款's lines keep together and with the last paragraph before them."""
    paragraphs = document.paragraphs
    names: dict[str | None, str | None] = {}
    marks = [i for i, p in enumerate(paragraphs) if _style_is(p, STYLE_SIGNATURE, names)]
    if not marks:
        return
    before = [p for p in paragraphs[:marks[0]] if p.text.strip()]
    for p in ([before[-1]] if before else []) + [paragraphs[i] for i in marks[:-1]]:
        p.paragraph_format.keep_with_next = True


def lay_out(document: DocumentObject, values: dict[str, object]) -> None:
    break_title(document, values)
    keep_signature_with_text(document)
