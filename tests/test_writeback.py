"""Write-back: marks, notes, the results sheet and the verdict, written into real workbooks and
read back with our reader and with openpyxl; nothing of the user's is lost or changed."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import require
from toolkit import spec
from toolkit.app import check_file
from toolkit.cli import main
from toolkit.workbook import layout
from toolkit.workbook.build import build_workbook
from toolkit.workbook.read import read_workbook
from toolkit.ooxml.cells import CellPos
from toolkit.writeback import BACKUP_DIR, render_workbook_bytes, write_back
from toolkit.writeback.plan import NOTE_AUTHOR

WHEN = dt.datetime(2025, 1, 20, 9, 30)
POS = layout.positions()


def inputs(sample: dict) -> dict:
    return {k: v for k, v in sample.items() if k not in spec.COMPUTED_KEYS}


def faulty(sample: dict) -> dict:
    """Two errors the user can see: a '/' in a number cell (E1) and table 三 out of balance (E3)."""
    data = inputs(sample)
    data["t2.rules.issued"] = "/"
    data["t3.new.natural"] = (data.get("t3.new.natural") or 0) + 7
    return data


def make(path: Path, data: dict) -> Path:
    path.write_bytes(build_workbook(data))
    return path


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def marks(path: Path) -> dict[str, int]:
    """key -> the value of its mark cell, read with openpyxl."""
    wb = openpyxl.load_workbook(path, data_only=True)
    return {k: wb[p.sheet][layout.mark_of(p).a1].value for k, p in POS.items()}


def findings_of(result) -> list[tuple]:
    return [(f.rule, f.severity, f.cell, f.message) for f in result.findings]


# --- what the user sees --------------------------------------------------------------------

def test_marks_notes_results_and_verdict(tmp_path, sample):
    path = make(tmp_path / "单位.xlsx", faulty(sample))
    original = path.read_bytes()
    result = check_file(path)
    assert not result.passed
    outcome = write_back(path, result, checked_at=WHEN)
    assert outcome.ok, outcome.message()
    assert outcome.backup == tmp_path / BACKUP_DIR / "单位.xlsx"
    assert outcome.backup.read_bytes() == original
    assert "已写回" in outcome.message() and BACKUP_DIR in outcome.message()

    m = marks(path)
    error_cells = {c for f in result.errors for c in f.cells}
    for key, p in POS.items():
        expected = layout.MARK_ERROR if p in error_cells else layout.MARK_NONE
        assert m[key] == expected, key
    assert m["t2.rules.issued"] == layout.MARK_ERROR

    wb = openpyxl.load_workbook(path)
    summary = wb[layout.SHEET_MAIN][layout.a1(layout.ROW_RESULT, 1)].value
    assert summary.startswith("✗") and f"{len(result.errors)} 个错误" in summary
    assert "2025-01-20 09:30" in summary and "nianbao" in summary
    ws = wb[layout.SHEET_RESULTS]
    assert ws["A2"].value == summary
    header = [c.value for c in ws[layout.RESULTS_HEADER_ROW + 1]][:len(layout.RESULTS_COLUMNS)]
    assert header == [label for label, _ in layout.RESULTS_COLUMNS]
    rows = list(ws.iter_rows(min_row=layout.RESULTS_HEADER_ROW + 2, values_only=True))
    assert len(rows) == len(result.findings)
    for f, row in zip(result.findings, rows):
        assert row[0] == ("错误" if f.severity == "error" else "提示")
        assert (row[1], row[2], row[3], row[4], row[5], row[8]) == (
            f.rule, f.table, f.row, f.column, f.where, f.message)
    for r, f in enumerate(result.findings, start=layout.RESULTS_HEADER_ROW + 2):
        link = ws.cell(r, 6).hyperlink
        assert link is not None and link.location == str(f.cell)
    # a note on every cell an error names, by our author
    noted = {}
    for sheet in layout.SHEET_OF_TABLE.values():
        for row in wb[sheet].iter_rows():
            for c in row:
                if c.comment is not None:
                    noted[CellPos(sheet, c.row - 1, c.column - 1)] = c.comment
    assert set(noted) == error_cells
    assert all(NOTE_AUTHOR in c.text and c.author == NOTE_AUTHOR for c in noted.values())

    # reading it back: the same data, the same findings
    again = check_file(path)
    assert again.report.raw == result.report.raw
    assert findings_of(again) == findings_of(result)


def test_results_use_the_templates_formats(tmp_path, sample):
    path = make(tmp_path / "a.xlsx", faulty(sample))
    write_back(path, check_file(path), checked_at=WHEN)
    ws = openpyxl.load_workbook(path)[layout.SHEET_RESULTS]
    first = layout.RESULTS_HEADER_ROW + 2
    assert ws.cell(first, 1).fill.fgColor.rgb.endswith("FF9999")  # error
    assert ws.cell(first, 6).font.underline == "single"  # the link
    assert ws.cell(first, 9).alignment.wrap_text


def test_passed_workbook_says_so(tmp_path, sample):
    path = make(tmp_path / "ok.xlsx", inputs(sample))
    result = check_file(path)
    assert result.passed
    assert write_back(path, result, checked_at=WHEN).ok
    wb = openpyxl.load_workbook(path)
    assert wb[layout.SHEET_MAIN]["B2"].value.startswith("✓")
    assert set(marks(path).values()) <= {layout.MARK_NONE, layout.MARK_WARNING}
    assert wb[layout.SHEET_RESULTS].max_row <= layout.RESULTS_HEADER_ROW + 1 + len(result.warnings)


# --- nothing accumulates ---------------------------------------------------------------------

def test_second_run_is_identical(tmp_path, sample):
    path = make(tmp_path / "a.xlsx", faulty(sample))
    result = check_file(path)
    write_back(path, result, checked_at=WHEN)
    first = path.read_bytes()
    outcome = write_back(path, check_file(path), checked_at=WHEN)
    assert outcome.unchanged and path.read_bytes() == first
    # at another time only the two verdict cells differ
    later = render_workbook_bytes(path, check_file(path), checked_at=WHEN + dt.timedelta(hours=1))
    with zipfile.ZipFile(io.BytesIO(later)) as zf:
        a, b = parts(path), {n: zf.read(n) for n in zf.namelist()}
    changed = {n for n in a if a[n] != b[n]}
    main_part = "xl/worksheets/sheet1.xml"
    results_part = "xl/worksheets/sheet5.xml"
    assert changed == {main_part, results_part}
    for n in changed:
        assert a[n].replace(b"09:30", b"10:30") == b[n]


def test_fixing_the_cell_clears_its_mark_and_note(tmp_path, sample):
    from wbedit import set_cells
    path = make(tmp_path / "a.xlsx", faulty(sample))
    write_back(path, check_file(path), checked_at=WHEN)
    # the user corrects both errors in another tool (openpyxl re-saves the whole workbook)
    fixed = inputs(sample)
    set_cells(path, path, {"t2.rules.issued": fixed["t2.rules.issued"],
                           "t3.new.natural": fixed["t3.new.natural"]})
    result = check_file(path)
    assert result.passed, findings_of(result)
    assert write_back(path, result, checked_at=WHEN).ok
    assert set(marks(path).values()) <= {layout.MARK_NONE, layout.MARK_WARNING}
    wb = openpyxl.load_workbook(path)
    notes = [c for ws in wb for row in ws.iter_rows() for c in row if c.comment is not None]
    assert all(c.comment.author != NOTE_AUTHOR or result.warnings for c in notes)
    assert not any(c.comment.author == NOTE_AUTHOR and "错误" in c.comment.text for c in notes)
    with zipfile.ZipFile(path) as zf:  # our comments parts are gone when no note is left
        if not result.warnings:
            assert not [n for n in zf.namelist() if "comments" in n or n.endswith(".vml")]
    assert wb[layout.SHEET_RESULTS].max_row <= layout.RESULTS_HEADER_ROW + 1 + len(result.warnings)


# --- losing nothing ----------------------------------------------------------------------------

_text = st.lists(st.sampled_from(list("年报政府信息公开abcXYZ 0123456789\n\t=+-_x&<>\"'“”；、。") +
                                 ["_x0041_", "=SUM(A1:A2)", "\r\n", "😀", "\u3000"]),
                 max_size=40).map("".join)
_long = st.builds(lambda s, n: (s * n)[:32000], st.text(min_size=1, max_size=40), st.integers(1, 2000))


@st.composite
def report_data(draw) -> dict:
    data: dict[str, object] = {}
    for key in spec.INPUT_KEYS:
        f = spec.FIELDS[key]
        if f.kind == "int":
            data[key] = draw(st.one_of(st.integers(0, 10**6), st.integers(0, 10**6),
                                       st.sampled_from(["/", "0012", "无", "3件", None])))
        elif f.kind == "decimal":
            data[key] = draw(st.one_of(st.decimals(0, 1000, places=4).map(float), st.just("0.50")))
        elif f.kind == "longtext":
            data[key] = draw(st.one_of(_text, _long, st.just("=1+1"), st.just("第一段\n\n第二段")))
        elif f.kind == "year":
            data[key] = draw(st.sampled_from([2023, 2024, "2024", "二〇二四"]))
        elif f.kind == "date":
            data[key] = draw(st.sampled_from(["2025-01-20", "2025年1月20日", None]))
        else:
            data[key] = draw(st.one_of(_text, st.sampled_from(["0012345678", "010-12345678", "=A1"])))
    return data


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(report_data())
def test_values_read_back_identical(tmp_path, data):
    path = tmp_path / "p.xlsx"
    make(path, data)
    before = read_workbook(path)
    seen_before = _openpyxl_values(path)
    result = check_file(path)
    outcome = write_back(path, result, backup=False, checked_at=WHEN)
    assert outcome.ok, outcome.message()
    after = read_workbook(path)
    assert after.raw == before.raw
    assert findings_of(check_file(path)) == findings_of(result)
    # and openpyxl (another reader) sees the same in every value cell as before
    assert _openpyxl_values(path) == seen_before


def _openpyxl_values(path: Path) -> dict[str, object]:
    wb = openpyxl.load_workbook(path)
    return {k: wb[p.sheet][p.a1].value for k, p in POS.items()}


# --- a workbook a user changed: image, chart, shape, comments, extra sheet, cell style -------

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73"
    "0000001649444154789c63f8cfc0f09f8181e13f030303000e8c02fe2c6e1d0a0000000049454e44ae426082")


def _user_parts(tmp_path: Path) -> dict[str, bytes]:
    """A workbook made by XlsxWriter with what a user adds: its parts, to graft into ours."""
    import xlsxwriter
    src = tmp_path / "user_parts.xlsx"
    (tmp_path / "pic.png").write_bytes(PNG)
    wb = xlsxwriter.Workbook(str(src), {"constant_memory": True})
    extra = wb.add_worksheet("我的笔记")
    extra.write_comment("A1", "用户在自己的表上的批注", {"author": "张三"})
    for r, (label, n) in enumerate([("一月", 3), ("二月", 5), ("三月", 2)]):
        extra.write_string(r, 0, label)
        extra.write_number(r, 1, n)
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"categories": "='我的笔记'!$A$1:$A$3", "values": "='我的笔记'!$B$1:$B$3"})
    extra.insert_chart("D2", chart)
    extra.insert_image("D20", str(tmp_path / "pic.png"))
    extra.insert_textbox("H20", "用户画的文本框")
    host = wb.add_worksheet("host")
    host.insert_image("F2", str(tmp_path / "pic.png"))
    host.write_comment("B6", "用户的批注：这个数要核实", {"author": "张三"})
    host.write_comment("F3", "另一条用户批注", {"author": "李四"})
    wb.close()
    return parts(src)


def user_changed_workbook(tmp_path: Path, data: dict) -> tuple[Path, dict[str, bytes]]:
    """Our workbook with user additions grafted in by editing its parts directly: an extra sheet
    with a chart, an image, a text box, a comment and a cell in a new cell format; on 表二 an image
    and two comments (one on a cell that has an error). Returns the path and the grafted parts."""
    ours = parts(make(tmp_path / "base.xlsx", data))
    user = _user_parts(tmp_path)
    t2 = "xl/worksheets/sheet2.xml"
    out = dict(ours)
    grafted: dict[str, bytes] = {}
    for name, content in user.items():
        if re.match(r"xl/(drawings|charts|media)/|xl/comments\d", name):
            grafted[name] = content
    grafted["xl/worksheets/sheet7.xml"] = user["xl/worksheets/sheet1.xml"]
    grafted["xl/worksheets/_rels/sheet7.xml.rels"] = user["xl/worksheets/_rels/sheet1.xml.rels"]
    grafted["xl/worksheets/_rels/sheet2.xml.rels"] = user["xl/worksheets/_rels/sheet2.xml.rels"]
    # the host sheet's drawing and notes go onto our 表二
    host = user["xl/worksheets/sheet2.xml"].decode()
    elements = "".join(re.findall(r"<(?:drawing|legacyDrawing) [^>]*/>", host))
    sheet = ours[t2].decode()
    out[t2] = sheet.replace("</worksheet>", elements + "</worksheet>").encode()
    # a cell format of the user's own: a new font and xf at the end of styles.xml
    styles = ours["xl/styles.xml"].decode()
    n_xf = int(re.search(r'<cellXfs count="(\d+)"', styles).group(1))
    styles = re.sub(r'<fonts count="(\d+)">(.*?)</fonts>',
                    lambda m: f'<fonts count="{int(m.group(1)) + 1}">{m.group(2)}<font><b/><i/>'
                              f'<color rgb="FF7030A0"/><sz val="14"/><name val="Arial"/></font></fonts>',
                    styles, flags=re.S)
    n_font = int(re.search(r'<fonts count="(\d+)"', styles).group(1)) - 1
    styles = re.sub(r'<cellXfs count="\d+">(.*?)</cellXfs>',
                    lambda m: f'<cellXfs count="{n_xf + 1}">{m.group(1)}<xf numFmtId="0" '
                              f'fontId="{n_font}" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>',
                    styles, flags=re.S)
    out["xl/styles.xml"] = styles.encode()
    extra = grafted["xl/worksheets/sheet7.xml"].decode()
    grafted["xl/worksheets/sheet7.xml"] = extra.replace('<c r="A2" t="inlineStr">',
                                                        f'<c r="A2" s="{n_xf}" t="inlineStr">').encode()
    wbxml = ours["xl/workbook.xml"].decode().replace(
        "</sheets>", '<sheet name="我的笔记" sheetId="7" r:id="rId99"/></sheets>')
    out["xl/workbook.xml"] = wbxml.encode()
    rels = ours["xl/_rels/workbook.xml.rels"].decode().replace(
        "</Relationships>", '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet7.xml"/></Relationships>')
    out["xl/_rels/workbook.xml.rels"] = rels.encode()
    ct = ours["[Content_Types].xml"].decode()
    user_ct = user["[Content_Types].xml"].decode()
    add = "".join(d for d in re.findall(r"<Default [^>]*/>", user_ct) if d not in ct)
    add += "".join(o for o in re.findall(r"<Override [^>]*/>", user_ct)
                   if re.search(r'PartName="/xl/(drawings|charts|comments)', o))
    add += ('<Override PartName="/xl/worksheets/sheet7.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    out["[Content_Types].xml"] = ct.replace("</Types>", add + "</Types>").encode()
    out.update(grafted)
    path = tmp_path / "用户改过.xlsx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in out.items():
            zf.writestr(name, content)
    path.write_bytes(buf.getvalue())
    return path, grafted


def _user_things(path: Path) -> dict[str, object]:
    """What a user added, as openpyxl and the package see it."""
    wb = openpyxl.load_workbook(path)
    names = set(zipfile.ZipFile(path).namelist())
    comments = {(ws.title, c.coordinate): (c.comment.author, c.comment.text)
                for ws in wb for row in ws.iter_rows() for c in row
                if c.comment is not None and c.comment.author != NOTE_AUTHOR}
    extra = wb["我的笔记"]
    return {"sheets": wb.sheetnames, "comments": comments,
            "media": sorted(n for n in names if n.startswith("xl/media/")),
            "charts": sorted(n for n in names if n.startswith("xl/charts/chart")),
            "images": {ws.title: len(ws._images) for ws in wb},
            "extra": [[c.value for c in row] for row in extra.iter_rows()],
            "extra_font": (extra["A2"].font.b, extra["A2"].font.i, extra["A2"].font.sz)}


def test_user_additions_survive(tmp_path, sample):
    path, grafted = user_changed_workbook(tmp_path, faulty(sample))
    things = _user_things(path)
    assert things["charts"] and things["media"] and ("表二 主动公开", "B6") in things["comments"]
    assert things["extra_font"] == (True, True, 14)
    before = parts(path)
    result = check_file(path)
    outcome = write_back(path, result, checked_at=WHEN)
    assert outcome.ok, outcome.message()
    after = parts(path)
    # every part we do not own is byte-for-byte what it was
    ours = {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml",
            "xl/worksheets/sheet4.xml", "xl/worksheets/sheet5.xml", "[Content_Types].xml"}
    ours |= {n for n in after if re.match(r"xl/comments\d+\.xml|xl/drawings/vmlDrawing\d+\.vml", n)}
    ours |= {n for n in after if n.startswith("xl/worksheets/_rels/")}
    for name, content in before.items():
        assert name in after, name
        if name not in ours:
            assert after[name] == content, name
    for name in grafted:
        if not re.match(r"xl/comments|xl/drawings/vml|xl/worksheets/_rels/sheet2", name):
            assert after[name] == grafted[name], name
    # openpyxl sees the same user things; the user's comment on an error cell is kept, not ours
    assert _user_things(path) == things
    wb = openpyxl.load_workbook(path)
    b6 = wb["表二 主动公开"]["B6"]
    assert b6.comment.author == "张三"
    assert marks(path)["t2.rules.issued"] == layout.MARK_ERROR
    assert findings_of(check_file(path)) == findings_of(result)
    # a second run: still everything, and nothing doubled
    write_back(path, check_file(path), checked_at=WHEN)
    assert _user_things(path) == things
    rels = parts(path)["xl/worksheets/_rels/sheet2.xml.rels"].decode()
    vml_name = "xl/drawings/" + re.search(r'Target="../drawings/(vmlDrawing\d+\.vml)"', rels).group(1)
    vml = parts(path)[vml_name].decode()
    ours_on_t2 = [c for f in result.findings for c in f.cells
                  if c.sheet.startswith("表二") and c.a1 != "B6"]
    assert vml.count('ObjectType="Note"') == 2 + len(set(ours_on_t2))  # the user's two, and ours


# --- safety -----------------------------------------------------------------------------------

@pytest.mark.parametrize("lock", ["~$a.xlsx", ".~lock.a.xlsx#"])
def test_open_workbook_is_not_written(tmp_path, sample, lock, capsys):
    path = make(tmp_path / "a.xlsx", faulty(sample))
    original = path.read_bytes()
    (tmp_path / lock).write_text("x")
    outcome = write_back(path, check_file(path))
    assert not outcome.ok and outcome.written is None
    assert "请先关闭" in outcome.message()
    assert path.read_bytes() == original
    # the command still checks and prints, says why nothing was written, and keeps the check's code
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "E3" in out and "请先关闭" in out
    assert path.read_bytes() == original


def test_read_only_file_is_left_alone(tmp_path, sample):
    path = make(tmp_path / "a.xlsx", faulty(sample))
    original = path.read_bytes()
    path.chmod(0o444)
    try:
        outcome = write_back(path, check_file(path))
    finally:
        path.chmod(0o644)
    assert outcome.written is None and "只读" in outcome.reason
    assert path.read_bytes() == original
    assert not (tmp_path / BACKUP_DIR).exists()


def test_keeps_permissions_and_writes_copies(tmp_path, sample):
    path = make(tmp_path / "a.xlsx", faulty(sample))
    path.chmod(0o640)
    original = path.read_bytes()
    copy = tmp_path / "out" / "注释版.xlsx"
    copy.parent.mkdir()
    outcome = write_back(path, check_file(path), dest=copy)
    assert outcome.ok and outcome.written == copy and outcome.backup is None
    assert path.read_bytes() == original and not (tmp_path / BACKUP_DIR).exists()
    assert marks(copy)["t2.rules.issued"] == layout.MARK_ERROR
    assert write_back(path, check_file(path)).ok
    assert (path.stat().st_mode & 0o777) == 0o640


def test_changed_since_checked_is_not_written(tmp_path, sample):
    path = make(tmp_path / "a.xlsx", faulty(sample))
    result = check_file(path)
    make(path, inputs(sample))  # saved again by the user after the check
    changed = path.read_bytes()
    outcome = write_back(path, result)
    assert outcome.written is None and "重新校验" in outcome.reason
    assert path.read_bytes() == changed


def test_full_disk_leaves_the_original(tmp_path, sample):
    """A real small filesystem (tmpfs) that fills up: needs Linux and root to mount (CI runs as
    root); skipped elsewhere, failed under CI=true."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    require(sys.platform.startswith("linux") and hasattr(os, "geteuid") and os.geteuid() == 0
            and shutil.which("mount"), "mounting a small tmpfs needs Linux, root and mount(8)")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mnt)],
                             capture_output=True, text=True)
    require(mounted.returncode == 0, f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        path = make(mnt / "a.xlsx", faulty(sample))
        original = path.read_bytes()
        filler = mnt / "filler"
        with filler.open("wb") as fh:  # leave less room than one more workbook
            try:
                fh.write(b"\0" * (400 * 1024 - len(original) - 20 * 1024))
            except OSError:
                pass
        outcome = write_back(path, check_file(path), backup=False)
        assert outcome.written is None and outcome.reason, outcome
        assert path.read_bytes() == original
        assert not [p for p in mnt.iterdir() if p.name.startswith(".nianbao-")]
    finally:
        subprocess.run(["umount", str(mnt)], check=True)


def test_json_is_not_written_and_no_write_back_reads_only(tmp_path, sample, capsys):
    path = make(tmp_path / "a.xlsx", faulty(sample))
    original = path.read_bytes()
    assert main(["check", "--no-write-back", str(path)]) == 1
    assert path.read_bytes() == original
    assert "写回" not in capsys.readouterr().out
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "校验结果已写回工作簿" in out and path.read_bytes() != original


# --- LibreOffice --------------------------------------------------------------------------------

def test_libreoffice_opens_and_keeps_the_results(tmp_path, sample):
    """A user-changed workbook re-saved by LibreOffice (other part names, styles, strings) is
    written back; LibreOffice then opens the result, keeps marks, notes and results when it saves
    it again, and shows the results (PDF text); reading it back gives the same data and findings."""
    import lo
    lo.require_soffice()
    pdftotext = lo.require_tool("pdftotext")
    grafted, _ = user_changed_workbook(tmp_path, faulty(sample))
    resaved = lo.convert(grafted, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo1")
    result = check_file(resaved)
    assert not result.passed
    before = parts(resaved)
    outcome = write_back(resaved, result, checked_at=WHEN)
    assert outcome.ok, outcome.message()
    after = parts(resaved)
    assert [n for n in before if n.startswith("xl/media/")] and all(n in after for n in before)
    for name in before:  # LibreOffice's images, charts, drawings, styles: untouched
        if re.match(r"xl/(media|charts|drawings/drawing|styles|sharedStrings|workbook)", name):
            assert after[name] == before[name], name
    expected_marks = marks(resaved)
    assert expected_marks["t2.rules.issued"] == layout.MARK_ERROR

    again = lo.convert(resaved, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo2")
    assert marks(again) == expected_marks
    wb = openpyxl.load_workbook(again)
    assert wb[layout.SHEET_MAIN]["B2"].value.startswith("✗")
    rows = list(wb[layout.SHEET_RESULTS].iter_rows(min_row=layout.RESULTS_HEADER_ROW + 2,
                                                     values_only=True))
    assert [r[1] for r in rows] == [f.rule for f in result.findings]
    authors = {c.comment.author for ws in wb for row in ws.iter_rows() for c in row if c.comment}
    texts = " ".join(c.comment.text for ws in wb for row in ws.iter_rows() for c in row if c.comment)
    assert "用户的批注" in texts and "nianbao 校验" in texts, authors
    assert "我的笔记" in wb.sheetnames
    reread = check_file(again)
    assert reread.report.values == result.report.values
    assert [(f.rule, f.cell) for f in reread.findings] == [(f.rule, f.cell) for f in result.findings]

    pdf = lo.convert(resaved, "pdf", tmp_path / "pdf")
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "nianbao 校验结果" in text and "E3" in text and "勾稽关系" in text


def test_parts_are_the_same_with_or_without_the_raw_copy(tmp_path, sample, monkeypatch):
    """The fast path (members copied as stored) and the plain one (inflate, deflate) give
    workbooks with the same parts: the plain one serves a Python whose zipfile changed."""
    import zipfile as zf_module

    from toolkit.app import check_file, new_workbook
    from toolkit.writeback import patch, render_workbook_bytes
    data = {**sample, "t3.new.natural": 6}
    data = {k: v for k, v in data.items() if not spec.FIELDS[k].is_computed}
    path = new_workbook(tmp_path / "w.xlsx", data=data)
    result = check_file(path)
    assert not result.passed
    when = dt.datetime(2025, 1, 20, 9, 30)
    fast = render_workbook_bytes(path, result, checked_at=when)
    monkeypatch.setattr(patch, "copyable", lambda info: False)
    plain = render_workbook_bytes(path, result, checked_at=when)

    def parts(data: bytes) -> dict[str, bytes]:
        with zf_module.ZipFile(io.BytesIO(data)) as z:
            assert z.testzip() is None
            return {n: z.read(n) for n in z.namelist()}

    assert parts(fast) == parts(plain)


def test_a_write_back_that_would_change_a_value_leaves_the_original(tmp_path, sample, monkeypatch):
    """The safety net: should the sheet editor ever change a user's value, the read-back check
    catches it, the original stays byte for byte, and the results go to a copy beside it."""
    from toolkit.app import check_file, new_workbook
    from toolkit.workbook import layout
    from toolkit.writeback import patch, side_copy_path
    data = {k: v for k, v in {**sample, "t3.new.natural": 6}.items()
            if not spec.FIELDS[k].is_computed}
    path = new_workbook(tmp_path / "w.xlsx", data=data)
    original = path.read_bytes()
    result = check_file(path)
    assert not result.passed
    ref = layout.positions()["t3.new.natural"].a1
    real_edit = patch.SheetEditor.edited

    def faulty_edit(self, *args, **kwargs):  # a bug that would turn the user's 6 into 7
        out = real_edit(self, *args, **kwargs)
        return out and re.sub(rf'(<c r="{ref}"[^>]*><v>)6(</v>)'.encode(), rb"\g<1>7\2", out)

    monkeypatch.setattr(patch.SheetEditor, "edited", faulty_edit)
    outcome = write_back(path, result)
    assert path.read_bytes() == original
    assert outcome.written == side_copy_path(path) and side_copy_path(path).exists()
    assert "没有改动原文件" in outcome.reason and "t3.new.natural" in outcome.reason


def _notes(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): (c.comment.author, c.comment.text)
            for ws in wb for row in ws.iter_rows() for c in row if c.comment is not None}


def test_our_notes_stay_ours_after_other_programs_resave_them(tmp_path, sample):
    """LibreOffice re-saves our notes with another author, text in runs, its own VML and ids;
    openpyxl then rewrites them once more. The next check still replaces them (by the text's
    prefix and the cells the last check marked), removes those of fixed cells, and leaves the
    user's notes as they were."""
    import lo
    from wbedit import set_cells
    lo.require_soffice()
    path, _ = user_changed_workbook(tmp_path, faulty(sample))
    assert write_back(path, check_file(path), checked_at=WHEN).ok
    resaved = lo.convert(path, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    before = _notes(resaved)
    user = {k: v for k, v in before.items() if "nianbao 校验" not in v[1]}
    ours = {k for k, v in before.items() if "nianbao 校验" in v[1]}
    assert user and ours

    result = check_file(resaved)  # the same errors again: each noted cell keeps one note
    assert write_back(resaved, result, checked_at=WHEN).ok
    again = _notes(resaved)
    assert {k for k, v in again.items() if "nianbao 校验" in v[1]} == ours
    assert all(v[1].count("nianbao 校验") == 1 for k, v in again.items() if k in ours)
    assert {k: v for k, v in again.items() if k in user} == user

    fixed = set_cells(lo.convert(resaved, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo2"), tmp_path / "fixed.xlsx",
                      {k: sample[k] for k in ("t2.rules.issued", "t3.new.natural")})
    result = check_file(fixed)
    assert result.passed
    assert write_back(fixed, result, checked_at=WHEN).ok
    after = _notes(fixed)
    told = {(p.sheet, p.a1) for f in result.findings for p in (f.cells or (f.cell,)) if p is not None}
    left = {k for k, v in after.items() if "nianbao 校验" in v[1]}
    assert left <= told and not left & (ours - told)  # the fixed cells lost their notes
    assert {k: v for k, v in after.items() if k in user} == user


def test_a_nan_cell_reads_back_as_itself(tmp_path, sample):
    """A <v>NaN</v> cell (written by some generators) is the same value after write-back: NaN
    equals NaN in the read-back check, so the original is written, not a copy beside it."""
    from wbedit import patch_part, sheet_part
    path = make(tmp_path / "src.xlsx", inputs(sample))
    p = layout.positions()["t3.new.natural"]
    nan = patch_part(path, tmp_path / "nan.xlsx", sheet_part(path, p.sheet),
                     lambda b: re.sub(rf'(<c r="{p.a1}"[^>]*>)<v>[^<]*</v>'.encode(), rb"\1<v>NaN</v>", b))
    result = check_file(nan)
    outcome = write_back(nan, result, checked_at=WHEN)
    assert outcome.ok and outcome.written == nan, outcome.message()
