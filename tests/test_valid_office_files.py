"""Every kind of Office file nianbao writes passes an independent validator (openxml-audit) with
0 errors, so Excel, WPS and Word open it without offering a repair: the template, filled and
written-back workbooks, the macro workbook, the Word template and reports, and everything
``collect`` writes (status, summary and returned workbooks, the e-mail drafts' attachments)."""

from __future__ import annotations

import email
import shutil
from email import policy
from pathlib import Path

import pytest
from conftest import ROOT, run_nianbao
from ooxml_audit import audit_errors

from toolkit import spec
from toolkit.collect.samplebatch import random_values
from toolkit.jsondata import dumps
from toolkit.workbook.build import build_workbook

YEAR = 2024


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, list[Path]]:
    """kind -> the files of that kind, made by the nianbao command as a user runs it."""
    import random

    from toolkit.sample import sample_data
    tmp = tmp_path_factory.mktemp("outputs")
    out: dict[str, list[Path]] = {}

    assert run_nianbao("new", tmp / "空白模板.xlsx").returncode == 0
    out["template"] = [tmp / "空白模板.xlsx"]
    assert run_nianbao("new", tmp / "带按钮.xlsm").returncode == 0
    out["xlsm"] = [tmp / "带按钮.xlsm"]

    data = tmp / "sample.json"
    data.write_text(dumps(sample_data()), encoding="utf-8")
    assert run_nianbao("new", "--data", data, tmp / "已填写.xlsx").returncode == 0
    out["filled"] = [tmp / "已填写.xlsx"]

    inputs = {k: v for k, v in sample_data().items() if k in spec.INPUT_KEYS}
    faulty = {**inputs, "t3.new.natural": "5件", "t2.penalty.decisions": None,
              "t3.granted.legal": "２", "text.problems": "无"}
    (tmp / "faulty.json").write_text(dumps(faulty), encoding="utf-8")
    assert run_nianbao("new", "--data", tmp / "faulty.json", tmp / "有错误.xlsx").returncode == 0
    shutil.copy(tmp / "带按钮.xlsm", tmp / "有错误.xlsm")
    assert run_nianbao("check", tmp / "有错误.xlsx").returncode == 1  # written back
    assert run_nianbao("check", tmp / "有错误.xlsm").returncode == 1
    out["written_back"] = [tmp / "有错误.xlsx", tmp / "有错误.xlsm"]

    out["word_template"] = [ROOT / "word_templates" / "annual_report.docx",
                            ROOT / "toolkit" / "word" / "annual_report.docx"]
    assert run_nianbao("build", tmp / "已填写.xlsx", "-o", tmp / "报告.docx").returncode == 0
    assert run_nianbao("build", "--force", tmp / "有错误.xlsx", "-o", tmp / "草稿.docx").returncode == 1  # a draft
    out["word_report"] = [tmp / "报告.docx", tmp / "草稿.docx"]

    inbox = tmp / "收件"
    inbox.mkdir()
    rng = random.Random(10)
    for i, error in enumerate((None, None, "carry_forward", "slash")):
        unit = f"第{i + 1}街道"
        (inbox / f"{unit}.xlsx").write_bytes(build_workbook(random_values(rng, unit, YEAR, "乡镇街道", error)))
    result = tmp / "汇总"
    proc = run_nianbao("collect", inbox, "-o", result, "--unit", "测试区政务公开科", "--workers", "1")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out["status"] = [p for p in result.glob("*.xlsx") if "状态" in p.name]
    out["summary"] = [p for p in result.glob("*.xlsx") if "数据" in p.name]
    out["returned"] = sorted(result.rglob("*退回修改*.xlsx"))
    attachments = []
    for eml in sorted(result.rglob("*.eml")):
        msg = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
        for i, att in enumerate(msg.iter_attachments()):
            path = tmp / "附件" / f"{eml.stem}-{i}{Path(att.get_filename()).suffix}"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(att.get_content())
            attachments.append(path)
    out["email_attachment"] = attachments
    return out


KINDS = ("template", "xlsm", "filled", "written_back", "word_template", "word_report", "status",
         "summary", "returned", "email_attachment")


@pytest.mark.parametrize("kind", KINDS)
def test_every_written_office_file_passes_openxml_audit(outputs, kind):
    files = outputs[kind]
    assert files, f"no {kind} file was written"
    for path in files:
        assert audit_errors(path) == [], path.name


@pytest.mark.parametrize("fixture", ["text_numbers", "sample_typed", "row_inserted", "row_deleted",
                                     "checked_commented"])
def test_written_back_libreoffice_workbook_passes_openxml_audit(tmp_path, fixture):
    """A workbook saved by LibreOffice (7.x writes no theme part: openxml-audit's "A required
    relationship type '…/theme' is missing" on /xl/workbook.xml) and written back by nianbao passes
    with 0 errors: write-back adds the theme our template carries, and changes nothing entered."""
    import zipfile

    from toolkit.source import read_report
    src = ROOT / "tests" / "fixtures" / "libreoffice" / f"{fixture}.xlsx"
    assert any("theme" in e for e in audit_errors(src))  # the fixture is what LibreOffice writes
    book = Path(shutil.copy(src, tmp_path / "libreoffice.xlsx"))
    before = read_report(book)
    assert run_nianbao("check", book).returncode in (0, 1)
    assert book.read_bytes() != src.read_bytes()
    assert audit_errors(book) == []
    after = read_report(book)
    assert after.values == before.values and after.raw == before.raw
    assert run_nianbao("check", book).returncode in (0, 1)  # again: still one theme
    with zipfile.ZipFile(book) as zf:
        assert [n for n in zf.namelist() if "theme" in n] == ["xl/theme/theme1.xml"]
        assert zf.read("xl/_rels/workbook.xml.rels").count(b"relationships/theme") == 1
    assert audit_errors(book) == []


def test_written_back_libreoffice_notes_keep_the_users_comments(tmp_path):
    """checked_commented: LibreOffice repeats the shapetype _x0000_t202 before each note's shape and
    names every shape shape_0, in the drawing of our notes and in the one of the user's comments
    (openxml-audit: duplicate ids). Write-back makes the ids unique in both; the user's comments,
    their boxes and every shape's type stay."""
    import zipfile

    from lxml import etree

    from toolkit.ooxml.comments import CommentsPart, VmlDrawing
    src = ROOT / "tests" / "fixtures" / "libreoffice" / "checked_commented.xlsx"
    assert sum("should have unique value" in e for e in audit_errors(src)) == 4
    book = Path(shutil.copy(src, tmp_path / "libreoffice.xlsx"))
    assert run_nianbao("check", book).returncode == 1
    assert audit_errors(book) == []
    with zipfile.ZipFile(book) as zf:
        texts = [c.text for n in zf.namelist() if n.startswith("xl/comments")
                 for c in CommentsPart(zf.read(n)).comments()]
        assert {"请核对新收申请数", "部分公开的理由见附件"} <= set(texts), texts
        for name in (n for n in zf.namelist() if n.endswith(".vml")):
            vml = VmlDrawing(zf.read(name))
            types = {el.get("id") for el in vml.root.iter("{urn:schemas-microsoft-com:vml}shapetype")}
            shapes = list(vml.root.iter("{urn:schemas-microsoft-com:vml}shape"))
            assert shapes and all(s.get("type", "").removeprefix("#") in types for s in shapes), \
                etree.tostring(vml.root)[:300]
        assert sum(len(VmlDrawing(zf.read(n)).note_shapes()) for n in zf.namelist() if n.endswith(".vml")) == \
            len(texts)


def test_write_back_keeps_a_workbooks_own_theme(tmp_path):
    """Our template has a theme: write-back leaves it and the workbook's relationships alone."""
    import zipfile
    book = tmp_path / "t.xlsx"
    book.write_bytes(build_workbook({"meta.unit": "某局", "meta.year": YEAR, "t3.new.natural": "5件"}))
    before = zipfile.ZipFile(book).read("xl/_rels/workbook.xml.rels")
    assert run_nianbao("check", book).returncode == 1
    with zipfile.ZipFile(book) as zf:
        assert zf.read("xl/_rels/workbook.xml.rels") == before
        assert [n for n in zf.namelist() if "theme" in n] == ["xl/theme/theme1.xml"]
