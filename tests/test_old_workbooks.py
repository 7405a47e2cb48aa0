"""Workbooks made by earlier releases are read as they are (issue 10, FORMAT.md's E8): units
fill the template they were sent, and a district never asks them to refill because nianbao
changed its own. tests/fixtures/releases/ holds workbooks each release made
(scripts/make_release_fixtures.py: that release's own ``new`` and ``check``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_nianbao

from toolkit import spec
from toolkit.rules import check
from toolkit.sample import sample_data
from toolkit.source import read_report

RELEASES = ROOT / "tests" / "fixtures" / "releases"
LABELS = ("v0.1",)  # commit ca63ae5


@pytest.mark.parametrize("label", LABELS)
def test_sample_filled_in_an_old_release_reads_as_it_is(label):
    report = read_report(RELEASES / f"{label}-sample.xlsx")
    expected = {k: v for k, v in sample_data().items() if v is not None}
    assert report.filled() == expected
    assert report.problems == {} and report.broken_formulas == {} and report.structure == []
    assert check(report).passed


@pytest.mark.parametrize("label", LABELS)
def test_old_release_checked_workbook_is_checked_again(label, tmp_path):
    """Checked by the old release (its notes, marks and results sheet in it): checking it now
    finds the same mistakes, and writes back into it."""
    book = Path(shutil.copy(RELEASES / f"{label}-checked.xlsx", tmp_path / "unit.xlsx"))
    result = check(read_report(book))
    assert [(f.rule, f.severity, f.keys[0]) for f in result.findings] == [
        ("E1", "error", "t2.penalty.decisions"), ("E1", "error", "t3.new.natural"),
        ("E3", "error", "t3.new.business"), ("E1", "warning", "t3.other_no_correction.natural")]
    proc = run_nianbao("check", book)
    assert proc.returncode == 1 and "已写回" in proc.stdout, proc.stdout + proc.stderr
    assert [f.message for f in check(read_report(book)).findings] == [f.message for f in result.findings]


def test_release_fixtures_are_marked_with_a_template_version():
    import zipfile
    for path in RELEASES.glob("*.xlsx"):
        with zipfile.ZipFile(path) as z:
            assert f"NIANBAO:{spec.FORMAT_ID}:v" in z.read("docProps/custom.xml").decode(), path.name


def test_a_newer_template_still_reads_old_workbooks(monkeypatch):
    """When the template's version goes up, the workbooks of the earlier versions stay readable."""
    monkeypatch.setattr(spec, "TEMPLATE_VERSION", spec.TEMPLATE_VERSION + 1)
    monkeypatch.setattr(spec, "TEMPLATE_MARKER", f"NIANBAO:{spec.FORMAT_ID}:v{spec.TEMPLATE_VERSION}")
    report = read_report(RELEASES / "v0.1-sample.xlsx")
    assert report.filled() == {k: v for k, v in sample_data().items() if v is not None}
