"""Numbers as Chinese reports write them: ``5``, ``５``, ``1,234``, ``1，234``, ``十二``, ``一百零三``,
``两``, ``1.5万``, with their unit (件 宗 条 项 个 份 次 起 …, 元 and 万元, %), and whether they are
approximate (``100余件``, ``近百件``, ``约``, ``左右``): approximate figures are never compared.

Why not cn2an (PyPI): tried on this machine, importing it takes ~180 ms (it pulls in ``proces``),
a conversion ~35 µs, and it refuses ``1,234``; a check of a whole report takes a few
milliseconds. The numerals a report uses are a small closed set, parsed here in a few lines.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..numerals import FULLWIDTH_DIGITS, NUMERAL_CHARS, chinese_to_int

_CN = NUMERAL_CHARS

COUNT_UNITS = ("件次", "件", "宗", "条", "项", "个", "份", "次", "起", "部", "家", "人次", "人")
# Units a number is glued to; longest first so that 万元 wins over 万 and 件次 over 件.
_UNITS = ("万元", "元", *COUNT_UNITS)
_APPROX_BEFORE = ("近", "约", "逾", "超过", "将近", "大约", "接近", "不足", "不到", "超")
_APPROX_AFTER = ("余", "多", "来")
_APPROX_TAIL = ("左右", "以上", "以下", "上下", "之多")
# A unit glued to these is a duration or another measure, not a count: 3个工作日, 2个百分点.
_NOT_COUNT_AFTER = ("工作日", "自然日", "月", "小时", "百分点", "季度", "方面", "年度", "批次")

_FIRST = "0-9０-９" + _CN
NUMBER = re.compile(
    rf"(?=[{_FIRST}])"  # lets the engine skip plain text fast
    r"(?P<pct>百分之)?"
    r"(?P<num>[0-9０-９]+(?:[,，][0-9０-９]{3})*(?![0-9０-９])(?:[.．][0-9０-９]+)?"
    rf"|[{_CN}]+)"
    r"(?P<approx>[余多来]?)"
    r"(?P<wan>万(?!元))?"
    rf"(?P<unit>%|％|{'|'.join(_UNITS)})?")


# (a named tuple: made at every check's start, it costs a fifth of a frozen dataclass)
class Number(NamedTuple):
    """A number of a text, where it stands, its value and its unit."""

    start: int
    end: int  # after the unit
    value: float | int
    unit: str  # "件", "元", "万元", "%", or ""
    approx: bool
    text: str

    @property
    def is_count(self) -> bool:
        return self.unit in COUNT_UNITS and not self.approx

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"


def figure_pattern(units: tuple[str, ...]) -> re.Pattern:
    """A quick test for a number with one of ``units`` (or a share) somewhere in a text."""
    units_re = "|".join(sorted(units, key=len, reverse=True))
    return re.compile(rf"[{_FIRST}](?:[余多来]?万?(?:{units_re}|%|％)|分之)")  # one first-character test


def parse_numbers(text: str) -> list[Number]:
    """Every number of ``text`` with its unit. Chinese numerals are taken only with a unit (一是,
    一些, 十分 are words), Arabic ones always."""
    out: list[Number] = []
    for m in NUMBER.finditer(text):
        pct, raw, approx_word, wan, unit = m.groups()
        unit = unit or ""
        arabic = raw[0] not in _CN
        if arabic:
            s = raw.translate(FULLWIDTH_DIGITS).replace(",", "").replace("，", "")
            value: float | int = float(s) if "." in s else int(s)
        else:
            if not unit and not pct:
                continue
            if start_word(text, m.start()):
                continue
            parsed = chinese_to_int(raw)
            if parsed is None:
                continue
            value = parsed
            if unit == "元" and raw.endswith("万"):  # 三万元: the 万 belongs to the unit
                value, unit = parsed // 10_000, "万元"
        if wan:
            value = value * 10_000
        if pct:
            unit = "%"
        elif unit == "％":
            unit = "%"
        start, end = m.start(), m.end()
        if unit in COUNT_UNITS and text.startswith(_NOT_COUNT_AFTER, end):
            unit = unit + "…"  # a measure (3个工作日): kept, never a count
        approx = bool(approx_word) or _approx_around(text, start, end)
        out.append(Number(start, end, value, unit, approx, m.group(0)))
    return out


# A numeral after these is part of a word: 每一件, 同一条, 第三方, 统一, 重要的一项工作.
_WORD_BEFORE = "每同统唯逐第单另任之这那哪某各整万的"


def start_word(text: str, start: int) -> bool:
    return start > 0 and text[start - 1] in _WORD_BEFORE


def _approx_around(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 2):start]
    return before.endswith(_APPROX_BEFORE) or text.startswith(_APPROX_TAIL, end)


def fmt(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value) if isinstance(value, int) else f"{value:.4f}".rstrip("0").rstrip(".")
