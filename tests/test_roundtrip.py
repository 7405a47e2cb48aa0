"""Round trip: data -> ``new --data`` -> read -> the same data, for random data (hypothesis),
texts included (long Chinese texts with newlines, spaces at either end, a leading '=', literal
``_x0041_`` sequences, emoji, control characters)."""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit import spec
from toolkit.app import export_data, new_workbook
from toolkit.workbook.build import computed_values
from toolkit.workbook.read import read_workbook

# NIANBAO_EXAMPLES=500 python -m pytest tests/test_roundtrip.py  for a deeper search
SETTINGS = settings(max_examples=int(os.environ.get("NIANBAO_EXAMPLES", "25")), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Pieces that are easy to get wrong in OOXML: escapes, formula-looking starts, whitespace,
# characters outside the BMP, and CJK punctuation of real reports.
TRICKY = ["_x0041_", "_x005F_", "x0041_", "_x", "_x000D_", "_X0041_", "_x00", "=", "=SUM(A1:A2)", "+", "-", "@",
          "'", "\n", "\r\n", "\t", "  ", "\u3000", "😀", "👍🏽", "𠀀", "“”", "《》", "（一）",
          "&amp;", "<t>", "]]>", "\x00", "\x01", "\x1f", "\ufffe", "\uffff", "\u00a0", "\u200b", "１２３"]
CJK_TEXT = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=60)
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                          blacklist_characters=""), max_size=40)
LONG_TEXT = st.lists(st.one_of(CJK_TEXT, ANY_TEXT, st.sampled_from(TRICKY)), max_size=30).map("".join)


def number_values(kind: str):
    if kind == "decimal":
        return st.one_of(st.integers(0, 10**6),
                         st.decimals(0, 10**6, places=spec.FEES_DECIMALS, allow_nan=False,
                                     allow_infinity=False).map(float))
    return st.integers(0, 10**9)


@st.composite
def report_data(draw) -> dict[str, object]:
    data: dict[str, object] = {}
    for key in spec.INPUT_KEYS:
        f = spec.FIELDS[key]
        if f.is_number:
            data[key] = draw(st.one_of(st.none(), number_values(f.kind)) if draw(st.booleans())
                             else number_values(f.kind))
        elif f.kind == "longtext":
            data[key] = draw(st.one_of(st.none(), LONG_TEXT))
        elif f.kind == "year":
            data[key] = draw(st.integers(2021, 2100))
        elif f.kind == "enum":
            data[key] = draw(st.one_of(st.none(), st.sampled_from(spec.UNIT_LEVELS)))
        elif f.kind == "date":
            data[key] = draw(st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31))
                                       .map(dt.date.isoformat)))
        else:  # short texts: surrounding spaces are normalised away, so draw them stripped
            text = draw(st.one_of(CJK_TEXT, ANY_TEXT, st.sampled_from(TRICKY)))
            data[key] = text.strip() or None
    return {k: v for k, v in data.items() if v is not None}


def expected_values(data: dict[str, object]) -> dict[str, object]:
    """What reading the workbook must give: the inputs as given, totals where all terms are."""
    want = {k: data.get(k) for k in spec.INPUT_KEYS}
    totals = computed_values(data)

    def known(key: str) -> bool:
        f = spec.FIELDS[key]
        return all(known(t) for t in f.computed_from) if f.is_computed else data.get(key) is not None

    for key in spec.COMPUTED_KEYS:
        want[key] = totals[key] if known(key) else None
    return want


def same(a: object, b: object) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and Decimal(repr(float(a))) == Decimal(repr(float(b)))
    return a == b and type(a) is type(b)


def assert_same(got: dict[str, object], want: dict[str, object]) -> None:
    diff = {k: (want[k], got.get(k)) for k in want if not same(got.get(k), want[k])}
    assert not diff, diff


@SETTINGS
@given(data=report_data())
def test_data_to_workbook_to_data(tmp_path, data):
    path = new_workbook(tmp_path / "rt.xlsx", data=data, overwrite=True)
    report = read_workbook(path)
    # the only problems are the blanks left in number cells (rule E1), kept distinct from 0
    assert {k: p.kind for k, p in report.problems.items()} == {
        k: "blank" for k in spec.INPUT_KEYS if spec.FIELDS[k].is_number and k not in data}
    assert not report.broken_formulas
    assert_same(report.values, expected_values(data))


@SETTINGS
@given(text=LONG_TEXT)
def test_any_text_survives_every_text_cell(tmp_path, text):
    data = {key: text for key in spec.TEXT_KEYS}
    report = read_workbook(new_workbook(tmp_path / "t.xlsx", data=data, overwrite=True))
    for key in spec.TEXT_KEYS:
        assert report.values[key] == text, key


@pytest.mark.parametrize("text", [
    "  开头有空格\n第二段\n\n第四段，结尾有空格  ",
    "=SUM(A1:A3) 不是公式",
    "字面的 _x0041_ 与 _x005F_x0041_ 与 _x005f_",
    "表情😀与扩展汉字𠀀",
    "\n\n前后换行\n\n",
    "\u3000\u3000全角空格缩进的段落。",
])
def test_text_examples(tmp_path, text):
    report = read_workbook(new_workbook(tmp_path / "t.xlsx", data={"text.other": text}, overwrite=True))
    assert report.values["text.other"] == text


def test_long_chinese_texts_with_newlines(tmp_path, sample):
    long = "\n".join([sample["text.problems"]] * 20)  # ~ 8000 characters, 40 paragraphs
    data = {**sample, "text.problems": long}
    report = read_workbook(new_workbook(tmp_path / "long.xlsx", data=data))
    assert report.values["text.problems"] == long
    assert_same(report.values, expected_values(data))


def test_sample_round_trips_through_export(tmp_path, sample):
    path = new_workbook(tmp_path / "s.xlsx", data=sample)
    exported = export_data(path)
    assert exported.pop("format") == spec.FORMAT_ID
    assert_same({k: v for k, v in exported.items()}, expected_values(sample))
    again = new_workbook(tmp_path / "again.xlsx", data={k: v for k, v in exported.items()})
    assert export_data(again) == {"format": spec.FORMAT_ID, **exported}
    json.dumps(exported, ensure_ascii=False)  # plain JSON values only
