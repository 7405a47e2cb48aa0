"""collect's edges: untrusted names from archives and e-mails, last year's data matched by unit,
exit codes, the progress display, the district's own e-mail template."""

from __future__ import annotations

import email.message
import io
import json
import random
import zipfile
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.collect import collect
from toolkit.collect.gather import attachment_name, gather, safe_name, zip_member_name
from toolkit.collect.progress import Progress
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
    ("长" * 300 + ".xlsx", "长" * 115 + ".xlsx"),
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
