"""The docxtpl context of a report: its values under their FORMAT.md keys, as a template shows them.

Keys become nested attributes (``t3.new.natural``), derived from ``spec.KEYS`` so that every key
exists and nothing else does. Numbers are written as the published reports write them (``5``,
``0``, ``12.5``); a text part becomes ``Paragraphs``: one Word paragraph per line of the text.

The web page (``toolkit.web.page``) shows a report as the Word report does: it takes
``display_values`` and ``Paragraphs`` from here, so a change of how a value is written is made here
for both.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

from .. import spec
from ..report import Report
from ..rules.catalog import parse_date
from ..rules.engine import fmt_number
from ..safetext import NOT_XML
from ..values import show

# docxtpl turns this character, inside a rendered run, into the end of the paragraph and the
# start of a new one with the same paragraph and run formatting (its "Listing" support, which
# post-processes every run). User text can never contain it: ``clean`` removes control characters.
PARAGRAPH_BREAK = "\a"

# Characters XML 1.0 cannot hold (a .docx with one does not open), and docxtpl's own markers
# (\a new paragraph, \f page break, \v): removed from what users typed. Tabs stay (docxtpl writes
# a Word tab); line breaks separate paragraphs.
_UNWRITABLE = NOT_XML
_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x0b")
# Leading/trailing blanks of a paragraph, full-width ones too: the template indents paragraphs
# itself (two characters, GB/T 9704), so indentation typed as spaces would double it.
_EDGE_BLANKS = " \t\u3000\u00a0"
# Punctuation that may follow a heading a user typed at the start of a part's text.
_HEADING_END = "。：:．.，, \u3000"


class Paragraphs:
    """A text part as paragraphs.

    ``{{ text.proactive }}`` writes them as separate Word paragraphs (docxtpl splits a run at
    PARAGRAPH_BREAK); ``{%p for para in text.proactive %}`` loops over them; an empty text is
    false in ``{%p if text.overview %}``."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[str, ...]) -> None:
        self.items = items

    def __str__(self) -> str:
        return PARAGRAPH_BREAK.join(self.items)

    def __iter__(self) -> Iterator[str]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return any(self.items)

    def __getitem__(self, i: int) -> str:
        return self.items[i]

    def __repr__(self) -> str:
        return f"Paragraphs({self.items!r})"


_DIGIT_DATE = re.compile(r"[0-9]{4}\s*[年\-/.．]\s*[0-9]{1,2}\s*[月\-/.．]\s*[0-9]{1,2}\s*日?")


def clean(text: str) -> str:
    """Text as typed, minus characters a Word document cannot contain."""
    return _UNWRITABLE.sub("", text.replace("\r\n", "\n").replace("\x0b", "\n"))


def paragraphs(text: str | None, heading: str = "") -> Paragraphs:
    """Split a text part into paragraphs: one per line, blank lines dropped, blanks at the edges
    trimmed. A 二级 heading the user typed again at the start (the template prints it) is not
    repeated. The empty text is one empty paragraph, so that a part's heading still appears."""
    if not text:
        return Paragraphs(("",))
    lines = [line.strip(_EDGE_BLANKS) for line in _LINE_BREAKS.split(text)]
    paras = [clean(line) for line in lines if line]
    if paras and heading and paras[0].startswith(heading):
        rest = paras[0][len(heading):].lstrip(_HEADING_END)
        paras[0:1] = [rest] if rest else []
    return Paragraphs(tuple(paras) or ("",))


def chinese_date(value: str) -> str:
    """A date typed in digits, which W11 reads (2025-01-20, 2025.1.20, 2025/1/20: a zh-CN Excel or
    Calc keeps the dotted form as text) -> 2025年1月20日 (成文日期 as GB/T 9704 writes it); any
    other text as typed (二〇二五年一月二十日, 2025年1月, 1月20日前). The workbook keeps what was typed."""
    try:
        d: _dt.date | None = _dt.date.fromisoformat(value)
    except ValueError:
        d = parse_date(value) if _DIGIT_DATE.fullmatch(value.strip()) else None
    return value if d is None else f"{d.year}年{d.month}月{d.day}日"


def _number_text(report: Report, key: str) -> str:
    value = report.values.get(key)
    if value is not None:
        return fmt_number(value)
    if key in report.problems and report.raw.get(key) is not None:
        return clean(show(report.raw[key]))  # a draft shows what was typed ("/", "5件")
    return ""


def display_values(report: Report) -> dict[str, object]:
    """key -> what the report shows for it, for every key of the specification."""
    headings = {p.key: p.heading for p in spec.TEXT_PARTS}
    shown: dict[str, object] = {}
    for key in spec.KEYS:
        f = spec.FIELDS[key]
        value = report.values.get(key)
        if f.is_number:
            shown[key] = _number_text(report, key)
        elif f.kind == "longtext":
            shown[key] = paragraphs(value if isinstance(value, str) else None, headings.get(key, ""))
        elif value is None:
            raw = report.raw.get(key)
            shown[key] = clean(show(raw)) if key in report.problems and raw is not None else ""
        elif f.kind == "date":
            shown[key] = clean(chinese_date(str(value)))
        else:
            shown[key] = clean(str(value))
    return shown


def nest(flat: dict[str, object]) -> dict[str, object]:
    """{"t3.new.natural": v} -> {"t3": ns(new=ns(natural=v))}: attribute access in the template.

    Namespaces rather than dicts: a key such as ``items`` or ``values`` would otherwise resolve to
    the dict method in Jinja."""
    tree: dict[str, Any] = {}
    for key, value in flat.items():
        node: dict[str, Any] = tree
        *parents, leaf = key.split(".")
        for name in parents:
            node = node.setdefault(name, {})
        node[leaf] = value

    def to_ns(node: object) -> object:
        if isinstance(node, dict):
            return SimpleNamespace(**{k: to_ns(v) for k, v in node.items()})
        return node

    return {name: to_ns(node) for name, node in tree.items()}


def make_context(report: Report) -> dict[str, object]:
    """The docxtpl context of a report."""
    return nest(display_values(report))
