"""What the drafts say when the batch's year is unknown (no hole before 年, the year of the e-mail's
subject when it names one, reasons ending with 。), and a district's own e-mail template checked
before the batch: a misspelt variable and a syntax error are refused in Chinese, naming the line."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser

import pytest
from conftest import run_nianbao

from toolkit.collect import collect
from toolkit.errors import TemplateProblem


def _mail(subject: str, sender: str) -> bytes:
    return (f"From: {sender}\nTo: zwgk@moumou.gov.cn\nSubject: {subject}\nDate: Sun, 12 Jan 2025 10:00:00 +0800\n"
            f"Message-ID: <{abs(hash(subject))}@x>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
            "附件忘了\n").encode()


def _drafts(out) -> dict[str, object]:
    return {p.name: BytesParser(policy=policy.default).parse(open(p, "rb")) for p in (out / "退回").glob("*.eml")}


def test_resend_drafts_without_a_year_have_no_hole_and_end_their_reason(tmp_path):
    inbox = tmp_path / "收件"
    inbox.mkdir()
    (inbox / "xin.eml").write_bytes(_mail("辛街道年报（附件忘了）", "辛街道 <xin@moumou.gov.cn>"))
    (inbox / "ji.eml").write_bytes(_mail("己街道2024年年报", "己街道 <ji@moumou.gov.cn>"))
    s = collect([inbox], tmp_path / "out", workers=1)
    assert s.year is None
    drafts = _drafts(tmp_path / "out")
    xin = drafts["辛街道（请重新报送）.eml"]
    body = xin.get_body().get_content().replace("\r\n", "\n")
    assert "】辛街道年" not in str(xin["Subject"]) and "报送的年" not in body, (xin["Subject"], body)
    assert "【请重新报送】辛街道政府信息公开工作年度报告" in str(xin["Subject"])
    assert "（邮件没有附件）。\n" in body
    ji = drafts["己街道（请重新报送）.eml"]
    assert "己街道2024年政府信息公开工作年度报告" in str(ji["Subject"])


@pytest.mark.parametrize(("text", "said"), [
    ("主题：{{ unit }}\n{{ uint }}\n", "退回邮件模板中的变量“uint”不存在，是否应为“unit”"),
    ("主题：x\n{% for e in errors %}\n{{ e.message }}\n", "退回邮件模板第3行有错误：{% for %} 没有结束：缺少 {% endfor %}"),
    ("主题：x\n{% if errors %}a{% endfor %}\n", "{% endfor %} 放错了位置或写错了"),
])
def test_a_templates_typo_is_refused_in_chinese_before_the_batch(tmp_path, text, said):
    template = tmp_path / "模板.txt.j2"
    template.write_text(text, encoding="utf-8")
    (tmp_path / "收件").mkdir()
    proc = run_nianbao("collect", tmp_path / "收件", "-o", tmp_path / "out", "--template", template)
    assert proc.returncode == 2 and said in proc.stderr, proc.stderr
    assert "Jinja" not in proc.stderr and "Unexpected" not in proc.stderr


def test_a_district_reminder_template_with_a_misspelt_variable_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "催报邮件模板.txt.j2").write_text("主题：催报 {{ unit }}\n{{ distrct }}\n", encoding="utf-8")
    (tmp_path / "收件").mkdir()
    with pytest.raises(TemplateProblem, match="邮件模板中的变量“distrct”不存在，是否应为“district”"):
        collect([tmp_path / "收件"], out, workers=1)


def test_an_unfilled_workbooks_return_lists_a_few_blank_cells_per_table_and_counts_the_rest(tmp_path):
    from toolkit.workbook.build import build_workbook
    inbox = tmp_path / "收件"
    inbox.mkdir()
    (inbox / "空白.xlsx").write_bytes(build_workbook({"meta.unit": "空白街道", "meta.year": 2024}))
    s = collect([inbox], tmp_path / "out", workers=1)
    row = s.files[0]
    n_errors = row.n_errors
    msg = BytesParser(policy=policy.default).parse(open(row.draft, "rb"))
    body = msg.get_body().get_content().replace("\r\n", "\n")
    assert f"（{n_errors}处错误）" in str(msg["Subject"]) and f"有 {n_errors} 处错误" in body
    numbered = [line for line in body.splitlines() if line[:1].isdigit()]
    assert len(numbered) < 40, len(numbered)
    assert any("表三另有" in line and "个单元格未填写" in line for line in numbered), body


@pytest.mark.parametrize("command", ["collect", "audit"])
def test_a_mistyped_previous_is_refused_before_any_work(tmp_path, command):
    (tmp_path / "收件").mkdir()
    proc = run_nianbao(command, tmp_path / "收件", "-o", tmp_path / "out", "--previous", tmp_path / "去年.xlsx")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "上年数据无法读取" in proc.stderr and "去年.xlsx：找不到文件" in proc.stderr
    assert not (tmp_path / "out").exists()
