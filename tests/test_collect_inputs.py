"""collect's edges: untrusted names from archives and e-mails, last year's data matched by unit,
exit codes, the progress display, the district's own e-mail template."""

from __future__ import annotations

import email.message
import io
import json
import os
import random
import zipfile
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.collect import collect
from toolkit.collect.gather import attachment_name, gather, safe_name, zip_member_name
from toolkit.progress import Progress
from toolkit.collect.samplebatch import random_values
from toolkit.jsondata import dumps
from toolkit.workbook.build import build_workbook


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\Windows\\年报.xlsx", "年报.xlsx"),
    ("/abs/路径/年报.xlsx", "年报.xlsx"),
    ("..", "附件"),
    ("CON.xlsx", "附件_CON.xlsx"),
    ("a<b>c:d|e?.xlsx", "a_b_c_d_e_.xlsx"),
    (".隐藏.xlsx", "隐藏.xlsx"),
    ("年报\x00.xlsx", "年报_.xlsx"),
    ("长" * 300 + ".xlsx", "长" * 48 + ".xlsx"),  # 150 bytes in UTF-8 at most
])
def test_safe_name(name, expected):
    assert safe_name(name, "附件") == expected


def test_zip_member_names_in_any_encoding():
    gbk = zipfile.ZipInfo("锦城街道.xlsx".encode("gbk").decode("cp437"))
    assert zip_member_name(gbk) == "锦城街道.xlsx"
    utf8_unflagged = zipfile.ZipInfo("桂溪街道.xlsx".encode("utf-8").decode("cp437"))
    assert zip_member_name(utf8_unflagged) == "桂溪街道.xlsx"
    flagged = zipfile.ZipInfo("石羊街道.xlsx")
    flagged.flag_bits |= 0x800
    assert zip_member_name(flagged) == "石羊街道.xlsx"
    assert zip_member_name(zipfile.ZipInfo("plain.xlsx")) == "plain.xlsx"


def _part(header: bytes) -> email.message.EmailMessage:
    if b"Content-Type" not in header:
        header = b"Content-Type: application/octet-stream\r\n" + header
    raw = b"MIME-Version: 1.0\r\n" + header + b"\r\nContent-Transfer-Encoding: base64\r\n\r\nUEsDBA==\r\n"
    return BytesParser(policy=policy.default).parsebytes(raw)


@pytest.mark.parametrize("header", [
    b"Content-Disposition: attachment; filename*=gbk''%C4%EA%B1%A8.xlsx",
    b"Content-Disposition: attachment; filename*=utf-8''%E5%B9%B4%E6%8A%A5.xlsx",
    b"Content-Disposition: attachment; filename*0*=utf-8''%E5%B9%B4; filename*1*=%E6%8A%A5.xlsx",
    b'Content-Disposition: attachment; filename="=?GB2312?B?xOqxqC54bHN4?="',
    b'Content-Disposition: attachment; filename="=?GB18030?Q?=C4=EA=B1=A8.xlsx?="',
    b'Content-Disposition: attachment; filename="\xc4\xea\xb1\xa8.xlsx"',  # raw GBK (Foxmail)
    b'Content-Disposition: attachment; filename="\xe5\xb9\xb4\xe6\x8a\xa5.xlsx"',  # raw UTF-8
    b'Content-Disposition: attachment\r\nContent-Type: application/x; name="=?GBK?B?xOqxqC54bHN4?="',
])
def test_attachment_names_in_any_encoding(header):
    assert attachment_name(_part(header)) == "年报.xlsx"


def test_broken_containers_are_listed(tmp_path):
    (tmp_path / "坏.zip").write_bytes(b"PK\x03\x04 not really")
    (tmp_path / "空.eml").write_bytes(b"Subject: hi\r\n\r\nno attachments\r\n")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("说明.docx", b"x")
    (tmp_path / "无表.zip").write_bytes(buf.getvalue())
    items = gather([tmp_path / "坏.zip", tmp_path / "空.eml", tmp_path / "无表.zip",
                    tmp_path / "不存在.xlsx"], tmp_path / "out")
    assert [(Path(i.origin).name, bool(i.error)) for i in items] == [
        ("坏.zip", True), ("空.eml", True), ("无表.zip", True), ("不存在.xlsx", True)]
    assert "损坏" in items[0].error and "没有工作簿" in items[1].error


def test_outdir_inside_input_folder_is_not_collected(tmp_path):
    rng = random.Random(3)
    (tmp_path / "a.xlsx").write_bytes(build_workbook(random_values(rng, "甲局", 2024)))
    first = collect([tmp_path], tmp_path / "结果", workers=1)
    again = collect([tmp_path], tmp_path / "结果", workers=1)
    assert len(first.files) == len(again.files) == 1


def _write(folder: Path, name: str, values: dict) -> Path:
    p = folder / name
    p.write_bytes(build_workbook(values))
    return p


def test_previous_year_matched_by_unit(tmp_path):
    """Last year's files, renamed and in another order, are matched by meta.unit: W1 fires for
    the unit whose carried-over count differs from last year's carry-forward, W2 for in-force."""
    rng = random.Random(5)
    this = {u: random_values(rng, u, 2024) for u in ("甲局", "乙局", "丙局")}
    last = {u: random_values(rng, u, 2023) for u in ("甲局", "乙局")}
    for col in ("natural", "business", "research", "nonprofit", "legal", "other_org"):
        last["甲局"][f"t3.carry_forward.{col}"] = this["甲局"][f"t3.carried_over.{col}"]
        last["乙局"][f"t3.carry_forward.{col}"] = this["乙局"][f"t3.carried_over.{col}"] + 1
    for x in ("rules", "normative"):
        v = this["甲局"]
        last["甲局"][f"t2.{x}.in_force"] = v[f"t2.{x}.in_force"] - v[f"t2.{x}.issued"] + v[f"t2.{x}.repealed"]
    last["乙局"]["text.problems"] = this["乙局"]["text.problems"]  # W8: copied from last year
    inbox, prev = tmp_path / "本年", tmp_path / "上年"
    inbox.mkdir(), prev.mkdir()
    for i, (u, v) in enumerate(this.items()):
        _write(inbox, f"文件{i}.xlsx", v)
    _write(prev, "随便起的名字.xlsx", last["乙局"])
    (prev / "甲.json").write_text(dumps({k: v for k, v in last["甲局"].items()
                                         if v is not None}), encoding="utf-8")
    s = collect([inbox], tmp_path / "out", previous=[prev], workers=1)
    rules = {f.unit: {x.rule for x in f.findings} for f in s.files}
    assert s.previous_units == 2
    assert "W1" not in rules["甲局"] and "W2" not in rules["甲局"]
    assert "W1" in rules["乙局"] and "W8" in rules["乙局"]
    assert not rules["丙局"] & {"W1", "W2", "W8"}  # no last year's data for 丙局
    w1 = [x for f in s.files if f.unit == "乙局" for x in f.findings if x.rule == "W1"]
    assert len(w1) == 7  # six applicant columns and the total


def test_exit_codes(tmp_path, capsys):
    rng = random.Random(9)
    good, bad, junk = tmp_path / "good", tmp_path / "bad", tmp_path / "junk"
    for d in (good, bad, junk):
        d.mkdir()
    _write(good, "a.xlsx", random_values(rng, "甲局", 2024))
    _write(good, "b.xlsx", random_values(rng, "乙局", 2024))
    _write(bad, "c.xlsx", random_values(rng, "丙局", 2024, error="carry_forward"))
    (junk / "d.xlsx").write_bytes(b"not a workbook")
    assert main(["collect", str(good), "-o", str(tmp_path / "o1"), "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "通过 2" in out.splitlines()[-1]
    assert main(["collect", str(good), str(bad), "-o", str(tmp_path / "o2")]) == 1
    assert main(["collect", str(junk), "-o", str(tmp_path / "o3")]) == 2
    out = capsys.readouterr().out
    assert "无法读取 1" in out and "未生成汇总数据" in out
    assert not (tmp_path / "o3" / "汇总数据.xlsx").exists()
    data = json.loads((tmp_path / "o3" / "findings.json").read_text(encoding="utf-8"))
    assert data["files"][0]["status"] == "unusable" and data["files"][0]["reason"]


def test_district_template_in_outdir(tmp_path):
    rng = random.Random(11)
    _write(tmp_path, "c.xlsx", random_values(rng, "丙局", 2024, error="slash"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "退回邮件模板.txt.j2").write_text(
        "主题：请{{ unit }}修改年报\n\n{{ unit }}同志：\n{% for f in errors %}- {{ f.message }}\n{% endfor %}",
        encoding="utf-8")
    s = collect([tmp_path / "c.xlsx"], out, unit="某区政务公开科", workers=1)
    msg = BytesParser(policy=policy.default).parsebytes(s.returns[0].read_bytes())
    assert msg["Subject"] == "请丙局修改年报"
    body = msg.get_body(("plain",)).get_content()
    assert body.startswith("丙局同志：") and "“/”" in body


def test_progress_plain_text_when_not_a_terminal():
    stream = io.StringIO()
    p = Progress("校验", stream=stream)
    for i in range(101):
        p(i, 100)
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert 10 <= len(lines) <= 12 and lines[-1].startswith("校验：100/100（100%）")


def test_check_with_several_previous_files_matches_by_unit(tmp_path, capsys):
    rng = random.Random(13)
    this = {u: random_values(rng, u, 2024) for u in ("甲局", "乙局")}
    last = {u: random_values(rng, u, 2023) for u in ("甲局", "乙局")}
    for col in ("natural", "business", "research", "nonprofit", "legal", "other_org"):
        last["甲局"][f"t3.carry_forward.{col}"] = this["甲局"][f"t3.carried_over.{col}"]
        last["乙局"][f"t3.carry_forward.{col}"] = this["乙局"][f"t3.carried_over.{col}"] + 2
    files = [_write(tmp_path, f"本年{u}.xlsx", v) for u, v in this.items()]
    prev = [_write(tmp_path, f"x{i}.xlsx", v) for i, v in enumerate(reversed(list(last.values())))]
    code = main(["check", "--json", "--no-write-back", "--previous", str(prev[0]),
                 "--previous", str(prev[1]), *map(str, files)])
    assert code == 0
    results = {r["unit"]: {f["rule"] for f in r["findings"]} for r in json.loads(capsys.readouterr().out)}
    assert "W1" not in results["甲局"] and "W1" in results["乙局"]


def test_broken_district_template_stops_with_its_line(tmp_path, capsys):
    rng = random.Random(17)
    _write(tmp_path, "c.xlsx", random_values(rng, "丙局", 2024, error="slash"))
    bad = tmp_path / "模板.j2"
    bad.write_text("主题：退回\n\n{% for f in errors %}\n{{ f.message }\n", encoding="utf-8")
    code = main(["collect", str(tmp_path / "c.xlsx"), "-o", str(tmp_path / "out"), "--template", str(bad)])
    err = capsys.readouterr().err
    assert code == 2 and "退回邮件模板第" in err and "Traceback" not in err


def test_progress_bar_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True
    stream = Tty()
    p = Progress("校验", stream=stream)
    for i in range(51):
        p(i, 50)
    text = stream.getvalue()
    assert text.count("\r") >= 2 and text.endswith("\n") and "50/50" in text and "█" * 30 in text


# --- one unit's trouble never stops the batch; what the user typed is checked first ------------

def _mail(attachments: list[tuple[str, bytes]], sender: str = "jiedao@example.gov.cn") -> bytes:
    """A received e-mail with workbook attachments under (Chinese) file names."""
    msg = email.message.EmailMessage()
    msg["From"] = f"街道 <{sender}>"
    msg["To"] = "zwgk@example.gov.cn"
    msg["Subject"] = "年报"
    msg.set_content("请查收。")
    for name, data in attachments:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg.as_bytes()


def test_unit_name_with_a_line_break_gets_its_draft(tmp_path, capsys):
    """A 机关名称 typed on two lines, arriving by e-mail, and a district name with a comma and no
    --email: the batch finishes, and the draft has one To address and no From."""
    rng = random.Random(21)
    odd = random_values(rng, "某某局\n办公室", 2024, error="slash")
    good = random_values(rng, "甲局", 2024)
    (tmp_path / "来信.eml").write_bytes(_mail([("某某局年报.xlsx", build_workbook(odd)),
                                               ("甲局年报.xlsx", build_workbook(good))]))
    out = tmp_path / "out"
    code = main(["collect", str(tmp_path / "来信.eml"), "-o", str(out), "--workers", "1",
                 "--unit", "某区, 政务办"])
    captured = capsys.readouterr()
    assert code == 1 and "Traceback" not in captured.err
    assert "通过 1" in captured.out and "有错误 1" in captured.out and "退回 1 份" in captured.out
    (eml,) = (out / "退回").glob("*.eml")
    msg = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
    assert msg["From"] is None  # no address given: the mail program fills in its own account
    (to,) = msg["To"].addresses
    assert to.addr_spec == "jiedao@example.gov.cn" and to.display_name == "某某局 办公室"
    assert "\n" not in msg["Subject"] and "某某局 办公室" in msg["Subject"]
    assert (out / "汇总状态.xlsx").exists() and (out / "汇总数据.xlsx").exists()


def test_district_name_with_comma_stays_one_from_address(tmp_path):
    rng = random.Random(22)
    _write(tmp_path, "c.xlsx", random_values(rng, "丙局", 2024, error="slash"))
    s = collect([tmp_path / "c.xlsx"], tmp_path / "out", unit="某区, 政务办",
                district_email="zwgk@example.gov.cn", workers=1)
    msg = BytesParser(policy=policy.default).parsebytes(s.returns[0].read_bytes())
    (sender,) = msg["From"].addresses
    assert sender.display_name == "某区, 政务办" and sender.addr_spec == "zwgk@example.gov.cn"


@pytest.mark.parametrize("address", ["bad@@x", "没有at符号", "a b@example.cn", "x@"])
def test_bad_email_stops_before_any_work(tmp_path, capsys, address):
    rng = random.Random(23)
    _write(tmp_path, "c.xlsx", random_values(rng, "丙局", 2024, error="slash"))
    out = tmp_path / "out"
    code = main(["collect", str(tmp_path / "c.xlsx"), "-o", str(out), "--email", address])
    err = capsys.readouterr().err
    assert code == 2 and "--email" in err and "Traceback" not in err
    assert not out.exists()  # nothing started: no folder, no extracted files, no outputs


def test_long_chinese_member_and_unit_names(tmp_path):
    """A zip member named with 100 Chinese characters (300 bytes: more than Linux's 255) and a
    unit name as long: both are checked, the return copy is written under a shortened name."""
    rng = random.Random(24)
    long_unit = "某" * 100
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("长" * 100 + ".xlsx"),
                    build_workbook(random_values(rng, long_unit, 2024, error="slash")))
    archive = tmp_path / ("压缩包" * 25 + ".zip")  # 229 bytes: the folder name must be cut
    archive.write_bytes(buf.getvalue())
    s = collect([archive], tmp_path / "out", workers=1)
    (f,) = s.files
    assert f.status == "有错误" and f.unit == long_unit
    assert f.returned and Path(f.returned).exists() and f.draft and Path(f.draft).exists()
    for p in (Path(f.path), Path(f.returned), Path(f.draft)):
        assert len(p.name.encode("utf-8")) <= 200
        assert len(p.parent.name.encode("utf-8")) <= 200


def test_status_workbook_open_in_excel_stops_before_work(tmp_path, capsys):
    rng = random.Random(25)
    _write(tmp_path, "a.xlsx", random_values(rng, "甲局", 2024))
    out = tmp_path / "out"
    out.mkdir()
    (out / "汇总状态.xlsx").write_bytes(b"last run's")
    (out / "~$汇总状态.xlsx").write_bytes(b"\x00" * 165)  # Excel's owner file while it is open
    code = main(["collect", str(tmp_path / "a.xlsx"), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "汇总状态.xlsx" in err and "关闭" in err and "Traceback" not in err
    assert (out / "汇总状态.xlsx").read_bytes() == b"last run's" and not (out / "_收件").exists()


def test_status_workbook_opened_during_the_run_goes_elsewhere(tmp_path):
    """Opened in Excel while the batch ran: the batch's work is written under another name."""
    rng = random.Random(26)
    _write(tmp_path, "a.xlsx", random_values(rng, "甲局", 2024))
    out = tmp_path / "out"

    def open_in_excel(done: int, total: int) -> None:
        if done == total:
            (out / "~$汇总状态.xlsx").write_bytes(b"\x00" * 165)
    s = collect([tmp_path / "a.xlsx"], out, workers=1, progress=open_in_excel)
    assert not (out / "汇总状态.xlsx").exists()
    assert s.status_path.name.startswith("汇总状态_") and s.status_path.exists()
    assert any(s.status_path.name in n for n in s.notes)
    from openpyxl import load_workbook
    assert load_workbook(s.status_path, read_only=True)["报送状态"]["C4"].value == "通过"


def test_eml_attachment_over_the_size_limit(tmp_path, monkeypatch):
    import toolkit.collect.gather as gather_mod
    rng = random.Random(27)
    blob = build_workbook(random_values(rng, "甲局", 2024))
    monkeypatch.setattr(gather_mod, "MAX_FILE_BYTES", len(blob) - 1)  # not a 100 MB test file
    monkeypatch.setattr(gather_mod, "input_problem", lambda path, root=None: "")  # the .eml itself is read
    (tmp_path / "大.eml").write_bytes(_mail([("甲局.xlsx", blob)]))
    items = gather([tmp_path / "大.eml"], tmp_path / "out")
    (item,) = items
    assert "过大" in item.error and item.origin.endswith("甲局.xlsx")
    assert not list((tmp_path / "out").rglob("*.xlsx"))  # never written to disk


def test_eml_attachments_count_towards_the_e_mails_limit(tmp_path, monkeypatch):
    import toolkit.collect.gather as gather_mod
    rng = random.Random(28)
    blobs = [build_workbook(random_values(rng, u, 2024)) for u in ("甲局", "乙局")]
    monkeypatch.setattr(gather_mod, "MAX_ARCHIVE_BYTES", len(blobs[0]) + len(blobs[1]) // 2)
    (tmp_path / "两份.eml").write_bytes(_mail([("甲局.xlsx", blobs[0]), ("乙局.xlsx", blobs[1])]))
    first, second = gather([tmp_path / "两份.eml"], tmp_path / "out")
    assert not first.error and "总量超过" in second.error


def _three_with_errors(tmp_path: Path) -> list[Path]:
    rng = random.Random(29)
    return [_write(tmp_path, f"{u}.xlsx", random_values(rng, u, 2024, error="slash"))
            for u in ("甲局", "乙局", "丙局")]


def test_write_back_raising_inside_a_worker(tmp_path, monkeypatch):
    """Write-back failing unexpectedly (a bug, odd workbook XML) in the worker processes: each
    unit gets its own file back unchanged, with a note, and the batch completes."""
    import toolkit.writeback

    def broken(src, result):
        raise RuntimeError("write-back bug")
    monkeypatch.setattr(toolkit.writeback, "render_workbook_bytes", broken)  # inherited by fork
    files = _three_with_errors(tmp_path)
    s = collect(files, tmp_path / "out", workers=2)
    assert [f.status for f in s.files] == ["有错误"] * 3 and len(s.returns) == 3
    for src, f in zip(files, s.files):
        assert Path(f.returned).read_bytes() == src.read_bytes()
        assert "无法把校验结果写回" in f.returned_note
    data = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert all("写回" in f["returned_note"] for f in data["files"])


def test_a_dying_worker_loses_only_its_file(tmp_path, monkeypatch):
    """A worker killed on one file (as by the system for memory): that file is listed as not
    readable, every other file is checked."""
    import toolkit.source
    parent = os.getpid()
    real = toolkit.source.read_source
    files = _three_with_errors(tmp_path)
    files.append(_write(tmp_path, "丁局.xlsx", random_values(random.Random(30), "丁局", 2024)))

    def dies_on_yi(path):
        if os.getpid() != parent and Path(path).name == "乙局.xlsx":
            os._exit(9)
        return real(path)
    monkeypatch.setattr(toolkit.source, "read_source", dies_on_yi)  # inherited by fork
    s = collect(files, tmp_path / "out", workers=2)
    status = {Path(f.origin).name: (f.status, f.note) for f in s.files}
    assert status["乙局.xlsx"][0] == "无法读取" and "意外退出" in status["乙局.xlsx"][1]
    assert status["甲局.xlsx"][0] == status["丙局.xlsx"][0] == "有错误"
    assert status["丁局.xlsx"][0] == "通过" and s.summary_path is not None


def test_second_run_into_the_same_outdir_is_refused(tmp_path):
    from toolkit.collect.outdir import RunLock
    from toolkit.errors import UnusableFile
    rng = random.Random(31)
    _write(tmp_path, "a.xlsx", random_values(rng, "甲局", 2024))
    out = tmp_path / "out"
    out.mkdir()
    with RunLock(out):  # the first run, still going
        with pytest.raises(UnusableFile, match="另一个 nianbao collect"):
            collect([tmp_path / "a.xlsx"], out, workers=1)
    assert collect([tmp_path / "a.xlsx"], out, workers=1).exit_code == 0  # released after it


def _numbered(task):
    """A stand-in check for the pool's tests: dies on file 17, answers file 23 with what cannot be pickled."""
    if task.index == 17:
        os._exit(9)
    if task.index == 23:
        return lambda: None
    return task.index


def test_the_pool_answers_every_file_once_though_workers_die_and_results_fail(tmp_path):
    """Results travel a few at a time: a worker dying on one file loses only that file (the ones
    it had checked but not sent are checked again elsewhere), and a result that cannot be sent
    marks only its own file."""
    from toolkit.collect import batch
    tasks = [batch.Task(i, f"{i}.xlsx", f"{i}.xlsx", "", 0.0) for i in range(60)]
    out = batch.run(tasks, None, 2, func=_numbered, init=lambda setup: None,
                    died=lambda task, reason: (task.index, reason))
    assert sorted(r if isinstance(r, int) else r[0] for r in out) == list(range(60))
    assert {r for r in out if not isinstance(r, int)} == {(17, batch.WORKER_DIED), (23, batch.WORKER_DIED)}
