"""``nianbao build FILE... --pdf``: many reports, every PDF by one LibreOffice process."""

from __future__ import annotations

import json
from pathlib import Path

import lo
from conftest import run_nianbao

from toolkit import spec
from toolkit.app import build_reports
from toolkit.word.pdf import to_pdfs


def _data(tmp_path: Path, sample: dict, name: str, **changes: object) -> Path:
    path = tmp_path / name
    data = {"format": spec.FORMAT_ID, **sample, "meta.date": "2023-01-20", **changes}
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def test_build_many_pdfs_with_one_libreoffice(tmp_path, sample):
    lo.require_soffice()
    inputs = [_data(tmp_path, sample, f"{i}.json", **{"meta.unit": f"第{i}街道"}) for i in range(3)]
    out = tmp_path / "out"
    proc = run_nianbao("build", *inputs, "--pdf", "--html", "-o", out)
    assert proc.returncode == 0, proc.stderr
    for i in range(3):
        stem = f"第{i}街道2022年政府信息公开工作年度报告"
        for suffix in (".docx", ".html", ".pdf"):
            assert (out / (stem + suffix)).stat().st_size > 0, stem + suffix
        assert (out / f"{stem}.pdf").read_bytes().startswith(b"%PDF")
    assert proc.stdout.count("已生成 PDF") == 3 and "共3个文件：生成3份报告，0个有问题" in proc.stdout


def test_one_bad_document_does_not_stop_the_others(tmp_path, sample):
    lo.require_soffice()
    run = build_reports([_data(tmp_path, sample, "a.json"),
                         _data(tmp_path, sample, "b.json", **{"meta.unit": "乙街道"})])
    good = [b.docx for b in run.items]
    broken = tmp_path / "损坏.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    missing = tmp_path / "不存在.docx"
    jobs = [(good[0], good[0].with_suffix(".pdf")), (broken, broken.with_suffix(".pdf")),
            (missing, missing.with_suffix(".pdf")), (good[1], good[1].with_suffix(".pdf"))]
    outcomes = to_pdfs(jobs)
    assert [bool(o.problem) for o in outcomes] == [False, True, True, False], outcomes
    assert good[0].with_suffix(".pdf").exists() and good[1].with_suffix(".pdf").exists()
    assert not broken.with_suffix(".pdf").exists()
    assert "PDF" in outcomes[1].problem and "不存在.docx" in outcomes[2].problem


def test_single_input_keeps_its_output_name_and_codes(tmp_path, sample):
    source = _data(tmp_path, sample, "a.json")
    proc = run_nianbao("build", source, "-o", tmp_path / "报告.docx", "--html")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "报告.docx").exists() and (tmp_path / "报告.html").exists()
    assert "共" not in proc.stdout  # no batch summary for one file
    unusable = tmp_path / "坏.json"
    unusable.write_text("{", "utf-8")
    proc = run_nianbao("build", unusable)
    assert proc.returncode == 2 and "坏.json" in proc.stderr


FAKE_SOFFICE = """#!/usr/bin/env python3
# A LibreOffice that crashes on the document named 1.docx: converting several files it stops there.
import sys
from pathlib import Path
args = sys.argv[1:]
outdir = Path(args[args.index("--outdir") + 1])
outdir.mkdir(parents=True, exist_ok=True)
for name in [a for a in args if a.endswith(".docx")]:
    if Path(name).name == "1.docx":
        (outdir / "1.pdf").write_bytes(b"%PDF-1.7 cut short")
        sys.exit(134)
    (outdir / (Path(name).stem + ".pdf")).write_bytes(b"%PDF-1.7\\n%%EOF\\n")
"""


def test_a_document_that_crashes_libreoffice_costs_only_its_own_pdf(tmp_path, monkeypatch):
    from toolkit.word import pdf
    fake = tmp_path / "soffice"
    fake.write_text(FAKE_SOFFICE, "utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf, "find_soffice", lambda: str(fake))
    docs = []
    for i in range(4):
        docs.append(tmp_path / f"r{i}.docx")
        docs[-1].write_bytes(b"PK")
    outcomes = to_pdfs([(d, d.with_suffix(".pdf")) for d in docs])
    assert [o.problem for o in outcomes][0] == "" and "退出码134" in outcomes[1].problem
    assert [bool(o.problem) for o in outcomes] == [False, True, False, False]
    assert not docs[1].with_suffix(".pdf").exists()  # the cut-short PDF is not passed on
    assert docs[3].with_suffix(".pdf").read_bytes().endswith(b"%%EOF\n")


def test_reports_pass_openxml_audit(tmp_path, sample):
    """A two-line title (a line break in the title), the 落款 kept with the text, a draft."""
    import shutil
    import subprocess

    from conftest import require
    tool = shutil.which("openxml-audit")
    require(tool, "openxml-audit is not installed (pip install openxml-audit)")
    long_unit = _data(tmp_path, sample, "long.json", **{"meta.unit": "某某市某某区人民政府办公室"})
    draft = _data(tmp_path, sample, "draft.json", **{"meta.unit": "乙街道", "t3.new.natural": "/"})
    run = build_reports([long_unit, draft], tmp_path / "out", force=True)
    docs = [b.docx for b in run.items]
    assert all(docs) and run.items[1].draft
    for doc in docs:
        proc = subprocess.run([tool, str(doc)], capture_output=True, text=True, timeout=120)
        assert "Errors: 0" in proc.stdout, proc.stdout[-2000:]


def test_libreoffice_from_libreoffice_org_is_found(tmp_path, monkeypatch):
    """libreoffice.org's Linux packages: /opt/libreofficeX.Y/program/soffice and only a versioned
    link libreofficeX.Y on the PATH (tester's G17); the newest version wins, numerically."""
    from toolkit import office

    def executable(path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n", encoding="utf-8")
        path.chmod(0o755)
        return path

    bin_dir, opt = tmp_path / "bin", tmp_path / "opt"
    monkeypatch.setattr(office, "_OPT", opt)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert office.find_soffice() is None or not office.find_soffice().startswith(str(tmp_path))
    seven = executable(opt / "libreoffice7.6" / "program" / "soffice")
    assert office.find_soffice() == str(seven)
    newest = executable(opt / "libreoffice24.8" / "program" / "soffice")
    executable(opt / "libreoffice24.2" / "program" / "soffice")
    assert office.find_soffice() == str(newest)
    link = bin_dir / "libreoffice25.2"
    bin_dir.mkdir()
    link.symlink_to(newest)
    assert office.find_soffice() == str(link)
    (bin_dir / "soffice").symlink_to(seven)  # the plain name on the PATH comes first, as before
    assert office.find_soffice() == str(bin_dir / "soffice")
