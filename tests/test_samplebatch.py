"""The generated batches the collect tests and benchmarks use: a unit's copy of a built workbook
holds that unit's numbers, with the totals' cached results to match, and its own section 五."""

from __future__ import annotations

import random

import pytest

from toolkit.collect.samplebatch import SEEDED_ERRORS, UNIT_PLACEHOLDER, problems_text, random_values, unit_copy
from toolkit.rules import check
from toolkit.source import read_source
from toolkit.values import Formula
from toolkit.workbook.build import build_workbook, computed_values

PLACEHOLDER = "第五部分占位符QZW"


@pytest.mark.parametrize("error", [None, *SEEDED_ERRORS])
def test_unit_copy_holds_the_units_numbers_and_totals(tmp_path, error):
    def values(seed: int) -> dict[str, object]:
        v = random_values(random.Random(seed), UNIT_PLACEHOLDER, 2024, error=error)
        if v["text.problems"] is not None:
            v["text.problems"] = PLACEHOLDER
        return v

    base = build_workbook(values(1))
    mine = values(2)
    text = problems_text(random.Random(3), 2024)
    path = tmp_path / "copy.xlsx"
    path.write_bytes(unit_copy(base, "城北街道办事处", mine, {PLACEHOLDER: text}))
    report, _ = read_source(str(path))
    got = report.values
    assert got["meta.unit"] == "城北街道办事处"
    assert got["text.problems"] == (text if error != "no_problems_text" else None)
    for key, value in mine.items():
        if key not in ("meta.unit", "text.problems"):
            assert (got[key] if value != "/" else report.raw[key]) == value, key
    for key, value in computed_values(mine).items():  # what Excel would have saved
        cell = report.raw[key]
        assert isinstance(cell, Formula) and cell.cached == value, key
    result = check(report)
    expected = {None: set(), "carry_forward": {"E3"}, "blank": {"E1"}, "slash": {"E1"}, "no_problems_text": {"E7"}}
    assert {f.rule for f in result.errors} == expected[error]
