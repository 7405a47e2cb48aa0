"""What a cell or JSON value holds, and how it becomes a report value.

A workbook cell or a JSON value arrives "raw": a number, a string, a boolean, a date, a formula
or nothing. ``parse`` turns it into the typed value a field expects, or says precisely what is
wrong with it (a ``Problem``) so that the rules can quote it back to the user. Blank, 0 and text
stay distinct; only full-width digits and surrounding spaces are normalised.
"""

from __future__ import annotations

import datetime as _dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

from .lazyre import lazy
from .numerals import FULLWIDTH_DIGITS, chinese_to_int
from .ooxml.formula import Formula as Formula  # a raw value: made by the sheet reader
from .spec import (
    EXACT_DIGITS,
    EXACT_LIMIT,
    FEES_DECIMALS,
    FEES_DECIMALS_TEXT,
    FEES_UNIT,
    FIRST_YEAR,
    LAST_YEAR,
    NUMBER_KINDS,
    Field,
)

BLANK = "空白"  # how an empty cell is shown in messages, and recognised in findings


# A named tuple, not a frozen dataclass: every start loads this module, and a frozen dataclass
# compiles six methods when it is created, a named tuple one.
class Problem(NamedTuple):
    """Why a raw value is not a valid value for its field."""

    kind: str  # blank, placeholder, text, date, bool, formula, negative, fraction, decimals, ...
    found: str  # what was found, as the user would recognise it
    hint: str = ""  # what to do, e.g. "应填写数字5"

    @property
    def rule(self) -> str:
        """E1: not a number at all; E2: a number outside its range."""
        return "E2" if self.kind in ("negative", "fraction", "decimals", "range") else "E1"


TOO_LARGE = (f"数值超过{EXACT_DIGITS}位数字，Excel无法准确保存，不会是实际的件数或金额"
             "（是否粘贴了身份证号、文号等）：请核实后填写")
PLACEHOLDERS = {"/", "／", "-", "－", "—", "——", "–", "无", "空", "暂无", "N/A", "n/a", "NA", "\\", "、"}
_FULLWIDTH = {**FULLWIDTH_DIGITS, **str.maketrans("，－＋", ",-+")}
_NUMBER = lazy(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_LEADING_NUMBER = lazy(r"^\s*([+-]?\d+(?:\.\d+)?)\s*([^\d\s].*)$")


def show(raw: object) -> str:
    """A raw value as the user typed it, for messages."""
    if raw is None:
        return BLANK
    if isinstance(raw, Formula):
        return "=" + raw.text
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, (int, float)):
        return shown_number(raw)
    if isinstance(raw, (_dt.date, _dt.datetime)):
        return raw.isoformat()[:10]
    return str(raw)


SHOWN_DIGITS = 30  # a longer number is shown by its first digits and its length


def shown_number(v: float) -> str:
    """A number as a spreadsheet shows it: 5, 1.5, 1.10101199001011E+17 (15 significant digits,
    as Excel shows an ID number pasted into a cell); a number of thousands of digits (a JSON
    literal) by its first digits and its length, never the whole of it in a message."""
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return str(v)
        if abs(v) >= EXACT_LIMIT:
            return f"{v:.15G}"
        return str(int(v)) if v.is_integer() else repr(v)
    if abs(v) < 10 ** SHOWN_DIGITS:
        return str(v)
    digits = int(abs(v).bit_length() * 0.30103) + 1  # about, without converting all of it
    return f"{'-' if v < 0 else ''}{_leading_digits(abs(v), digits)}…（约{digits}位数字）"


def _leading_digits(v: int, digits: int) -> str:
    return str(v // 10 ** max(digits - SHOWN_DIGITS, 0))[:SHOWN_DIGITS]


def shown_text(text: str) -> str:
    """Text as typed, but a very long one by its start and its length."""
    if len(text) <= 2 * SHOWN_DIGITS:
        return text
    return f"{text[:SHOWN_DIGITS]}…（共{len(text)}个字符）"


def _clean_number_text(text: str) -> str:
    return text.translate(_FULLWIDTH).strip().replace(",", "")


# A money amount typed with its unit, for the 万元 column: how many yuan one of the unit is. Only
# the figure in 万元 may be typed there: 500元 is 0.05, never 500 (which would publish 500万元).
_YUAN_PER = {"万元": 10000, "千元": 1000, "百元": 100, "元": 1}


def _money_hint(figure: str, unit: str, field: Field) -> str:
    """The hint for a decimal (万元) cell typed as an amount with a unit (500元, 3千元, 2万元):
    the amount converted to 万元; "" for anything else (the plain advice then)."""
    unit = unit.strip().removesuffix("整").removesuffix("人民币").strip()
    if field.kind != "decimal" or unit not in _YUAN_PER:
        return ""
    wan = Decimal(figure) * _YUAN_PER[unit] / _YUAN_PER[FEES_UNIT]
    rounded = wan.quantize(Decimal(1).scaleb(-FEES_DECIMALS), ROUND_HALF_UP)
    shown = ("" if rounded == wan else "约") + format(rounded.normalize(), "f")
    if unit == FEES_UNIT:
        return f"应只填写阿拉伯数字{shown}（本栏单位已是{FEES_UNIT}），不要带单位"
    return f"本栏单位是{FEES_UNIT}，{figure}{unit}应填写{shown}（只填数字，{FEES_DECIMALS_TEXT}）"


def parse_number(raw: object, field: Field) -> tuple[int | float | None, Problem | None]:
    """A number field's raw value as a number, or the problem with it."""
    if type(raw) is int and 0 <= raw < EXACT_LIMIT:  # the usual case, first: ~200 per file
        return raw, None
    if isinstance(raw, Formula):
        return None, Problem("formula", show(raw), "此处应直接填写数字，不要填写公式")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, Problem("blank", BLANK, "应填写数字，没有发生的填0")
    if isinstance(raw, bool):
        return None, Problem("bool", show(raw), "应填写数字")
    if isinstance(raw, (_dt.date, _dt.datetime)):
        return None, Problem("date", f"日期{show(raw)}", "应填写数字；单元格被识别为日期")
    if isinstance(raw, str):
        text = _clean_number_text(raw)
        if text in PLACEHOLDERS:
            return None, Problem("placeholder", raw.strip(), "应填写数字，没有发生的填0")
        if _NUMBER.fullmatch(text):
            if len(text.lstrip("+-0").split(".", 1)[0]) > EXACT_DIGITS:  # before int(): 5000 digits raise
                return None, Problem("range", shown_text(raw), TOO_LARGE)
            number: int | float = float(text) if "." in text else int(text)
        else:
            cn = chinese_to_int(text)
            m = _LEADING_NUMBER.match(text)
            hint = "应只填写阿拉伯数字"
            if cn is not None:
                hint += f"{cn}"
            elif m:
                hint = _money_hint(m.group(1), m.group(2), field) or f"{hint}{m.group(1)}，不要带单位或文字"
            return None, Problem("text", shown_text(raw), hint)
    elif isinstance(raw, (int, float)):
        number = raw
    else:
        return None, Problem("text", show(raw), "应填写数字")

    if number != number or number in (float("inf"), float("-inf")):  # a cell's NaN, INF
        return None, Problem("text", show(raw), "应填写数字")
    if number < 0:
        return None, Problem("negative", show(raw), "应为大于或等于0的数")
    if number >= EXACT_LIMIT:
        return None, Problem("range", show(raw), TOO_LARGE)
    if field.kind == "int":
        if isinstance(number, float):
            if not number.is_integer():
                return None, Problem("fraction", show(raw), "件数应为整数")
            number = int(number)
        return number, None
    # decimal (万元): at most FEES_DECIMALS places, judged on the decimal text that was typed
    try:
        exponent = Decimal(repr(number) if isinstance(number, float) else str(number)).as_tuple().exponent
        places = -exponent if isinstance(exponent, int) else 0  # NaN/Infinity: not a number cell's value
    except InvalidOperation:
        places = 0
    if places > FEES_DECIMALS:
        return None, Problem("decimals", show(raw), f"金额以{FEES_UNIT}为单位，{FEES_DECIMALS_TEXT}")
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return number, None


def parse_text(raw: object, field: Field) -> tuple[object, Problem | None]:
    """A text/metadata field's raw value as its typed value, or the problem with it."""
    if raw is None:
        return None, None
    if isinstance(raw, str) and not raw.strip() and field.kind != "longtext":
        return None, None
    if field.kind == "year":
        if isinstance(raw, str):
            text = _clean_number_text(raw).removesuffix("年")
            if text.isascii() and text.isdigit() and len(text) <= 9:  # not "²", not 5000 digits
                raw = int(text)
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, int) and not isinstance(raw, bool) and FIRST_YEAR <= raw <= LAST_YEAR:
            return raw, None
        shown = shown_text(raw) if isinstance(raw, str) else show(raw)
        return None, Problem("year", shown, f"{field.label}应为{FIRST_YEAR}年起的四位数字年份，如2024")
    if field.kind == "date":
        if isinstance(raw, _dt.datetime):
            return raw.date().isoformat(), None
        if isinstance(raw, _dt.date):
            return raw.isoformat(), None
        if isinstance(raw, str):
            return raw.strip(), None
        return None, Problem("date", show(raw), f"{field.label}应为日期，如2025-01-20")
    if isinstance(raw, Formula):
        # A formula in a text cell: keep what it shows, the cell itself is never changed.
        return (str(raw.cached) if raw.cached is not None else None), None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = raw if isinstance(raw, str) else show(raw)
    if field.kind == "enum":
        text = text.strip()
        if text not in field.choices:
            return None, Problem("choice", text, "应为以下之一：" + "、".join(field.choices))
        return text, None
    if field.kind == "text":
        return text.strip(), None
    return text, None  # longtext: kept exactly as typed, newlines included


def parse(raw: object, field: Field) -> tuple[object, Problem | None]:
    if field.kind in NUMBER_KINDS:  # (field.is_number, without a property call for each value)
        return parse_number(raw, field)
    return parse_text(raw, field)
