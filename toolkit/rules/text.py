"""Narrow phrases of the report's text: 元 amounts (W4), lists whose parts do not add up (W5), the
report year (W7). Numbers stated about the tables are read by ``reading`` (W5).

Patterns are kept narrow on purpose: a warning that fires on ordinary prose teaches staff to
ignore warnings. Each pattern is checked against the bundled real report in the tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from .. import spec
from ..lazyre import lazy

SECTION_ONE = spec.section_keys("一")

# compiled at first use (``lazy``): each runs only where a literal test finds its words
_TOTAL_WITH_PARTS = lazy(r"(\d+)\s*条[，,]\s*其中([^。；]*)")
_PART = lazy(r"(\d+)\s*条")
_YUAN = lazy(r"(\d+(?:\.\d+)?)\s*元")
_PERIOD = lazy(r"统计期限[^。]*")
_YEAR_IN_PERIOD = lazy(r"(\d{4})\s*年")
# 'YYYY年度' at the start of the text or of a sentence, then a comma or the subject (我街道, 本机关, 全年…)
_YEAR_OPENS_SENTENCE = lazy(r"(?:^|(?<=[。；;！？!?\n]))\s*((\d{4})\s*年度)(?=\s*[，,]|\s*[我本全共])")
# words of a sentence about another year than the report's: comparisons, carry-overs
_ANOTHER_YEARS_WORDS = ("较", "比", "相比", "同期", "上年", "上一年", "去年", "结转", "以来", "至今")


class PartSum(NamedTuple):  # (not a frozen dataclass: a fifth of the cost at each start)
    """A figure of the text whose parts (其中…) add up to another number."""

    text_key: str
    quote: str
    number: int
    parts: int


def _texts(values: dict, keys: Iterable[str] = spec.TEXT_KEYS) -> Iterable[tuple[str, str]]:
    for key in keys:
        v = values.get(key)
        if isinstance(v, str) and v.strip():
            yield key, v


def part_sums(values: dict) -> Iterable[PartSum]:
    """'220条，其中政策文件11条、…' where the parts do not add up to the total (W5)."""
    for key, text in _texts(values, SECTION_ONE):
        if "其中" not in text or "条" not in text:
            continue
        for m in _TOTAL_WITH_PARTS.finditer(text):
            parts = [int(p) for p in _PART.findall(m.group(2))]
            total, summed = int(m.group(1)), sum(parts)
            # A list ending in 等 names some parts only: it may fall short of the total, never exceed it.
            short_ok = "等" in m.group(2)
            if len(parts) >= 2 and (summed > total or (summed < total and not short_ok)):
                yield PartSum(key, m.group(0)[:60], total, summed)


def years(values: dict, year: int | None = None) -> Iterable[tuple[str, str, int]]:
    """(text key, quote, year) for each year the text presents as the report's own (W7): the years
    of the 统计期限 sentence, and 'YYYY年度' opening a sentence as its subject ('2021年度，我街道…').

    Last year is named in ordinary prose all the time (较2021年度增长, 2021年度结转, 2021年度的问题已
    整改), so a 'YYYY年度' counts only at the start of a sentence, followed by a comma or the subject,
    in a sentence that compares or carries nothing over, and in a section that does not name the
    report ``year`` itself (then the other year is a comparison, not a leftover)."""
    for key, text in _texts(values, SECTION_ONE):
        if "统计期限" in text:
            for m in _PERIOD.finditer(text):
                for y in _YEAR_IN_PERIOD.findall(m.group(0)):
                    yield key, m.group(0)[:40], int(y)
        # 年度 is rare and a literal search is fast; the pattern runs only around it
        if "年度" not in text or (year is not None and f"{year}年" in text):
            continue
        for m in _YEAR_OPENS_SENTENCE.finditer(text):
            sentence = text[m.start(1):_sentence_end(text, m.end())]
            if not any(w in sentence for w in _ANOTHER_YEARS_WORDS):
                yield key, m.group(1), int(m.group(2))


def _sentence_end(text: str, start: int) -> int:
    ends = [i for i in (text.find(c, start) for c in "。；;！？\n") if i >= 0]
    return min(ends, default=len(text))


def yuan_amounts(text: str) -> set[float]:
    """Amounts written in 元 (the pattern needs 元 right after the number, so 万元 is not one)
    in a text (W4)."""
    return {float(m) for m in _YUAN.findall(text)}
