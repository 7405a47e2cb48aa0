"""Every rule fires on a seeded mistake, through both the workbook and the JSON path, with the
right cell, keys, expected and found values; none fires on the bundled sample; the sample is the
published report; docs/rules.md is generated from the catalogue."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import REFERENCE, shared_text
from toolkit import spec
from toolkit.app import new_workbook, read_report
from toolkit.ooxml.cells import CellPos
from toolkit.rules import RULE_BY_ID, CheckResult, check
from toolkit.rules.engine import place
from toolkit.workbook import layout

from wbedit import patch_part, set_cells, sheet_part

ROOT = Path(__file__).resolve().parent.parent
POS = layout.positions()


def sample_inputs() -> dict[str, object]:
    from toolkit.sample import sample_data
    return {k: v for k, v in sample_data().items() if k in spec.INPUT_KEYS}


def write_json(path: Path, data: dict[str, object]) -> Path:
    path.write_text(json.dumps({"format": spec.FORMAT_ID, **data}, ensure_ascii=False), encoding="utf-8")
    return path


def from_json(path: Path, changes: dict[str, object]):
    """The sample's inputs with ``changes``: totals not given are computed, like a workbook's."""
    return read_report(write_json(path, {**sample_inputs(), **changes}))


def from_workbook(path: Path, changes: dict[str, object]):
    """The sample as a workbook: changed inputs filled by ``new --data``, changed totals typed
    over their formulas afterwards (with openpyxl), as a user overwriting a total would."""
    inputs = {k: v for k, v in changes.items() if k in spec.INPUT_KEYS}
    totals = {k: v for k, v in changes.items() if k in spec.COMPUTED_KEYS}
    book = new_workbook(path, data={**sample_inputs(), **inputs})
    if totals:
        set_cells(book, book, totals)
    return read_report(book)


@dataclass
class Case:
    rule: str
    changes: dict[str, object]
    focus: str  # the key the finding points at
    expected: object
    found: object
    keys: tuple[str, ...] = ()  # keys the finding must involve (besides focus)
    previous: dict[str, object] | None = None  # last year's changes to the sample
    parts: list[dict[str, object]] = field(default_factory=list)
    words: tuple[str, ...] = ()  # in the message
    line: tuple[str, CellPos] | None = None  # (row label, cell) of a check line the finding points at instead


SAMPLE_NEW = 5  # the sample's t3.new.natural (= t3.total.natural = t3.total.total)
# Last year's section 五, other than this year's: a previous year whose text is the sample's own
# would add a W8 (copied from last year) that the case is not about.
LAST_YEAR_PROBLEMS = "上年依申请公开答复文书格式不统一，已制定答复文书模板并组织业务培训。"
# Last year's whole text, other than this year's (W8 compares the whole text too).
LAST_YEAR_TEXT = {key: f"{spec.TEXT_LABELS[key]}：上年按区里的部署推进第{i}项工作，情况另见附件。"
                  for i, key in enumerate(spec.TEXT_KEYS)} | {"text.problems": LAST_YEAR_PROBLEMS}

CASES = [
    Case("E1", {"t3.new.natural": "/"}, "t3.new.natural", "数字", "/", words=("“/”", "自然人")),
    Case("E1", {"t3.denied_law.legal": "5件"}, "t3.denied_law.legal", "数字", "5件",
         words=("5件", "应只填写阿拉伯数字5")),
    Case("E1", {"t2.penalty.decisions": "无"}, "t2.penalty.decisions", "数字", "无", words=("行政处罚",)),
    Case("E1", {"t4.review.upheld": None}, "t4.review.upheld", "数字", "空白", words=("未填写",)),
    Case("E2", {"t3.carried_over.research": -1}, "t3.carried_over.research", "≥0的整数", "-1"),
    Case("E2", {"t3.carried_over.research": 1.5}, "t3.carried_over.research", "≥0的整数", "1.5"),
    Case("E2", {"t2.fees.amount": 0.12345}, "t2.fees.amount", "≥0", "0.12345", words=("4位小数",)),
    # E3 points at the column's 勾稽关系 line under the table, not at 结转下年度 (which units would then
    # "fix" alone), and names all four figures
    Case("E3", {"t3.carry_forward.natural": 1}, "t3.carry_forward.natural", SAMPLE_NEW + 1, SAMPLE_NEW,
         keys=("t3.new.natural", "t3.carried_over.natural", "t3.total.natural"),
         words=("自然人", "勾稽关系", "相差1", "一、本年新收", "二、上年结转", "（七）总计", "四、结转下年度", "逐一核对"),
         line=(layout.T3_CHECK_LABEL, layout.t3_check_cells()["natural"][1])),
    Case("E4", {"t3.total.natural": SAMPLE_NEW + 1}, "t3.total.natural", SAMPLE_NEW, SAMPLE_NEW + 1,
         keys=("t3.granted.natural", "t3.other_other.natural"), words=("（七）总计", "21项之和")),
    Case("E5", {"t3.new.total": SAMPLE_NEW + 2}, "t3.new.total", SAMPLE_NEW, SAMPLE_NEW + 2,
         keys=tuple(f"t3.new.{c}" for c in spec.T3_APPLICANT_COLUMNS), words=("一、本年新收",)),
    Case("E6", {"t4.review.total": 1}, "t4.review.total", 0, 1,
         keys=("t4.review.upheld", "t4.review.pending"), words=("行政复议",)),
    Case("E7", {"text.proactive": ""}, "text.proactive", "必填", "空白", words=("（一）主动公开情况",)),
    Case("E7", {"meta.unit": None}, "meta.unit", "必填", "空白", words=("机关名称",)),
    Case("E7", {"meta.year": "二〇二二年"}, "meta.year", "报告年度应为2021年起的四位数字年份，如2024", "二〇二二年"),
    Case("W1", {}, "t3.carried_over.natural", 1, 0,
         previous={"t3.carry_forward.natural": 1, **LAST_YEAR_TEXT}, words=("上年",)),
    Case("W2", {}, "t2.normative.in_force", 3, 0,
         previous={"t2.normative.in_force": 3, **LAST_YEAR_TEXT},
         keys=("t2.normative.issued", "t2.normative.repealed"),
         words=("：不符合“现行有效件数等于上年现行有效件数加本年制发、减本年废止”。",)),
    Case("W3", {"t2.rules.issued": 1}, "t2.rules.issued", 0, 1, keys=("meta.unit_level",),
         words=("规章", "乡镇、街道")),
    # a city's bureau is a 部门 too: the message names no level ("县级以下") it may not be
    Case("W3", {"t2.rules.issued": 1, "meta.unit": "某某市教育局", "meta.unit_level": "部门"}, "t2.rules.issued",
         0, 1, keys=("meta.unit_level",), words=("地方政府的工作部门没有规章制定权", "国务院部门")),
    Case("W4", {"t2.fees.amount": 5000}, "t2.fees.amount", "0.5（若原数为元）", 5000, words=("万元",)),
    Case("W4", {"t2.fees.amount": 350, "text.other": "本年收取信息处理费350元。"}, "t2.fees.amount",
         "0.035（若原数为元）", 350, words=("350元",)),
    Case("W5", {"text.on_request": "我街道依法办结依申请公开信息6件。"}, "text.on_request", SAMPLE_NEW, 6,
         keys=("t3.total.total",), words=("办结依申请公开信息6件",)),
    Case("W5", {"text.on_request": "本年收到政府信息公开申请7件，均已办结。"}, "text.on_request",
         SAMPLE_NEW, 7, keys=("t3.new.total",)),
    Case("W5", {"text.on_request": "办结5件，因政府信息公开引起的行政复议2件。"}, "text.on_request", 0, 2,
         keys=("t4.review.total",)),
    Case("W5", {"text.proactive": "主动公开政府信息220条，其中政策文件11条、工作信息101条。"},
         "text.proactive", 220, 112, words=("112",)),
    Case("W6", {"t3.other_no_correction.natural": 1, "t3.other_no_fee.natural": 1,
                "text.other": "无其他需要报告的事项。"}, "text.other", "说明信息处理费收取情况", "未提及",
         keys=("t3.other_no_fee.total",)),
    Case("W7", {"text.overview": "本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。"},
         "text.overview", 2022, 2021, keys=("meta.year",), words=("2021",)),
    Case("W7", {"text.proactive": "2021年度，我街道主动公开政府信息220条。"}, "text.proactive", 2022, 2021),
    Case("W8", {"text.problems": "无"}, "text.problems", "问题及改进情况", "无"),
    Case("W8", {}, "text.problems", "本年内容", "与上年100%相同", previous={}),
    Case("W8", {"text.problems": LAST_YEAR_PROBLEMS}, "text.overview", "重复率低于50%", "与上年96%相同",
         previous={}, words=("96%", "8字片段")),
    Case("W9", {}, "t3.new.natural", 2 * SAMPLE_NEW, SAMPLE_NEW, parts=[{}, {}]),
    Case("W10", {"t4.review.corrected": 1, "text.on_request": "本年度发生行政复议1件，均获维持。"},
         "text.on_request", "与“均获维持”相符", "表四「行政复议」的「结果纠正」为1", keys=("t4.review.corrected",)),
    Case("W10", {"t3.new.natural": SAMPLE_NEW + 1, "t3.carry_forward.natural": 1,
                 "text.on_request": f"本年度收到申请{SAMPLE_NEW + 1}件，已全部办结。"},
         "text.on_request", 0, 1, keys=("t3.carry_forward.total",), words=("全部办结", "结转下年度")),
    Case("W10", {"t4.suit_direct.pending": 1, "text.on_request": "本年度未发生因政府信息公开引起的行政复议、行政诉讼。"},
         "text.on_request", 0, 1, keys=("t4.suit_direct.total",)),
    Case("W11", {"meta.date": "2023-03-15"}, "meta.date", "不晚于2023年1月31日", "2023-03-15",
         keys=("meta.unit_level",), words=("2023年3月15日", "乡镇街道")),
    Case("W12", {"t2.penalty.decisions": 60}, "t2.penalty.decisions", "与上年11相近", 60,
         previous={"t2.penalty.decisions": 11, **LAST_YEAR_TEXT}, words=("5.5倍",)),
]


def case_id(case: Case) -> str:
    return f"{case.rule}-{case.focus}-{case.found}"


def run(kind: str, tmp_path: Path, case: Case) -> CheckResult:
    load = from_workbook if kind == "workbook" else from_json
    report = load(tmp_path / f"this.{'xlsx' if kind == 'workbook' else 'json'}", case.changes)
    previous = None
    if case.previous is not None:
        previous = load(tmp_path / f"previous.{'xlsx' if kind == 'workbook' else 'json'}", case.previous)
    parts = [load(tmp_path / f"part{i}.{'xlsx' if kind == 'workbook' else 'json'}", p)
             for i, p in enumerate(case.parts)]
    return check(report, previous, parts or None)


@pytest.mark.parametrize("kind", ["workbook", "json"])
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_rule_fires_on_seeded_mistake(tmp_path, case, kind):
    result = run(kind, tmp_path, case)
    cell = case.line[1] if case.line else POS[case.focus]
    mine = [f for f in result.findings if f.rule == case.rule and f.cell == (
        cell if kind == "workbook" else None) and f.keys and (case.focus in f.keys)]
    assert mine, [f.to_dict() for f in result.findings]
    # the case's own finding where one rule gives two with the same found (W8: 存在的主要问题, and all text)
    f = next((f for f in mine if (f.found, f.expected) == (case.found, case.expected)),
             next((f for f in mine if f.found == case.found), mine[0]))
    rule = RULE_BY_ID[case.rule]
    assert f.severity == rule.severity
    assert (f.expected, f.found) == (case.expected, case.found)
    assert set(case.keys) <= set(f.keys)
    if kind == "workbook":
        assert f.cells == tuple(POS[k] for k in f.keys if k in POS)
    else:
        assert f.cells == ()
    table, row, column = place(case.focus)
    assert f.table == table and f.row == (case.line[0] if case.line else row)
    if column and case.rule != "W5":
        assert f.column == column
    for word in case.words:
        assert word in f.message, f.message
    assert re.search(r"[\u4e00-\u9fff]", f.message)
    # the mistake is reported, and nothing unrelated is: every finding involves a changed key or
    # a key that sums/compares it
    assert result.passed == (rule.severity == "warning" and not result.errors)
    related = involved(seeded_keys(case))
    unrelated = [f.to_dict() for f in result.findings if not related & set(f.keys)]
    assert not unrelated, unrelated


def seeded_keys(case: Case) -> set[str]:
    """The keys a case changes or names: its changes, focus and keys; for a summary (parts), every
    number whose units' sum differs from the sample's own value."""
    keys = {*case.changes, case.focus, *case.keys}
    if case.parts:
        sample = sample_inputs()
        keys |= {k for k in spec.NUMBER_KEYS if k in sample
                 and sum(p.get(k, sample[k]) for p in case.parts) != sample[k]}
    return keys


def involved(keys: set[str]) -> set[str]:
    """``keys`` and every total that sums any of them, however indirectly (spec computed_from)."""
    out = set(keys)
    while more := {k for k in spec.COMPUTED_KEYS
                   if k not in out and out & set(spec.FIELDS[k].computed_from)}:
        out |= more
    return out


def test_involved_follows_the_sums():
    assert involved({"t3.new.natural"}) == {"t3.new.natural", "t3.new.total"}
    assert "t3.total.total" in involved({"t3.granted.natural"})  # via t3.total.natural
    assert involved({"text.other"}) == {"text.other"}


@pytest.mark.parametrize("key, labels", [
    ("meta.unit", ("基本信息", "机关名称", "")),
    ("text.proactive", ("正文", "（一）主动公开情况", "")),
    ("t2.normative.in_force", ("表二", "行政规范性文件", "现行有效件数")),
    ("t3.new.natural", ("表三", "一、本年新收政府信息公开申请数量", "自然人")),
    ("t3.denied_law.legal", ("表三", "（三）不予公开·2.其他法律行政法规禁止公开", "法律服务机构")),
    ("t3.total.total", ("表三", "（七）总计", "总计")),
    ("t4.review.upheld", ("表四", "行政复议", "结果维持")),
])
def test_place_names_table_row_and_column(key, labels):
    """Where a finding says it is: the labels a user sees (FORMAT.md), spelled out here."""
    assert place(key) == labels


def test_every_rule_has_a_case():
    # E8 needs a workbook: the tests below (and test_bad_inputs.py for refused templates); W13 a
    # batch: test_import.py (audit) and test_district.py (collect)
    assert {c.rule for c in CASES} | {"E8", "W13"} == set(RULE_BY_ID)


def test_overwritten_total_is_e8_in_a_workbook(tmp_path):
    result = run("workbook", tmp_path, Case("E4", {"t3.total.natural": 6}, "t3.total.natural", 5, 6))
    e8 = [f for f in result.findings if f.rule == "E8"]
    assert [f.keys for f in e8] == [("t3.total.natural",)]
    assert e8[0].cell == POS["t3.total.natural"] and "公式被删除" in e8[0].message
    assert "6" in str(e8[0].found)


def test_changed_formula_is_e8(tmp_path):
    book = new_workbook(tmp_path / "f.xlsx", data=sample_inputs())
    set_cells(book, book, {"t3.new.total": "=SUM(D7:H7)"})  # the 其他 column left out
    result = check(read_report(book))
    e8 = [f for f in result.findings if f.rule == "E8"]
    assert len(e8) == 1 and "=SUM(D7:H7)" in e8[0].message and e8[0].keys == ("t3.new.total",)


def test_several_broken_totals_are_one_e8_naming_each_cell(tmp_path):
    """Two totals of 表三 whose formulas were replaced: one E8 whose text names both cells (the
    console line shows one cell; a reader must not have to open the JSON for the other)."""
    book = new_workbook(tmp_path / "f.xlsx", data=sample_inputs())
    set_cells(book, book, {"t3.new.total": "=SUM(D7:H7)", "t3.carry_forward.total": "=1+1"})
    [e8] = [f for f in check(read_report(book)).findings if f.rule == "E8"]
    assert set(e8.keys) == {"t3.new.total", "t3.carry_forward.total"}
    assert f"表三有2个合计单元格（{POS['t3.new.total'].a1}、{POS['t3.carry_forward.total'].a1}）的公式" in e8.message


def test_cached_total_that_disagrees_is_an_e8_warning(tmp_path):
    """A total whose formula is intact but whose saved result differs (the file was saved without
    recalculating): never trusted, told as a warning; the formula decides E8's errors."""
    book = new_workbook(tmp_path / "c.xlsx", data=sample_inputs())
    p = POS["t3.new.total"]
    part = sheet_part(book, p.sheet)

    def change(xml: bytes) -> bytes:
        text = xml.decode()
        m = re.search(rf'<c r="{p.a1}"[^>]*><f>[^<]*</f><v>5</v></c>', text)
        assert m, "cached total not found"
        return text.replace(m.group(0), m.group(0).replace("<v>5</v>", "<v>9</v>")).encode()

    patch_part(book, book, part, change)
    report = read_report(book)
    assert report.values["t3.new.total"] == 5  # computed from the inputs
    e8 = [f for f in check(report).findings if f.rule == "E8"]
    assert len(e8) == 1 and e8[0].keys == ("t3.new.total",) and "9" in e8[0].message
    assert e8[0].severity == "warning" and check(report).passed


def test_blank_zero_and_text_stay_distinct(tmp_path):
    book = new_workbook(tmp_path / "d.xlsx", data={**sample_inputs(), "t3.granted.business": None,
                                                   "t3.granted.research": "0件"})
    report = read_report(book)
    assert report.values["t3.granted.natural"] == 0 and "t3.granted.natural" not in report.problems
    assert report.problems["t3.granted.business"].kind == "blank"
    assert report.problems["t3.granted.research"].kind == "text"
    # an unknown input makes its totals unknown rather than wrongly summed
    assert report.values["t3.granted.total"] is None and report.values["t3.total.business"] is None
    rules = {f.rule for f in check(report).findings}
    assert rules == {"E1"}


@pytest.mark.parametrize("kind", ["workbook", "json"])
def test_sample_is_clean(tmp_path, kind, sample):
    load = from_workbook if kind == "workbook" else from_json
    report = load(tmp_path / f"s.{'xlsx' if kind == 'workbook' else 'json'}", {})
    result = check(report)
    assert result.findings == []
    assert result.passed


def test_bundled_sample_file_checks_clean():
    from toolkit.app import check_file
    from toolkit.sample import SAMPLE_FILE
    result = check_file(ROOT / "toolkit" / "sample" / SAMPLE_FILE)
    assert result.findings == []


def test_fee_text_silences_w6(tmp_path):
    """The sample's section 六 names 信息处理费: no W6 even with an unpaid-fee case."""
    result = run("json", tmp_path, Case("W6", {"t3.other_no_correction.natural": 1,
                                               "t3.other_no_fee.natural": 1}, "", 0, 0))
    assert result.findings == []


# --- the sample is the published report -----------------------------------------------------

def _numbers_after(lines: list[str], label: str, start: int, count: int) -> list[int]:
    i = lines.index(label, start)
    out = []
    for line in lines[i + 1:]:
        if re.fullmatch(r"\d+(\.\d+)?", line):
            out.append(float(line) if "." in line else int(line))
            if len(out) == count:
                return out
        elif line and out:
            break
    raise AssertionError(f"{label}: {out}")


def test_sample_equals_the_reference_report(sample):
    text = shared_text(REFERENCE).replace("[bookmark: _GoBack]", "")
    lines = [line.strip() for line in text.splitlines()]
    assert lines[0].startswith(sample["meta.unit"] + str(sample["meta.year"]))
    t2 = lines.index(spec.SECTIONS[1].heading)
    for _, columns, rows in spec.T2_BLOCKS:
        for row_key, label in rows:
            got = _numbers_after(lines, label, t2, len(columns))
            assert got == [sample[f"t2.{row_key}.{c}"] for c, _ in columns], label
    t3 = lines.index(spec.SECTIONS[2].heading)
    for row_key, label in spec.T3_ROWS:
        got = _numbers_after(lines, label, t3, 7)
        assert got == [sample[f"t3.{row_key}.{c}"] for c, _ in spec.T3_COLUMNS], label
    t4 = lines.index(spec.SECTIONS[3].heading)
    numbers = [int(x) for x in lines[t4:lines.index(spec.SECTIONS[4].heading)] if x.isdigit()]
    assert numbers == [sample[f"t4.{g}.{c}"] for g, _ in spec.T4_GROUPS for c, _ in spec.T4_COLUMNS]
    # every text part, verbatim (each paragraph of it)
    flat = "\n".join(lines)
    for part in spec.TEXT_PARTS:
        for paragraph in sample[part.key].split("\n"):
            assert paragraph.strip() in flat, (part.key, paragraph[:30])
    for part in spec.TEXT_PARTS:
        if part.heading:
            assert part.heading + "。" + sample[part.key].split("\n")[0] in flat


# --- the generated rules document ---------------------------------------------------------

def test_rules_document_is_in_sync():
    from toolkit.docs import rules_markdown
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert doc == rules_markdown(), "docs/rules.md is out of date: run python scripts/gen_docs.py"
    for rule in RULE_BY_ID.values():
        assert f"| {rule.id} |" in doc and rule.title in doc
