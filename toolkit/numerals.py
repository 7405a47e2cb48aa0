"""Chinese numerals as reports and cells write them (十二, 一百零三, 两千零五, 一万二千, 二〇二三年):
their characters and the one parser, shared by the cell values (``values``), the text rules
(``rules.numbers``, ``rules.catalog``) and the importers (``importers.tables``). It imports
nothing of nianbao, so every module may use it.
"""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
          "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
WAN = "万"
NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + WAN  # every character of a numeral
ONE_TO_TEN = "一二三四五六七八九十"  # months, days and list numbers (一、 十二月 二十日)
# A year is written digit by digit: 二〇二三年, 二零二三年; Word documents often have a Latin O (or
# a full-width Ｏ) for 〇, as in 二O二三年. Only a year's digits read O as 0, never a count.
YEAR_ZEROS = "OoＯ"
YEAR_DIGITS = "〇○零一二三四五六七八九" + YEAR_ZEROS
YEAR_TO_ARABIC = str.maketrans(YEAR_DIGITS, "".join(str(DIGITS.get(c, 0)) for c in YEAR_DIGITS))
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")  # ５ -> 5, １．５ -> 1.5


def year_number(text: str) -> int | None:
    """A year's digits as a number: 2023, 二〇二三, 二O二三 → 2023; None for anything else."""
    digits = text.translate(YEAR_TO_ARABIC)
    return int(digits) if digits.isascii() and digits.isdigit() else None


def chinese_to_int(text: str) -> int | None:
    """十二 → 12, 二十五 → 25, 一百零三 → 103, 两千零五 → 2005, 一万二千 → 12000, 三〇五 → 305.
    None for what is not a numeral (万 alone, 千千)."""
    if not text or text == WAN:
        return None
    if all(c in DIGITS for c in text):  # digit by digit: 二〇二二, 三〇五
        return int("".join(str(DIGITS[c]) for c in text))
    total, section, digit = 0, 0, None
    last_small = 10_000
    for c in text:
        if c in DIGITS:
            if digit is not None and DIGITS[c] != 0 and digit != 0:
                return None  # two digits in a row inside a positional numeral
            digit = DIGITS[c]
        elif c in SMALL_UNITS:
            unit = SMALL_UNITS[c]
            if unit >= last_small:
                return None
            section += (1 if digit is None else digit) * unit  # 十二: 十 alone is 10
            digit, last_small = None, unit
        elif c == WAN:
            if total:
                return None
            total = (section + (digit or 0)) * 10_000
            if not total:
                return None
            section, digit, last_small = 0, None, 10_000
        else:
            return None  # not a numeral's character
    return total + section + (digit or 0)
