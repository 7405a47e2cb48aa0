"""Narrow phrases of the report's text: 元 amounts (W4), lists whose parts do not add up (W5), the
report year (W7). Numbers stated about the tables are read by ``reading`` (W5).

Patterns are kept narrow on purpose: a warning that fires on ordinary prose teaches staff to
ignore warnings. Each pattern is checked against the bundled real report in the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .. import spec
from ..lazyre import lazy

SECTION_ONE = spec.section_keys("一")

_TOTAL_WITH_PARTS = re.compile(r"(\d+)\s*条[，,]\s*其中([^。；]*)")
_PART = re.compile(r"(\d+)\s*条")
_YUAN = lazy(r"(\d+(?:\.\d+)?)\s*元")
_PERIOD = re.compile(r"统计期限[^。]*")
_YEAR_IN_PERIOD = re.compile(r"(\d{4})\s*年")
_YEAR_OF_REPORT = re.compile(r"(\d{4})\s*年度")


@dataclass(frozen=True)
class PartSum:
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


def years(values: dict) -> Iterable[tuple[str, str, int]]:
    """(text key, quote, year) for each year the text names as the report's (W7): the years of
    the 统计期限 sentence, and 'YYYY年度' in section 一."""
    for key, text in _texts(values, SECTION_ONE):
        if "统计期限" in text:
            for m in _PERIOD.finditer(text):
                for y in _YEAR_IN_PERIOD.findall(m.group(0)):
                    yield key, m.group(0)[:40], int(y)
        # 年度 is rare and a literal search is fast; the pattern runs only around it
        at = text.find("年度")
        while at >= 0:
            near = _YEAR_OF_REPORT.search(text, max(0, at - 8), at + 2)
            if near:
                yield key, near.group(0), int(near.group(1))
            at = text.find("年度", at + 2)


def yuan_amounts(text: str) -> set[float]:
    """Amounts written in 元 (the pattern needs 元 right after the number, so 万元 is not one)
    in a text (W4)."""
    return {float(m) for m in _YUAN.findall(text)}
