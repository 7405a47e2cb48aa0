"""The district's year (issue 14): a roster of who must report, drafts addressed to the right
units, names written with a region prefix, an e-mail without a workbook, the newest copy by the
e-mail's date. Real workbooks, real .eml files, drafts parsed back with the email package."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import openpyxl
import pytest
from conftest import run_nianbao

from toolkit.collect import roster
from toolkit.collect.samplebatch import random_values, with_saved_at
from toolkit.errors import BadData
from toolkit.source import read_report
from toolkit.word.build import render_report
from toolkit.workbook.build import build_workbook

YEAR = 2024
DISTRICT = "某某区人民政府办公室"
PROBLEMS = ("一是政府信息公开工作的制度建设仍需加强，部分科室对条例的理解不够深入；二是主动公开的内容还不够全面，"
            "政策解读的形式比较单一；三是依申请公开的答复质量有待提高。下一步将加强业务培训，完善工作机制。")


def _mail(sender: str, name: str, subject: str, attachments: list[tuple[str, bytes]], date: str,
          msgid: str) -> bytes:
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = f"{name} <{sender}>"
    msg["To"] = "zwgk@example.gov.cn"
    msg["Subject"] = subject
    msg["Date"] = date
    msg["Message-ID"] = msgid
    msg.set_content("请查收。")
    for fname, data in attachments:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=fname)
    return msg.as_bytes()


def _parse(path: Path):
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


def _status(out: Path) -> list[dict]:
    wb = openpyxl.load_workbook(out / "汇总状态.xlsx", read_only=True)
    rows = list(wb["报送状态"].iter_rows(values_only=True))
    return [dict(zip(rows[2], r, strict=False)) for r in rows[3:]]


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    root = tmp_path_factory.mktemp("district")
    inbox = root / "收件箱"
    inbox.mkdir()
    rng = random.Random(14)
    good = random_values(rng, "甲街道办事处", YEAR)
    good["text.problems"] = PROBLEMS
    (inbox / "甲街道.xlsx").write_bytes(build_workbook(good))
    bad = random_values(rng, "乙局", YEAR, error="carry_forward")
    (inbox / "乙局来信.eml").write_bytes(_mail("yiju@other.cn", "乙局办公室", "乙局2024年报",
                                              [("乙局年报.xlsx", build_workbook(bad))],
                                              "Tue, 14 Jan 2025 10:00:00 +0800", "<yi-1@other.cn>"))
    prefixed = random_values(rng, "某某区城北街道办事处", YEAR)
    prefixed["text.problems"] = PROBLEMS  # the same section 五 as 甲街道
    (inbox / "城北.xlsx").write_bytes(build_workbook(prefixed))
    ding = root / "丁局.xlsx"
    ding.write_bytes(build_workbook(random_values(rng, "丁局", YEAR)))
    (inbox / "丁局来信.eml").write_bytes(_mail("dingju@example.gov.cn", "丁局", "年报", [
        ("丁局2024年政府信息公开工作年度报告.docx", render_report(read_report(ding)))],
        "Wed, 15 Jan 2025 09:00:00 +0800", "<ding-1@example.gov.cn>"))
    names = root / "单位名单.csv"
    names.write_text("单位名称,邮箱,级别,联系人\n甲街道办事处,jia@example.gov.cn,乡镇街道,张三\n"
                     "乙局,yi@example.gov.cn,部门,李四\n丙局,bing@example.gov.cn,部门,王五\n"
                     "城北街道办事处,chengbei@example.gov.cn,乡镇街道,赵六\n丁局,ding@example.gov.cn,部门,\n",
                     encoding="utf-8-sig")
    out = root / "out"
    proc = run_nianbao("collect", inbox, "-o", out, "--unit", DISTRICT, "--email", "zwgk@example.gov.cn",
                       "--roster", names, "--workers", "1")
    return proc, out, good, prefixed


def test_roster_batch_statuses(district):
    proc, out, *_ = district
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("共 4 个文件") and "未报送 1" in last, last  # 丙局 is a line, not a file
    rows = _status(out)
    by_unit = {r["单位"]: r for r in rows}
    assert by_unit["甲街道办事处"]["状态"] == "通过" and by_unit["甲街道办事处"]["名单"] == "名单内"
    assert by_unit["乙局"]["状态"] == "有错误"
    assert by_unit["丙局"]["状态"] == "未报送"
    assert by_unit["丙局"]["收件人"] == "bing@example.gov.cn"
    cb = by_unit["某某区城北街道办事处"]
    assert cb["状态"] == "通过" and "规范化" in cb["名单"] and "城北街道办事处" in cb["名单"]
    ding = by_unit["丁局"]  # its Word report imported and checked, not summed
    assert ding["状态"] == "仅报送Word" and "未计入汇总" in ding["主要问题"], ding
    assert ding["收件人"] == "ding@example.gov.cn"
    assert by_unit["乙局"]["日期依据"] == "邮件日期" and by_unit["乙局"]["日期"].startswith("2025-01-14")


def test_roster_drafts_addressed_from_the_roster(district):
    _, out, *_ = district
    drafts = {p.name: _parse(p) for p in (out / "退回").glob("*.eml")}
    reminder = drafts["丙局（催报）.eml"]
    assert reminder["To"].addresses[0].addr_spec == "bing@example.gov.cn"
    assert "催报" in str(reminder["Subject"]) and not list(reminder.iter_attachments())
    returned = drafts["乙局（退回通知）.eml"]
    assert returned["To"].addresses[0].addr_spec == "yi@example.gov.cn"  # the roster's, not the sender's
    att = list(returned.iter_attachments())[0]
    assert att.get_filename() == "乙局（退回修改）.xlsx"
    assert att["Content-Type"].params["name"] == "乙局（退回修改）.xlsx"
    raw = (out / "退回" / "乙局（退回通知）.eml").read_bytes()
    assert b"filename*" in raw and b'name="=?utf-8?b?' in raw.lower()
    resend = drafts["丁局（请重新报送）.eml"]
    assert resend["To"].addresses[0].addr_spec == "ding@example.gov.cn"
    body = resend.get_body().get_content()
    assert "docx" in body and "标准填报工作簿" in body
    assert len(drafts) == 3, sorted(drafts)


def test_prefixed_unit_summed_once(district):
    _, out, good, prefixed = district
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    passed = [f for f in data["files"] if f["status"] == "passed"]
    assert len(passed) == 2
    wb = openpyxl.load_workbook(out / "汇总数据.xlsx")
    summed = read_report(out / "汇总数据.xlsx").values
    wb.close()
    assert summed["t3.new.natural"] == good["t3.new.natural"] + prefixed["t3.new.natural"]


def test_outputs_pass_openxml_audit(district, tmp_path):
    _, out, *_ = district
    exe = shutil.which("openxml-audit")
    if not exe:
        pytest.skip("openxml-audit not installed")
    template = roster.write_template(tmp_path / "单位名单.xlsx")
    for path in (out / "汇总状态.xlsx", template):
        proc = subprocess.run([exe, str(path)], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_roster_template_reads_back(tmp_path):
    path = roster.write_template(tmp_path / "名单.xlsx")
    # its example rows are no units: the template as it comes is a roster without units
    with pytest.raises(BadData, match="只有模板中的示例行"):
        roster.load(path)
    proc = run_nianbao("roster-template", tmp_path / "名单.xlsx")
    assert proc.returncode == 2 and "已存在" in proc.stderr


def test_name_matching_rules():
    r = roster.Roster([roster.Entry("城北街道办事处", "a@x.cn"), roster.Entry("城南街道", "b@x.cn"),
                       roster.Entry("区市场监督管理局", "c@x.cn"), roster.Entry("城区街道", "d@x.cn"),
                       roster.Entry("某某区教育局", "e@x.cn"), roster.Entry("某某区卫生健康局", "f@x.cn")])
    r.prepare("某某市某某区人民政府")
    assert r.match("城北街道办事处").how == roster.EXACT
    assert r.match(" 城北街道 办事处 ").how == roster.EXACT
    m = r.match("某某区城北街道办事处")
    assert m.how == roster.NORMALISED and m.entry.name == "城北街道办事处"
    assert r.match("城北街道").entry.name == "城北街道办事处"  # the suffix
    assert r.match("ＸＸ城南街道").how == roster.OUTSIDE  # not a known region
    assert r.match("某某市某某区城南街道").entry.name == "城南街道"
    assert r.match("教育局").entry.name == "某某区教育局"  # a region shared by roster names
    assert r.match("市场监督管理局").how == roster.OUTSIDE
    assert r.match("").how == roster.OUTSIDE and r.match("办事处").how == roster.OUTSIDE
    twice = roster.Roster([roster.Entry("城北街道办事处"), roster.Entry("城北街道")]).prepare(None)
    assert twice.match("城北街道委员会").how == roster.AMBIGUOUS


def test_without_roster_drafts_reply_and_alike_names_are_held(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    rng = random.Random(7)
    a = random_values(rng, "城北街道办事处", YEAR, error="blank")
    (inbox / "城北.eml").write_bytes(_mail("cb@example.cn", "城北街道", "城北街道年报",
                                          [("年报.xlsx", build_workbook(a))],
                                          "Tue, 14 Jan 2025 10:00:00 +0800", "<cb-1@example.cn>"))
    b = random_values(rng, "某某区城北街道办事处", YEAR)
    (inbox / "城北2.xlsx").write_bytes(build_workbook(b))
    out = tmp_path / "out"
    proc = run_nianbao("collect", inbox, "-o", out, "--unit", "某某区政府", "--workers", "1")
    assert proc.returncode == 1
    rows = {r["单位"]: r for r in _status(out)}
    assert rows["某某区城北街道办事处"]["状态"] == "疑似同一单位", rows
    assert "--same" in rows["某某区城北街道办事处"]["主要问题"]
    assert not (out / "汇总数据.xlsx").exists()
    draft = _parse(next((out / "退回").glob("*（退回通知）.eml")))
    assert draft["To"].addresses[0].addr_spec == "cb@example.cn"
    assert draft["In-Reply-To"] == "<cb-1@example.cn>" and "<cb-1@example.cn>" in draft["References"]
    assert str(draft["Subject"]).startswith("回复：城北街道年报 【退回修改】城北街道办事处")
    proc = run_nianbao("collect", inbox, "-o", out, "--unit", "某某区政府", "--workers", "1",
                       "--same", "城北街道办事处=某某区城北街道办事处")
    rows = _status(out)
    assert sorted(r["状态"] for r in rows) in (["有错误", "被替代"], ["被替代", "通过"])


def test_email_date_decides_the_newest(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    rng = random.Random(9)
    first = with_saved_at(build_workbook(random_values(rng, "乙局", YEAR, error="slash")), "2025-01-10T08:00:00Z")
    fixed = with_saved_at(build_workbook(random_values(rng, "乙局", YEAR)), "2025-01-05T08:00:00Z")
    (inbox / "1.eml").write_bytes(_mail("y@x.cn", "乙局", "年报", [("年报.xlsx", first)],
                                        "Tue, 14 Jan 2025 10:00:00 +0800", "<1@x.cn>"))
    (inbox / "2.eml").write_bytes(_mail("y@x.cn", "乙局", "更正", [("年报.xlsx", fixed)],
                                        "Thu, 16 Jan 2025 10:00:00 +0800", "<2@x.cn>"))
    out = tmp_path / "out"
    proc = run_nianbao("collect", inbox, "-o", out, "--workers", "1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = {r["来源"].split(" › ")[0].rsplit("/", 1)[-1]: r for r in _status(out)}
    assert rows["2.eml"]["状态"] == "通过" and rows["1.eml"]["状态"] == "被替代"
    assert "邮件日期" in rows["1.eml"]["主要问题"]


def test_same_section_five_warned_on_both(district):
    _, out, *_ = district
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    w13 = {f["unit"]: [x for x in f["findings"] if x["rule"] == "W13"] for f in data["files"]}
    assert len(w13["甲街道办事处"]) == 1 and len(w13["某某区城北街道办事处"]) == 1
    assert "某某区城北街道办事处" in w13["甲街道办事处"][0]["message"]
    assert "甲街道办事处" in w13["某某区城北街道办事处"][0]["message"]
    assert "100%" in w13["甲街道办事处"][0]["message"] and "五、" in w13["甲街道办事处"][0]["message"]
    assert not w13["乙局"]  # the format's own opening words are not a copy


def test_boilerplate_is_not_a_copy():
    from toolkit.rules.copies import find_copies
    opening = ("根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和"
               "《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求，编制本报告。"
               "本报告所列数据的统计期限自2024年1月1日起至2024年12月31日止。")
    a = {"text.overview": opening + "本局全年主动公开文件一百二十件，办理申请十件，全部在法定期限内答复，"
                                    "未发生行政复议和行政诉讼，门户网站专栏更新及时，群众满意度较高。"}
    b = {"text.overview": opening + "本街道围绕基层政务公开标准化建设，更新公开目录，开展政府开放日活动。"}
    assert find_copies([(0, "a", a), (1, "b", b)], ["text.overview"]) == []
    c = find_copies([(0, "a", a), (1, "c", dict(a))], ["text.overview"])
    assert {(x.index, x.other) for x in c} == {(0, 1), (1, 0)}


def test_return_body_reads_naturally(district):
    _, out, *_ = district
    body = _parse(out / "退回" / "乙局（退回通知）.eml").get_body().get_content()
    assert "表三「" in body and "【表三】表三" not in body, body
    assert "“表三 依申请公开”工作表" in body and "'表三" not in body


def test_ambiguous_roster_match_is_held_not_summed(tmp_path):
    """A name that fits two roster units is neither merged into one nor summed as a unit of its
    own (exit 1); neither roster unit is reminded as if it had not reported. --same settles it."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    rng = random.Random(21)
    other = random_values(rng, "乙局", YEAR)
    alike = random_values(rng, "某某区城北街道", YEAR)
    (inbox / "乙局.xlsx").write_bytes(build_workbook(other))
    (inbox / "城北.xlsx").write_bytes(build_workbook(alike))
    names = tmp_path / "名单.csv"
    names.write_text("单位名称,邮箱\n乙局,yi@x.cn\n城北街道办事处,cb1@x.cn\n城北街道委员会,cb2@x.cn\n",
                     encoding="utf-8")
    out = tmp_path / "out"
    args = ("collect", inbox, "-o", out, "--unit", DISTRICT, "--roster", names, "--workers", "1")
    proc = run_nianbao(*args)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    rows = {r["单位"]: r for r in _status(out)}
    cb = rows["某某区城北街道"]
    assert cb["状态"] == "疑似同一单位" and "名单中有多个相近名称" in cb["名单"], cb
    assert "未计入汇总" in cb["主要问题"] and "--same" in cb["主要问题"]
    for name in ("城北街道办事处", "城北街道委员会"):
        assert rows[name]["状态"] == "未报送" and "无法确定" in rows[name]["主要问题"], rows[name]
    assert not list((out / "退回").glob("城北*（催报）.eml"))
    summed = read_report(out / "汇总数据.xlsx").values
    assert summed["t3.new.natural"] == other["t3.new.natural"]  # 乙局 alone
    proc = run_nianbao(*args, "--same", "城北街道办事处=某某区城北街道")
    assert proc.returncode == 1  # 城北街道委员会 has still not reported
    rows = {r["单位"]: r for r in _status(out)}
    assert rows["某某区城北街道"]["状态"] == "通过" and "--same" in rows["某某区城北街道"]["名单"]
    assert "城北街道办事处" not in rows and rows["城北街道委员会"]["状态"] == "未报送"
    assert (out / "退回" / "城北街道委员会（催报）.eml").exists()
    summed = read_report(out / "汇总数据.xlsx").values
    assert summed["t3.new.natural"] == other["t3.new.natural"] + alike["t3.new.natural"]


def test_copies_across_units_are_in_the_return_drafts(tmp_path):
    """W13 is found after the workers made the drafts: a unit returned for errors is told too."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    rng = random.Random(5)
    for name in ("甲局", "乙局"):
        v = random_values(rng, name, YEAR, error="blank")
        v["text.problems"] = PROBLEMS
        (inbox / f"{name}.xlsx").write_bytes(build_workbook(v))
    out = tmp_path / "out"
    proc = run_nianbao("collect", inbox, "-o", out, "--workers", "1")
    assert proc.returncode == 1
    for me, other in (("甲局", "乙局"), ("乙局", "甲局")):
        body = _parse(out / "退回" / f"{me}（退回通知）.eml").get_body().get_content()
        assert "请核实的提示" in body and f"与“{other}”的报告" in body and "100%" in body, body
