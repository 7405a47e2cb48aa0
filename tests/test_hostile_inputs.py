"""Every reproducer of ../shared/repro/ (issue 10) that hits collect, values, rules, JSON, build
and file names, made again here from a standard workbook: a clear result (a finding, a one-line
reason with exit 2, or a line in the status list), never a traceback, a hang or a lost batch."""

from __future__ import annotations

import io
import json
import os
import re
import struct
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from conftest import run_nianbao
from wbedit import patch_part, set_cells, sheet_part

from toolkit import spec
from toolkit.app.check import check_file
from toolkit.collect import collect
from toolkit.workbook import layout

ID_NUMBER = 1.10101199001011e17  # an ID number pasted into a count, as Excel keeps it
LICENSING = "t2.licensing.decisions"


def _cli(*args: object, cwd: Path | None = None):
    """``nianbao ARGS``: no traceback (run_nianbao asserts it), never a reason that only says
    something unexpected happened."""
    proc = run_nianbao(*map(str, args), cwd=cwd, timeout=120)
    assert "意外错误" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    return proc


def _files(outdir: Path) -> dict[str, dict]:
    data = json.loads((outdir / "findings.json").read_text(encoding="utf-8"))
    return {Path(f["file"].split(" › ")[-1]).name: f for f in data["files"]}


def _e2(result, key: str):
    (f,) = [f for f in result.findings if f.rule == "E2" and key in f.keys]
    return f


# --- values: numbers no workbook can hold (01, 01b, 02, 05, 09) ----------------------------------

def test_id_number_in_a_count_is_e2(sample_xlsx, tmp_path):
    """01b: an ID number in 表二 行政许可 passed silently; now E2 shows it as Excel does."""
    path = set_cells(sample_xlsx, tmp_path / "idcard.xlsx", {LICENSING: ID_NUMBER})
    f = _e2(check_file(path), LICENSING)
    assert "1.10101199001011E+17" in f.message and "15位" in f.message
    proc = _cli("check", "--no-write-back", path)
    assert proc.returncode == 1 and "E2" in proc.stdout


@pytest.mark.parametrize("value", [10 ** 15, 1e308], ids=["1e15", "1e308"])
def test_counts_beyond_what_excel_keeps_are_e2(sample_xlsx, tmp_path, value):
    """02: counts of 1e308 (their sum overflows a float) and anything ≥ 10^15 are errors."""
    path = set_cells(sample_xlsx, tmp_path / "huge.xlsx", {"t3.new.natural": value, LICENSING: value})
    result = check_file(path)
    assert _e2(result, LICENSING) and _e2(result, "t3.new.natural")
    assert result.report.values.get(LICENSING) is None


def test_a_400_digit_fee_is_e2_not_an_overflow(sample_xlsx, tmp_path):
    """09 and mut/check__catalog*: a 400-digit amount in 万元 crashed rule W4."""
    sheet, cell = layout.positions()["t2.fees.amount"].sheet, layout.positions()["t2.fees.amount"].a1
    path = patch_part(sample_xlsx, tmp_path / "fees.xlsx", sheet_part(sample_xlsx, sheet),
                      lambda xml: re.sub(rf'(<c r="{cell}"[^>]*?)(?: t="\w+")?>.*?</c>'.encode(),
                                         rb'\1><v>' + b"9" * 400 + b"</v></c>", xml, count=1))
    f = _e2(check_file(path), "t2.fees.amount")
    assert "约401位数字" in f.message and len(f.message) < 200
    assert _cli("check", "--no-write-back", path).returncode == 1


@pytest.mark.parametrize("literal", ["9" * 5000, '"' + "9" * 5000 + '"'])
def test_json_number_of_5000_digits_is_e2(sample, tmp_path, literal):
    """05: a 5000-digit number (as a literal or a string) exceeded Python's int() limit."""
    text = json.dumps({"format": spec.FORMAT_ID, **sample}, ensure_ascii=False)
    text = re.sub(rf'("{LICENSING}": )[^,]+', lambda m: m.group(1) + literal, text)
    path = tmp_path / "literal.json"
    path.write_text(text, encoding="utf-8")
    f = _e2(check_file(path), LICENSING)
    assert len(f.message) < 200
    assert _cli("check", path).returncode == 1


@pytest.mark.parametrize("year", ["9" * 5000, "２０２²"])
def test_odd_digits_in_the_year(sample, tmp_path, year):
    """Found by the fuzz: 5000 digits (int() refuses them) or a superscript digit in 报告年度."""
    path = tmp_path / "year.json"
    path.write_text(json.dumps({"format": spec.FORMAT_ID, **sample, "meta.year": year}), encoding="utf-8")
    (f,) = [f for f in check_file(path).findings if "meta.year" in f.keys and f.rule == "E7"]
    assert len(f.message) < 200


def test_5000_digit_text_in_a_cell_is_e2(sample_xlsx, tmp_path):
    """mut/check_unexpected__values.py*: the same as text in a workbook cell."""
    path = set_cells(sample_xlsx, tmp_path / "digits.xlsx", {"t3.carried_over.natural": "9" * 5000})
    assert _e2(check_file(path), "t3.carried_over.natural")


def test_collect_sum_reaching_1e15_is_a_reason_on_the_summary(sample, tmp_path):
    """01: two units of 6×10^14 each pass, their sum does not fit a workbook: the batch's results
    stand, the summary is not written and says why."""
    for name in ("u0", "u1"):
        data = {"format": spec.FORMAT_ID, **sample, "meta.unit": name, LICENSING: 6 * 10 ** 14}
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    s = collect([tmp_path / "in"], tmp_path / "out", workers=1)
    assert s.count("通过") == 2 and s.summary_path is None and s.exit_code == 1
    assert "15位" in s.summary_note and "1200000000000000" in s.summary_note
    assert not (tmp_path / "out" / "汇总数据.xlsx").exists() and s.status_path.exists()
    assert json.loads(s.findings_path.read_text(encoding="utf-8"))["summary_note"] == s.summary_note
    proc = _cli("collect", tmp_path / "in", "-o", tmp_path / "out2", "--workers", "1")
    assert proc.returncode == 1 and "未生成汇总数据.xlsx" in proc.stdout  # passed, but no summary: not done


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_check_refuses_a_fifo_and_a_device(tmp_path):
    """A single command reads no FIFO (it would wait forever) and no device (/dev/zero never ends)."""
    os.mkfifo(tmp_path / "fifo.xlsx")
    os.symlink("/dev/zero", tmp_path / "zero.xlsx")
    for name, kind in (("fifo.xlsx", "命名管道"), ("zero.xlsx", "设备文件")):
        proc = _cli("check", "--no-write-back", tmp_path / name)
        assert proc.returncode == 2 and kind in proc.stdout + proc.stderr


def test_export_keeps_a_lone_surrogate(sample_xlsx, tmp_path):
    """A cell's _xD800_ exported to JSON: written as JSON's escape, read back as it was."""
    path = set_cells(sample_xlsx, tmp_path / "surrogate.xlsx", {"text.other": "前_xD800_后"})
    proc = _cli("export", path, "-o", tmp_path / "out.json")
    assert proc.returncode == 0
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert data["text.other"] == "前\ud800后"


def test_collect_single_unit_with_an_id_number(sample_xlsx, tmp_path):
    """01b: the unit has an error (E2) and is returned; the batch completes."""
    (tmp_path / "in").mkdir()
    set_cells(sample_xlsx, tmp_path / "in" / "idcard.xlsx", {LICENSING: ID_NUMBER})
    proc = _cli("collect", tmp_path / "in", "-o", tmp_path / "out", "--workers", "1")
    assert proc.returncode == 1
    assert _files(tmp_path / "out")["idcard.xlsx"]["status"] == "errors"


# --- text no XML file can hold (03, 04, 08) and names too long (06, 07) -------------------------

@pytest.mark.skipif(sys.platform != "linux", reason="a file name in GBK bytes needs a byte-named file system")
def test_collect_file_named_in_gbk_bytes(sample_xlsx, tmp_path):
    """03: what unzip leaves on UOS/Kylin for a Windows archive: the status list shows 单位.xlsx."""
    folder = tmp_path / "in"
    folder.mkdir()
    os.rename(sample_xlsx, os.path.join(os.fsencode(folder), b"\xb5\xa5\xce\xbb.xlsx"))
    s = collect([folder], tmp_path / "out", workers=1)
    (row,) = s.files
    assert row.status == "通过"
    import openpyxl
    ws = openpyxl.load_workbook(s.status_path)["报送状态"]
    assert ws["B4"].value == "单位.xlsx"
    assert "单位.xlsx" in s.findings_path.read_text(encoding="utf-8")
    proc = _cli("collect", folder, "-o", tmp_path / "out2", "--workers", "1")
    assert proc.returncode == 0


def test_collect_surrogate_in_a_cell(sample_xlsx, tmp_path):
    """04 (the status side): a cell holding _xD800_ is an E1 shown as �; the status workbook,
    findings.json and the return draft are written."""
    (tmp_path / "in").mkdir()
    set_cells(sample_xlsx, tmp_path / "in" / "surrogate.xlsx", {"t3.new.natural": "_xD800_"})
    s = collect([tmp_path / "in"], tmp_path / "out", workers=1)
    (row,) = s.files
    assert row.status == "有错误" and row.draft
    assert "�" in s.findings_path.read_text(encoding="utf-8")
    import openpyxl
    assert "�" in openpyxl.load_workbook(s.status_path)["报送状态"]["F4"].value


def test_status_workbook_leaves_no_temporary_files(tmp_path, monkeypatch):
    """(01–04): XlsxWriter's row files (unit names, findings) never stay in the temp folder, also
    when writing fails halfway."""
    from toolkit.collect import FileStatus, status
    from toolkit.collect.select import PASSED
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    rows = [FileStatus(i, f"单位{i}.xlsx", f"单位{i}.xlsx", PASSED, unit=f"单位{i}") for i in range(3)]
    assert status.status_workbook(rows, "报送情况").startswith(b"PK")
    calls = []

    def fails(ws, row, col, text, fmt):
        calls.append(row)
        if len(calls) > 8:
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        ws.write_string(row, col, text, fmt)
    monkeypatch.setattr(status, "put_text", fails)
    with pytest.raises(UnicodeEncodeError):
        status.status_workbook(rows, "报送情况")
    assert not list(temp.iterdir())


def test_check_a_file_whose_name_is_at_the_limit(sample_xlsx, tmp_path):
    """06: 83 Chinese characters: the lock-file probe's name is too long for the file system."""
    path = sample_xlsx.rename(tmp_path / ("长" * 83 + ".xlsx"))
    proc = _cli("check", "--no-write-back", path)
    assert proc.returncode == 0


def test_build_with_a_70_character_unit_name(sample_xlsx, tmp_path):
    """07: the report's default name is shortened by bytes, keeping the year and the title."""
    path = set_cells(sample_xlsx, tmp_path / "unit70.xlsx", {"meta.unit": "长" * 75})
    proc = _cli("build", path)
    assert proc.returncode == 0
    (docx,) = tmp_path.glob("*.docx")
    assert docx.name.endswith("2022年政府信息公开工作年度报告.docx") and len(docx.name.encode()) <= 200


@pytest.mark.parametrize("escape", ["_x0001_", "_xDC80_"])
def test_build_with_a_control_character_in_the_unit_name(sample, tmp_path, escape):
    """08: a control character or a lone surrogate in the unit name (Word's document properties),
    as a cell's escape in the workbook's XML."""
    from toolkit.app.workbook import new_workbook
    marked = new_workbook(tmp_path / "marked.xlsx", data={**sample, "meta.unit": "锦屏街道QQQ"})
    path = patch_part(marked, tmp_path / "ctrl.xlsx", "xl/sharedStrings.xml",
                      lambda xml: xml.replace(b"QQQ", escape.encode()))
    marked.unlink()
    proc = _cli("build", path)
    assert proc.returncode == 0
    (docx,) = tmp_path.glob("*.docx")
    with zipfile.ZipFile(docx) as z:
        core = z.read("docProps/core.xml").decode("utf-8")
    assert "锦屏街道2022年政府信息公开工作年度报告" in core


# --- the reader: a marker, a shared formula (mut/check_unexpected__read*, mut/check__Hang) -------

def test_template_marker_with_a_superscript_digit(sample_xlsx, tmp_path):
    """mut/check_unexpected__read.py*: a marker ending in v¹ (isdigit() but not int())."""
    path = patch_part(sample_xlsx, tmp_path / "marker.xlsx", "xl/sharedStrings.xml",
                      lambda xml: xml.replace(spec.TEMPLATE_MARKER.encode(),
                                              spec.TEMPLATE_MARKER[:-1].encode() + "¹".encode()))
    proc = _cli("check", "--no-write-back", path)
    assert proc.returncode == 2 and "模板版本为第¹版" in proc.stderr + proc.stdout


def _shared_formula_left_of_its_anchor(src: Path, dst: Path) -> Path:
    """mut/check__Hang: a shared formula anchored at I10 used by F13, left of it: the formula moved
    to F13 refers to a column before A."""
    def change(xml: bytes) -> bytes:
        xml = re.sub(rb'<c r="I10"[^>]*?(/>|>.*?</c>)',
                     b'<c r="I10"><f t="shared" ref="I10:ZZ99" si="0">A1+$B$2+ZZZ9</f><v>3</v></c>', xml, count=1)
        return re.sub(rb'<c r="F13"[^>]*?(/>|>.*?</c>)', b'<c r="F13"><f t="shared" si="0"/><v>3</v></c>',
                      xml, count=1)
    return patch_part(src, dst, sheet_part(src, layout.positions()["t3.new.natural"].sheet), change)


def test_shared_formula_left_of_its_anchor_does_not_hang(sample_xlsx, tmp_path):
    path = _shared_formula_left_of_its_anchor(sample_xlsx, tmp_path / "shared.xlsx")
    proc = _cli("check", "--no-write-back", path)  # run_nianbao's timeout: it used to loop forever
    assert proc.returncode in (1, 2)


def test_collect_stops_a_file_that_takes_too_long(sample_xlsx, tmp_path, monkeypatch):
    """``--timeout``: a file that takes longer is a line in the status list, the batch goes on."""
    import time

    import toolkit.source
    real = toolkit.source.read_source
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.xlsx", "b.xlsx", "slow.xlsx"):
        set_cells(sample_xlsx, folder / name, {"meta.unit": name[:-5]})

    def slow(path):
        if Path(path).name == "slow.xlsx":
            time.sleep(60)
        return real(path)
    monkeypatch.setattr(toolkit.source, "read_source", slow)  # inherited by the workers (fork)
    started = time.monotonic()
    s = collect([folder], tmp_path / "out", workers=2, timeout=2)
    assert time.monotonic() - started < 30
    status = {Path(f.origin).name: f for f in s.files}
    assert status["slow.xlsx"].status == "无法读取" and "超过 2 秒" in status["slow.xlsx"].note
    assert status["a.xlsx"].status == status["b.xlsx"].status == "通过"


# --- collect's inputs: special files, archives (14, 17, 18, gather/*) ----------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_collect_skips_fifos_devices_and_links_out_of_the_input(sample_xlsx, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    sample_xlsx.rename(folder / "ok.xlsx")
    os.mkfifo(folder / "fifo.xlsx")
    os.symlink("/dev/zero", folder / "zero.xlsx")
    os.symlink(tmp_path / "elsewhere.xlsx", folder / "outside.xlsx")
    (tmp_path / "elsewhere.xlsx").write_bytes(b"x")
    os.symlink("ok.xlsx", folder / "inside.xlsx")  # a link within the input is followed
    proc = _cli("collect", folder, "-o", tmp_path / "out", "--workers", "1", "--timeout", "20")
    assert proc.returncode == 1
    files = _files(tmp_path / "out")
    assert "命名管道" in files["fifo.xlsx"]["reason"]
    assert "输入文件夹以外" in files["zero.xlsx"]["reason"]
    assert "输入文件夹以外" in files["outside.xlsx"]["reason"]
    assert files["ok.xlsx"]["status"] == "passed" and files["inside.xlsx"]["status"] in ("passed", "superseded")
    # given directly, a device is still not read
    proc = _cli("collect", "/dev/zero", "-o", tmp_path / "out2", "--workers", "1")
    assert proc.returncode == 2 and "设备文件" in _files(tmp_path / "out2")["zero"]["reason"]


def test_file_over_the_size_limit_is_a_line(tmp_path, monkeypatch):
    import toolkit.collect.gather as gather_mod
    import toolkit.limits
    monkeypatch.setattr(toolkit.limits, "MAX_FILE_BYTES", 1000)
    (tmp_path / "big.xlsx").write_bytes(b"\0" * 1001)
    (item,) = gather_mod.gather([tmp_path / "big.xlsx"], tmp_path / "out")
    assert "文件过大" in item.error


def _zip(members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def test_one_archive_cannot_starve_the_next(sample_xlsx, tmp_path, monkeypatch):
    """14: a zip of huge members took the run's whole extraction budget and wrote 4 GiB into
    OUT/_收件; now the budget is per archive, checked on the headers before inflating: the bomb
    is one line, nothing of it is written, and the unit after it is checked."""
    import toolkit.collect.gather as gather_mod
    monkeypatch.setattr(gather_mod, "MAX_ARCHIVE_BYTES", 3 * 1024 * 1024)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "00_fill.zip").write_bytes(_zip([(f"m{i}.xlsx", bytes(1024 * 1024)) for i in range(4)]))
    (folder / "zz_legit.zip").write_bytes(_zip([("锦屏街道.xlsx", sample_xlsx.read_bytes())]))
    s = collect([folder], tmp_path / "out", workers=1)
    lines = {f.origin.split(" › ")[-1]: f for f in s.files}
    assert "解压后过大" in lines[str(folder / "00_fill.zip")].note
    assert lines["锦屏街道.xlsx"].status == "通过"
    inbox = tmp_path / "out" / "_收件"
    assert [p.name for p in inbox.rglob("*") if p.is_file()] == ["锦屏街道.xlsx"]


def test_member_growing_past_the_limit_while_inflated(tmp_path, monkeypatch):
    """Members are streamed, and a member whose header understates its size stops at the limit:
    no partial file stays in OUT/_收件."""
    import toolkit.collect.gather as gather_mod
    monkeypatch.setattr(gather_mod, "MAX_FILE_BYTES", 2 * 1024 * 1024)
    data = bytearray(_zip([("a.xlsx", bytes(3 * 1024 * 1024))]))
    # the local and central headers' uncompressed size: say 1 MB
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(sig) + offset
        data[at:at + 4] = struct.pack("<I", 1024 * 1024)
    (tmp_path / "lie.zip").write_bytes(bytes(data))
    items = gather_mod.gather([tmp_path / "lie.zip"], tmp_path / "out")
    assert len(items) == 1 and items[0].error
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file()]


def _corrupt_member(workbook: bytes) -> bytes:
    """17: a zip whose deflated member has damaged data (zlib.error while inflating)."""
    data = bytearray(_zip([("甲.xlsx", workbook), ("乙.xlsx", workbook)]))
    start = data.index(b"PK\x03\x04") + 30 + len("甲.xlsx".encode())
    for i in range(start + 200, start + 400):
        data[i] ^= 0x5A
    return bytes(data)


def _version_229(workbook: bytes) -> bytes:
    """18: the central directory says "version needed to extract 22.9"."""
    data = bytearray(_zip([("甲.xlsx", workbook)]))
    at = data.index(b"PK\x01\x02") + 6
    data[at:at + 2] = struct.pack("<H", 229)
    return bytes(data)


def _unknown_method(workbook: bytes) -> bytes:
    """Compression method 9 (Deflate64, what Windows uses for large archives)."""
    data = bytearray(_zip([("甲.xlsx", workbook)]))
    for sig, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.index(sig) + offset
        data[at:at + 2] = struct.pack("<H", 9)
    return bytes(data)


@pytest.mark.parametrize("make, reason", [(_corrupt_member, "已损坏"), (_version_229, "格式版本不受支持"),
                                          (_unknown_method, "压缩方式")])
def test_damaged_or_unsupported_zip_is_a_line(sample_xlsx, tmp_path, make, reason):
    """17, 18, gather/*: a damaged member, an unsupported zip version or compression method is a
    line with the reason; the other files are checked."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad.zip").write_bytes(make(sample_xlsx.read_bytes()))
    (folder / "ok.xlsx").write_bytes(sample_xlsx.read_bytes())
    proc = _cli("collect", folder, "-o", tmp_path / "out", "--workers", "1")
    assert proc.returncode == 1
    data = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    bad = [f for f in data["files"] if "bad.zip" in f["file"]]
    assert bad and any(reason in f["reason"] for f in bad), bad
    assert any(f["status"] == "passed" for f in data["files"])
    inbox = tmp_path / "out" / "_收件"
    left = [p.name for p in inbox.rglob("*") if p.is_file()] if inbox.exists() else []
    assert len(left) == sum(1 for f in data["files"] if "bad.zip ›" in f["file"] and f["status"] != "unusable")


def test_nested_archives_leave_only_workbooks_in_the_inbox(sample_xlsx, tmp_path):
    inner = _zip([("甲.xlsx", sample_xlsx.read_bytes())])
    (tmp_path / "outer.zip").write_bytes(_zip([("inner.zip", inner)]))
    s = collect([tmp_path / "outer.zip"], tmp_path / "out", workers=1)
    assert [f.status for f in s.files] == ["通过"]
    assert [p.name for p in (tmp_path / "out" / "_收件").rglob("*") if p.is_file()] == ["甲.xlsx"]


def test_reproducers_as_found(tmp_path):
    """The shared reproducers themselves, where they lie beside the checkout (skipped otherwise):
    the command of the README for each, a clear result every time."""
    from conftest import SHARED, require
    repro = SHARED / "repro" / "fuzz"
    require(repro.is_dir(), f"{repro} not found: shared/ must lie beside the checkout")
    for folder in ("01_collect_sum_ge_1e15", "01b_collect_single_unit_18_digits", "02_collect_total_over_float",
                   "04_collect_surrogate_in_cell", "14_collect_budget_starvation", "17_collect_corrupt_zip_member",
                   "18_collect_zip_version", "gather"):
        out = tmp_path / folder
        proc = _cli("collect", repro / folder, "-o", out, "--workers", "2", "--timeout", "30")
        assert proc.returncode in (0, 1, 2) and (out / "汇总状态.xlsx").exists(), folder
        assert sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) < 10 * 1024 * 1024, folder
    checks = [*repro.glob("05_*/*.json"), *repro.glob("06_*/*.xlsx"), *repro.glob("09_*/*.xlsx"),
              *repro.glob("mut/check__*/*.xlsx"), *repro.glob("mut/check_unexpected__read.py*/*.xlsx"),
              *repro.glob("mut/check_unexpected__values.py*/*.xlsx")]
    assert len(checks) >= 12
    for path in checks:
        proc = _cli("check", "--no-write-back", "--json", path)
        assert proc.returncode in (0, 1, 2), path
