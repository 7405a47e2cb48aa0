"""Which of a unit's copies stands, said so the district can see why: two copies saved in the same
minute show their seconds; copies whose dates tie to the second say so and which rule decided."""

from __future__ import annotations

import os
import random

from toolkit.collect import collect
from toolkit.collect.samplebatch import random_values, with_saved_at
from toolkit.workbook.build import build_workbook

YEAR = 2024


def test_copies_of_the_same_minute_show_seconds_and_a_tie_says_its_rule(tmp_path):
    blob = build_workbook(random_values(random.Random(6), "甲街道办事处", YEAR))
    minute = tmp_path / "同一分钟"
    minute.mkdir()
    (minute / "a.xlsx").write_bytes(with_saved_at(blob, "2025-01-12T10:00:05Z"))
    (minute / "b.xlsx").write_bytes(with_saved_at(blob, "2025-01-12T10:00:40Z"))
    s = collect([minute], tmp_path / "o1", workers=1)
    old = next(f for f in s.files if f.status == "被替代")
    assert old.origin.endswith("a.xlsx")
    assert ":00:40，本文件工作簿保存时间" in old.note and old.note.endswith(":00:05）"), old.note

    tie = tmp_path / "同一秒"
    tie.mkdir()
    for name, mtime in (("a.xlsx", 1_700_000_100), ("b.xlsx", 1_700_000_000)):
        (tie / name).write_bytes(with_saved_at(blob, "2025-01-12T10:00:05Z"))
        os.utime(tie / name, (mtime, mtime))
    s = collect([tie], tmp_path / "o2", workers=1)
    old = next(f for f in s.files if f.status == "被替代")
    assert old.origin.endswith("b.xlsx")
    assert "另有一份工作簿保存时间相同的文件" in old.note and "按文件时间取较新的一份" in old.note, old.note
