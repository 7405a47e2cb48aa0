"""nianbao collect on a generated batch of ~50 e-mailed workbooks: duplicates, renamed files,
another year, an old-format, an encrypted, a corrupt and a foreign workbook, a zip with a GBK
member name and an .eml with Chinese attachment names in three encodings.

Every file must appear in the status list with the right status; the summary's cells must equal
sums computed independently (and read with openpyxl, not our reader); the returned copies must
carry their unit's findings; the .eml drafts must parse back with their attachment.
"""

from __future__ import annotations

import base64
import io
import json
import os
import random
import zipfile
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from pathlib import Path

import openpyxl
import pytest

from conftest import run_nianbao
from toolkit import spec
from toolkit.collect.samplebatch import SEEDED_ERRORS, random_values, sums, with_saved_at
from toolkit.workbook import layout
from toolkit.workbook.build import build_workbook

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2024
SENDER = "huayang@example.cn"


@dataclass
class Batch:
    root: Path
    inputs: list[Path]
    expected: dict[str, str] = field(default_factory=dict)  # origin (suffix match) -> status
    values: dict[str, dict] = field(default_factory=dict)  # unit -> values of its chosen file
    passed_units: set[str] = field(default_factory=set)
    error_units: set[str] = field(default_factory=set)
    eml_units: set[str] = field(default_factory=set)


def _old_format_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["第二十条第（一）项"])
    ws.append(["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"])
    ws.append(["规章", 0, 0, 0])
    ws.append(["规范性文件", 1, 1, 5])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _foreign_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _encrypted(blob: bytes, tmp: Path) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile
    plain = tmp / "plain.xlsx"
    plain.write_bytes(blob)
    out = io.BytesIO()
    with plain.open("rb") as fh:
        OOXMLFile(fh).encrypt("123456", out)
    plain.unlink()
    return out.getvalue()


def _gbk_zip(members: list[tuple[str, bytes, bool]]) -> bytes:
    """A zip as Windows' built-in compressor writes it: names in GBK bytes without the UTF-8
    flag (utf8=False), or flagged UTF-8 names (utf8=True). zipfile itself only writes ASCII or
    flagged UTF-8, so a GBK name is written as an ASCII placeholder of the same byte length and
    patched in the local and central headers afterwards."""
    buf = io.BytesIO()
    patches = []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data, utf8) in enumerate(members):
            if utf8:
                arcname = name
            else:
                raw = name.encode("gbk")
                arcname = f"P{i:03d}".ljust(len(raw), "_")
                patches.append((arcname.encode(), raw))
            zf.writestr(zipfile.ZipInfo(arcname, date_time=(2025, 1, 8, 9, 0, 0)), data)
    blob = buf.getvalue()
    for placeholder, raw in patches:
        assert blob.count(placeholder) == 2  # local header and central directory
        blob = blob.replace(placeholder, raw)
    return blob


def _eml(attachments: list[tuple[bytes, bytes]]) -> bytes:
    """A received e-mail as Foxmail/Outlook write them; each attachment is (disposition header
    bytes, data)."""
    parts = [b"From: =?GBK?B?u6rR9L3WtcA=?= <" + SENDER.encode() + b">",
             b"To: zwgk@example.gov.cn",
             b"Subject: =?GBK?B?xOqxqA==?=",
             b"Date: Tue, 14 Jan 2025 10:00:00 +0800",
             b"MIME-Version: 1.0",
             b'Content-Type: multipart/mixed; boundary="BOUNDARY"', b"",
             b"--BOUNDARY", b"Content-Type: text/plain; charset=gbk", b"",
             "请查收我街道年报。".encode("gbk"),
             b"--BOUNDARY", b"Content-Type: image/png", b"Content-Disposition: inline",
             b"Content-Transfer-Encoding: base64", b"", base64.b64encode(b"\x89PNG fake")]
    for disposition, data in attachments:
        parts += [b"--BOUNDARY", b"Content-Type: application/octet-stream", disposition,
                  b"Content-Transfer-Encoding: base64", b""]
        b64 = base64.b64encode(data)
        parts += [b64[i:i + 76] for i in range(0, len(b64), 76)]
    parts += [b"--BOUNDARY--", b""]
    return b"\r\n".join(parts)


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Batch:
    root = tmp_path_factory.mktemp("batch")
    inbox = root / "收件箱"
    inbox.mkdir()
    rng = random.Random(20250115)
    b = Batch(root, [])

    def unit_values(unit: str, error: str | None = None, year: int = YEAR) -> dict:
        return random_values(rng, unit, year, error=error)

    def put(name: str, values: dict, status: str, saved: str | None = None,
            mtime: float | None = None, folder: Path = inbox) -> Path:
        blob = build_workbook(values)
        if saved:
            blob = with_saved_at(blob, saved)
        p = folder / name
        p.write_bytes(blob)
        if mtime:
            os.utime(p, (mtime, mtime))
        b.expected[str(p)] = status
        return p

    # 36 plain units, renamed as senders do: a third with one seeded error each
    for i in range(36):
        unit = f"第{i + 1}测试局"
        error = SEEDED_ERRORS[i % len(SEEDED_ERRORS)] if i % 3 == 0 else None
        v = unit_values(unit, error)
        name = rng.choice(["年报", "新建 Microsoft Excel 工作表", "2024年报（终稿）", "附件1"]) + f"_{i}.xlsx"
        put(name, v, "有错误" if error else "通过")
        b.values[unit] = v
        (b.error_units if error else b.passed_units).add(unit)

    # duplicates, decided by the workbook's own save time: the newer (passing) one wins
    v_old = unit_values("重复甲局", "carry_forward")
    put("甲局年报.xlsx", v_old, "被替代", saved="2025-01-05T08:00:00Z", mtime=1_800_000_000)
    v_new = unit_values("重复甲局")
    put("修改后再次报送.xlsx", v_new, "通过", saved="2025-01-10T08:00:00Z", mtime=1_700_000_000)
    b.values["重复甲局"], b.passed_units = v_new, b.passed_units | {"重复甲局"}
    # same save time: the file time decides; the newer one has errors and is returned
    v_a = unit_values("重复乙局")
    put("乙局.xlsx", v_a, "被替代", saved="2025-01-06T08:00:00Z", mtime=1_700_000_000)
    v_b = unit_values("重复乙局", "slash")
    put("乙局 (2).xlsx", v_b, "有错误", saved="2025-01-06T08:00:00Z", mtime=1_700_100_000)
    b.values["重复乙局"] = v_b
    b.error_units.add("重复乙局")
    # the same file sent twice under two names: one of them stands, the other is superseded
    v_twice = unit_values("重复丙局")
    blob = with_saved_at(build_workbook(v_twice), "2025-01-07T08:00:00Z")
    for name, mt in (("丙局年报.xlsx", 1_700_000_000), ("丙局年报 - 副本.xlsx", 1_700_000_500)):
        (inbox / name).write_bytes(blob)
        os.utime(inbox / name, (mt, mt))
    b.expected[str(inbox / "丙局年报.xlsx")] = "被替代"
    b.expected[str(inbox / "丙局年报 - 副本.xlsx")] = "通过"
    b.values["重复丙局"] = v_twice
    b.passed_units.add("重复丙局")

    # last year's workbook sent by mistake
    put("上年的年报.xlsx", unit_values("往年丁局", year=YEAR - 1), "年度不符")
    # files that cannot be used
    (inbox / "旧模板.xlsx").write_bytes(_old_format_xlsx())
    b.expected[str(inbox / "旧模板.xlsx")] = "无法读取"
    (inbox / "加密.xlsx").write_bytes(_encrypted(build_workbook(unit_values("加密局")), root))
    b.expected[str(inbox / "加密.xlsx")] = "无法读取"
    good = build_workbook(unit_values("损坏局"))
    (inbox / "损坏.xlsx").write_bytes(good[: len(good) // 2])
    b.expected[str(inbox / "损坏.xlsx")] = "无法读取"
    (inbox / "通讯录.xlsx").write_bytes(_foreign_xlsx())
    b.expected[str(inbox / "通讯录.xlsx")] = "无法读取"
    (inbox / "~$年报_1.xlsx").write_bytes(b"lock file")  # Excel's lock file: not an input
    (inbox / "说明.txt").write_text("不是报表")  # not a report: listed, never read, no error
    b.expected[str(inbox / "说明.txt")] = "其他文件"

    # a zip: GBK member name without the flag, a UTF-8 one, a name that tries to escape
    zip_members = []
    for i, (name, utf8) in enumerate((("锦城街道年报.xlsx", False), ("子目录/桂溪街道.xlsx", True),
                                       ("../../逃逸.xlsx", False), ("/etc/绝对路径.xlsx", True))):
        unit = ["锦城街道", "桂溪街道", "石羊街道", "芳草街道"][i]
        v = unit_values(unit)
        b.values[unit] = v
        b.passed_units.add(unit)
        zip_members.append((name, build_workbook(v), utf8))
        b.expected[f"打包.zip › {name}"] = "通过"
    (inbox / "打包.zip").write_bytes(_gbk_zip(zip_members))

    # an .eml: RFC 2231 (GBK), RFC 2047 (GB2312) and raw 8-bit GBK attachment names
    eml_atts = []
    names = ("华阳街道年报.xlsx", "中和街道.xlsx", "正兴街道.xlsx")
    for i, name in enumerate(names):
        unit = name.split(".")[0].replace("年报", "")
        error = "blank" if i == 0 else None
        v = unit_values(unit, error)
        b.values[unit] = v
        (b.error_units if error else b.passed_units).add(unit)
        b.eml_units.add(unit)
        if i == 0:
            quoted = "".join(f"%{c:02X}" for c in name.encode("gbk"))
            disp = b"Content-Disposition: attachment; filename*=gbk''" + quoted.encode()
        elif i == 1:
            disp = (b'Content-Disposition: attachment; filename="=?GB2312?B?'
                    + base64.b64encode(name.encode("gb2312")) + b'?="')
        else:
            disp = b'Content-Disposition: attachment; filename="' + name.encode("gbk") + b'"'
        eml_atts.append((disp, build_workbook(v)))
        b.expected[f"华阳街道来信.eml › {name}"] = "有错误" if error else "通过"
    (inbox / "华阳街道来信.eml").write_bytes(_eml(eml_atts))

    b.inputs = [inbox]
    return b


@pytest.fixture(scope="module")
def collected(batch: Batch, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "汇总结果"
    proc = run_nianbao("collect", batch.inputs[0], "-o", out, "--unit", "测试区政务公开科",
                       "--email", "zwgk@example.gov.cn", "--workers", "2")
    return proc, out


def _status_rows(out: Path) -> list[dict]:
    wb = openpyxl.load_workbook(out / "汇总状态.xlsx", read_only=True)
    rows = list(wb["报送状态"].iter_rows(values_only=True))
    header = list(rows[2])
    return [dict(zip(header, r)) for r in rows[3:]]


def test_exit_code_and_summary_line(collected):
    proc, out = collected
    assert proc.returncode == 1, proc.stderr  # some units have errors
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("共 ") and "有错误" in last and "退回" in last, proc.stdout
    assert "请补写正文" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_every_file_has_the_right_status(batch, collected):
    _, out = collected
    rows = _status_rows(out)
    found = {r["来源"]: r for r in rows}
    assert len(rows) == len(batch.expected), sorted(found)
    for origin, status in batch.expected.items():
        match = [r for o, r in found.items() if o == origin or o.endswith(origin)]
        assert len(match) == 1, (origin, sorted(found))
        assert match[0]["状态"] == status, (origin, match[0])
    # errors first, then the ones that could not be used, ... passed last
    order = [r["状态"] for r in rows]
    ranks = [("有错误", "无法读取", "年度不符", "被替代", "通过", "其他文件").index(s) for s in order]
    assert ranks == sorted(ranks)
    reasons = {Path(r["来源"]).name: r["主要问题"] for r in rows}
    assert "加密" in reasons["加密.xlsx"] or "密码" in reasons["加密.xlsx"]
    assert "2019" in reasons["旧模板.xlsx"]
    assert "损坏" in reasons["损坏.xlsx"]
    assert "模板标记" in reasons["通讯录.xlsx"]
    assert "2023" in reasons["上年的年报.xlsx"]
    assert "修改后再次报送.xlsx" in reasons["甲局年报.xlsx"]
    # the e-mail's attachments carry their decoded Chinese names
    eml_rows = [r for r in rows if "华阳街道来信.eml › " in r["来源"]]
    assert sorted(r["文件"] for r in eml_rows) == sorted(["华阳街道年报.xlsx", "中和街道.xlsx", "正兴街道.xlsx"])


def test_findings_sheet_and_chart(batch, collected):
    _, out = collected
    wb = openpyxl.load_workbook(out / "汇总状态.xlsx")
    ws = wb["全部问题"]
    units = {r[0] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert batch.error_units <= units
    assert wb["报送状态"].auto_filter.ref and ws.auto_filter.ref
    figures = wb["关键数据"]
    assert len(figures._charts) == 1
    listed = {r[0]: r for r in figures.iter_rows(min_row=2, values_only=True)}
    assert set(listed) == batch.passed_units | batch.error_units
    v = batch.values["锦城街道"]
    new_total = sum(v[f"t3.new.{c}"] for c in spec.T3_APPLICANT_COLUMNS)
    assert listed["锦城街道"][1] == new_total


def _named_values(path: Path) -> dict[str, object]:
    """key -> cell value, read with openpyxl by the defined names (not with our reader)."""
    wb = openpyxl.load_workbook(path)
    names = layout.names()
    out = {}
    for name, key in names.items():
        dn = wb.defined_names[name]
        (sheet, ref), = dn.destinations
        out[key] = wb[sheet][ref.replace("$", "")].value
    return out


def test_summary_equals_independent_sums(batch, collected):
    _, out = collected
    expected = sums([batch.values[u] for u in batch.passed_units])
    cells = _named_values(out / "汇总数据.xlsx")
    for key, total in expected.items():
        assert cells[key] == pytest.approx(total), key
    assert cells["meta.unit"] == "测试区政务公开科" and cells["meta.year"] == YEAR
    assert all(not cells[k] for k in spec.TEXT_KEYS)
    # totals are formulas; our reader recomputes them: the grand total equals the result rows
    from toolkit.app import check_file
    result = check_file(out / "汇总数据.xlsx")
    grand = sum(batch.values[u][f"t3.{r}.{c}"] for u in batch.passed_units
                for r in spec.T3_RESULT_KEYS for c in spec.T3_APPLICANT_COLUMNS)
    assert result.report.values["t3.total.total"] == grand
    assert {f.rule for f in result.errors} == {"E7"}  # only the empty texts


def test_returned_copies_carry_their_findings(batch, collected):
    _, out = collected
    report = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    by_unit = {f["unit"]: f for f in report["files"] if f["status"] == "errors"}
    assert set(by_unit) == batch.error_units
    from toolkit.app import check_file
    for unit, entry in by_unit.items():
        copy = Path(entry["returned"])
        assert copy.parent == out / "退回" and copy.exists()
        again = check_file(copy)
        assert again.report.values["meta.unit"] == unit
        assert [(f.rule, f.where) for f in again.errors] == \
               [(f["rule"], f["cell"]) for f in entry["findings"] if f["severity"] == "error"]
    # superseded files' copies are not kept
    assert len(list((out / "退回").glob("*.xlsx"))) == len(batch.error_units)


def test_returned_copies_are_written_back(batch, collected):
    _, out = collected
    report = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    for entry in (f for f in report["files"] if f["status"] == "errors"):
        wb = openpyxl.load_workbook(entry["returned"])
        ws = wb[layout.SHEET_RESULTS]
        text = "\n".join(str(c) for row in ws.iter_rows(min_row=layout.RESULTS_HEADER_ROW + 2,
                                                        values_only=True) for c in row if c)
        for f in entry["findings"]:
            assert f["message"] in text, (entry["unit"], f["message"])
            if f["severity"] == "error":  # the cells are marked red
                for key in f["keys"]:
                    mark = layout.mark_of(layout.positions()[key])
                    assert wb[mark.sheet].cell(mark.row + 1, mark.col + 1).value == layout.MARK_ERROR
        assert str(wb[layout.SHEET_MAIN].cell(layout.ROW_RESULT + 1, 2).value).startswith("✗")


def test_eml_drafts_parse_back_with_attachment(batch, collected):
    _, out = collected
    report = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    drafts = {f["unit"]: f for f in report["files"] if f["draft"]}
    assert set(drafts) == batch.error_units
    for unit, entry in drafts.items():
        msg = BytesParser(policy=policy.default).parsebytes(Path(entry["draft"]).read_bytes())
        assert msg["X-Unsent"] == "1"
        assert unit in msg["Subject"] and "退回" in msg["Subject"]
        assert "测试区政务公开科" in str(msg["From"]) and "zwgk@example.gov.cn" in str(msg["From"])
        if unit in batch.eml_units:  # came by e-mail: the draft answers the sender
            assert msg["To"].addresses[0].addr_spec == SENDER
        body = msg.get_body(("plain",)).get_content()
        lines = body.splitlines()
        errors = [f for f in entry["findings"] if f["severity"] == "error"]
        for i, f in enumerate(errors, start=1):  # one numbered line per error, in order
            assert any(line.startswith(f"{i}. ") and f["message"] in line for line in lines), body
        atts = list(msg.iter_attachments())
        assert len(atts) == 1
        assert atts[0].get_filename() == Path(entry["returned"]).name
        assert "退回修改" in atts[0].get_filename() and unit in atts[0].get_filename()
        assert atts[0].get_content() == Path(entry["returned"]).read_bytes()


def test_names_never_escape_outdir(batch, collected):
    _, out = collected
    inbox = out / "_收件"
    extracted = [p for p in inbox.rglob("*") if p.is_file()]
    names = {p.name for p in extracted}
    assert {"锦城街道年报.xlsx", "桂溪街道.xlsx", "逃逸.xlsx", "绝对路径.xlsx",
            "华阳街道年报.xlsx", "中和街道.xlsx", "正兴街道.xlsx"} <= names
    for p in extracted:
        assert p.resolve().is_relative_to(inbox.resolve())
    outside = [p for p in batch.root.rglob("*逃逸*")] + [p for p in out.parent.parent.rglob("*逃逸*")
                                                         if not p.resolve().is_relative_to(inbox.resolve())]
    assert outside == []
    assert not Path("/etc/绝对路径.xlsx").exists()


def test_rerun_replaces_outputs(batch, collected, tmp_path):
    """A second run into the same folder starts clean: no '(2)' copies, no stale drafts."""
    from toolkit.collect import collect
    _, out = collected
    first = sorted(p.name for p in (out / "退回").iterdir())
    summary = collect(batch.inputs, out, unit="测试区政务公开科", workers=1)
    assert sorted(p.name for p in (out / "退回").iterdir()) == first
    assert not any("(2)" in p.name for p in (out / "_收件").rglob("*"))
    assert summary.count("有错误") == len(batch.error_units)
