"""nianbao's own outputs among the inputs are never taken for reports: collect run again into its
input folder does not add its last summary to the units (G26), and audit skips its earlier result
folders (审核结果.xlsx, findings.json, 数据/*.json) as collect skips its own (G27)."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from toolkit.app.audit import audit
from toolkit.collect import collect
from toolkit.collect.samplebatch import random_values
from toolkit.source import read_report
from toolkit.word.build import render_report
from toolkit.workbook.build import build_workbook

YEAR = 2024


def test_collect_into_its_own_input_folder_again_and_again(tmp_path):
    box = tmp_path / "收件"
    box.mkdir()
    rng = random.Random(26)
    values = [random_values(rng, f"{n}街道", YEAR) for n in ("甲", "乙", "丙")]
    for v in values:
        (box / f"{v['meta.unit']}.xlsx").write_bytes(build_workbook(v))
    total = sum(int(read_report(box / f"{v['meta.unit']}.xlsx").values["t3.new.total"]) for v in values)
    last_year = io.BytesIO()  # last year's data, zipped: extracted into OUTDIR/_上年 during the run
    with zipfile.ZipFile(last_year, "w") as zf:
        zf.writestr("甲街道2023.xlsx", build_workbook(random_values(rng, "甲街道", YEAR - 1)))
    (tmp_path / "2023.zip").write_bytes(last_year.getvalue())
    for _ in range(3):  # a late unit, a correction: the district runs it again, into the same folder
        s = collect([box], box, previous=[tmp_path / "2023.zip"], workers=1)
        assert sorted((f.unit, f.status) for f in s.files) == [(u, "通过") for u in ("丙街道", "乙街道", "甲街道")]
        assert int(read_report(box / "汇总数据.xlsx").values["t3.new.total"]) == total
        assert s.exit_code == 0 and not [n for n in s.notes if "上年数据" not in n], s.notes


def _reports(folder: Path, n: int) -> None:
    folder.mkdir(parents=True)
    rng = random.Random(27)
    for i in range(n):
        book = folder.parent / f"{i}.xlsx"
        book.write_bytes(build_workbook(random_values(rng, f"第{i}局", YEAR)))
        (folder / f"第{i}局2024年报.docx").write_bytes(render_report(read_report(book)))


def test_audit_skips_its_earlier_results(tmp_path):
    inbox = tmp_path / "下载"
    _reports(inbox, 2)
    for _ in range(2):  # results kept next to the downloads, the batch run again
        s = audit([inbox], inbox / "审核", workers=1)
        assert len(s.rows) == 2 and s.count("无法读取") == 0, [(r.origin, r.status) for r in s.rows]
    s = audit([inbox], tmp_path / "另存", workers=1)  # the earlier results inside the input folder
    assert sorted(Path(r.origin).name for r in s.rows) == ["第0局2024年报.docx", "第1局2024年报.docx"]
    assert not any(x.rule == "重复" for r in s.rows for x in r.findings)
    for _ in range(2):  # the results written into the input folder itself
        s = audit([inbox], inbox, workers=1)
        assert len(s.rows) == 2, [(r.origin, r.status) for r in s.rows]
    s = audit([inbox / "审核", inbox / "第0局2024年报.docx"], tmp_path / "又一次", workers=1)
    assert [Path(r.origin).name for r in s.rows] == ["第0局2024年报.docx"]  # a results folder given: nothing in it
