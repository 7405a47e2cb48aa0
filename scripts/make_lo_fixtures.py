"""Make the LibreOffice-saved workbooks the reader's tests use (tests/fixtures/libreoffice/).

    python scripts/make_lo_fixtures.py [NAME.xlsx ...]     # all, or only these

Each starts as the sample's workbook made by ``nianbao new`` and is edited in LibreOffice Calc
through UNO as a person would (tests/uno_calc.py, run by /usr/bin/python3 with python3-uno), then
saved as .xlsx. Committed, so that the tests of the reader need no LibreOffice; the UNO tests
(tests/test_other_programs.py) make the same edits live.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from lo import calc_edit, comment, delete_rows, insert_rows, typed  # noqa: E402

from toolkit import spec  # noqa: E402
from toolkit.app import check_files  # noqa: E402
from toolkit.app.workbook import new_workbook  # noqa: E402
from toolkit.sample import sample_data  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "libreoffice"

# Typed into 表三 where the sample has 5 and 2: a count with its unit, and a full-width digit.
TEXT_NUMBERS = {"t3.new.natural": "5件", "t3.other_no_correction.natural": "２"}


def sample_inputs() -> dict[str, object]:
    return {k: v for k, v in sample_data().items() if k in spec.INPUT_KEYS}


FIXTURES = {
    # name: (the workbook's data, the edits in Calc)
    "text_numbers.xlsx": (sample_inputs(), (typed(TEXT_NUMBERS),)),
    "row_inserted.xlsx": (sample_inputs(), (insert_rows("t3.granted.natural"),)),
    "row_deleted.xlsx": (sample_inputs(), (delete_rows("t3.denied_inquiry.natural"),)),
    # a blank template filled in Calc with the sample's data, key by key
    "sample_typed.xlsx": ({}, (typed(sample_inputs()),)),
    # checked by nianbao first (two notes on 表二), then two comments of a user added on 表三 in Calc:
    # two VML drawings, each repeating LibreOffice's shapetype _x0000_t202 and naming shapes shape_0
    "checked_commented.xlsx": ({**sample_inputs(), "t2.normative.issued": "5件", "t2.normative.repealed": "/"},
                               (comment("t3.new.natural", "请核对新收申请数"),
                                comment("t3.partial.natural", "部分公开的理由见附件"))),
}
CHECKED_FIRST = {"checked_commented.xlsx"}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, (data, steps) in FIXTURES.items():
            if sys.argv[1:] and name not in sys.argv[1:]:
                continue
            src = new_workbook(Path(tmp) / f"src-{name}", data=data)
            if name in CHECKED_FIRST:
                check_files([src])  # written back: notes and marks, as a unit's checked copy
            calc_edit(src, OUT / name, *steps)
            print(f"wrote {(OUT / name).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
