"""What the report's text says in numbers: the phrases rules W4, W5 and W7 compare with the tables.

Patterns are kept narrow on purpose: a warning that fires on ordinary prose teaches staff to
ignore warnings. Each pattern is checked against the bundled real report in the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from .. import spec

SECTION_ONE = ("text.overview", "text.proactive", "text.on_request", "text.management",
               "text.platform", "text.oversight")

# (what, pattern with one number group, keys whose sum the number must equal)
CLAIMS: tuple[tuple[str, re.Pattern, tuple[str, ...]], ...] = (
    ("新收申请", re.compile(r"(?:收到|新收)[^。；，,]{0,20}?申请[^。；，,\d]{0,6}?(\d+)\s*件"), ("t3.new.total",)),
    ("办结", re.compile(r"办结[^。；，,\d]{0,20}?(\d+)\s*件"), ("t3.total.total",)),
    ("行政复议", re.compile(r"行政复议[^。；，,\d]{0,6}?(\d+)\s*件"), ("t4.review.total",)),
    ("行政诉讼", re.compile(r"行政诉讼[^。；，,\d]{0,6}?(\d+)\s*件"),
     ("t4.suit_direct.total", "t4.suit_after_review.total")),
)
_TOTAL_WITH_PARTS = re.compile(r"(\d+)\s*条[，,]\s*其中([^。；]*)")
_PART = re.compile(r"(\d+)\s*条")
_YUAN = re.compile(r"(\d+(?:\.\d+)?)\s*元")
_PERIOD = re.compile(r"统计期限[^。]*")
_YEAR_IN_PERIOD = re.compile(r"(\d{4})\s*年")
_YEAR_OF_REPORT = re.compile(r"(\d{4})\s*年度")


@dataclass(frozen=True)
class Claim:
    text_key: str
    what: str
    quote: str
    number: int
    keys: tuple[str, ...]


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


def claims(values: dict) -> Iterable[Claim]:
    """Counts the text states that a table also holds (W5). Only section 一 is read: sections
    五 and 六 talk about other years and plans."""
    for key, text in _texts(values, SECTION_ONE):
        for what, pattern, keys in CLAIMS:
            for m in pattern.finditer(text):
                yield Claim(key, what, m.group(0), int(m.group(1)), keys)


def part_sums(values: dict) -> Iterable[PartSum]:
    """'220条，其中政策文件11条、…' where the parts do not add up to the total (W5)."""
    for key, text in _texts(values, SECTION_ONE):
        for m in _TOTAL_WITH_PARTS.finditer(text):
            parts = [int(p) for p in _PART.findall(m.group(2))]
            if len(parts) >= 2 and sum(parts) != int(m.group(1)):
                yield PartSum(key, m.group(0)[:60], int(m.group(1)), sum(parts))


def years(values: dict) -> Iterable[tuple[str, str, int]]:
    """(text key, quote, year) for each year the text names as the report's (W7): the years of
    the 统计期限 sentence, and 'YYYY年度' in section 一."""
    for key, text in _texts(values, SECTION_ONE):
        for m in _PERIOD.finditer(text):
            for y in _YEAR_IN_PERIOD.findall(m.group(0)):
                yield key, m.group(0)[:40], int(y)
        for m in _YEAR_OF_REPORT.finditer(text):
            yield key, m.group(0), int(m.group(1))


def yuan_amounts(text: str) -> set[float]:
    """Amounts written in 元 (the pattern needs 元 right after the number, so 万元 is not one)
    in a text (W4)."""
    return {float(m) for m in _YUAN.findall(text)}
