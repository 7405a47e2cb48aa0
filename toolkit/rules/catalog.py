"""The rules of FORMAT.md, one entry each. Adding a rule is adding an entry to ``RULES``.

``docs/rules.md`` is generated from this list (``python scripts/gen_docs.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from .. import spec
from ..lazyre import lazy
from ..numerals import ONE_TO_TEN, YEAR_DIGITS, chinese_to_int, year_number
from ..ooxml.cells import CellPos
from ..report import FORMULA_DELETED
from ..values import BLANK, Problem
from ..workbook import layout
from . import text as textcheck
from . import textrules
from .engine import CheckRule, Context, Finding, Rule, SumRule, finding, fmt_number

T3_COLS = tuple(c for c, _ in spec.T3_COLUMNS)
T3_ROW_KEYS = tuple(r for r, _ in spec.T3_ROWS)
T4_GROUP_KEYS = tuple(g for g, _ in spec.T4_GROUPS)


# --- cell rules ---------------------------------------------------------------------------------

def _balance_line(ctx: Context, column: str) -> tuple[str, CellPos | None]:
    """E3's place: the column's 勾稽关系 line under table 三 (the workbook checks the balance
    there), not 结转下年度, which units would otherwise "fix" alone."""
    carry_forward = ctx.report.cells.get(f"t3.carry_forward.{column}")
    if carry_forward is None:  # JSON data, a document: no cells
        return layout.T3_CHECK_LABEL, None
    return layout.T3_CHECK_LABEL, layout.t3_verdict_at(column, carry_forward)


def _cell_problems(rule: CheckRule, ctx: Context) -> Iterable[Finding]:
    """E1/E2: each number cell's problem (blank, placeholder, text, date, formula, negative...).

    A number typed as text (full-width digits, spaces around it) counts as that number, but
    the workbook's own SUM formulas skip text, so the sheet would show other totals than the
    report: E1 says so as a warning."""
    if rule.id == "E1":
        raw_values = ctx.report.raw
        for key in spec.NUMBER_KEYS:
            raw = raw_values.get(key)
            if not isinstance(raw, str):
                continue
            value = ctx.value(key)
            if value is not None:
                fix = ("JSON 数据中数字不加引号" if ctx.report.origin == "json" else
                       f"但工作簿中的合计公式不计文字，请删除后重新输入数字{fmt_number(value)}"
                       "（半角数字，前后不加空格），表中的合计就会计入它")
                yield finding(ctx, rule, f"{spec.describe(key)}填写的“{raw}”是文字，已按数字"
                                         f"{fmt_number(value)}校验；{fix}。", (key,),
                              expected=value, found=raw, severity="warning")
    unprinted = _collapsed_other(ctx) if rule.id == "E1" else frozenset()
    for key, problem in ctx.report.problems.items():
        if problem.rule != rule.id or not spec.FIELDS[key].is_number:
            continue
        if key in unprinted and problem.kind == "blank":
            continue
        what = "未填写" if problem.kind == "blank" else f"填写了“{problem.found}”"
        yield finding(ctx, rule, f"{spec.describe(key)}{what}：{problem.hint}。", (key,),
                      expected=_expected(rule, problem, spec.FIELDS[key]),
                      found=problem.found)


OTHER_ROWS = tuple(key for group, key, _ in spec.T3_RESULT_ROWS
                   if group == next(g for g, k, _ in spec.T3_RESULT_ROWS if k == "other_other"))


def _collapsed_other(ctx: Context) -> frozenset[str]:
    """The cells of （六）其他处理's first sub-rows where a published report printed （六） as one
    row, as real 2023 and 2024 reports do (FORMAT.md: read into 3.其他, the others left blank):
    a document, or the JSON imported from one, whose 3.其他 has numbers and whose other sub-rows
    are blank throughout. Those cells were never printed: no E1 for each (the import says so
    once). A workbook has the three rows to fill, so its blanks are told."""
    if ctx.report.origin == "workbook":
        return frozenset()
    *firsts, last = OTHER_ROWS
    raw = ctx.report.raw

    def blank(key: str) -> bool:
        v = raw.get(key)
        return v is None or isinstance(v, str) and not v.strip()

    cells = frozenset(f"t3.{row}.{col}" for row in firsts for col in T3_COLS)
    if all(blank(k) for k in cells) and not all(blank(f"t3.{last}.{col}") for col in T3_COLS):
        return cells
    return frozenset()


def _expected(rule: CheckRule, problem: Problem, field: spec.Field) -> str:
    if rule.id == "E1":
        return "数字"
    if problem.kind == "range":
        return f"不超过{spec.EXACT_DIGITS}位数字"
    return "≥0" + ("的整数" if field.kind == "int" else "")


def _required(rule: CheckRule, ctx: Context) -> Iterable[Finding]:
    """E7: metadata and text parts that must be filled; metadata that is not valid."""
    for f in spec.META:
        problem = ctx.report.problems.get(f.key)
        if problem:
            yield finding(ctx, rule, f"基本信息「{f.label}」填写了“{problem.found}”：{problem.hint}。",
                          (f.key,), expected=problem.hint, found=problem.found)
        elif f.required and ctx.value(f.key) is None:
            yield finding(ctx, rule, f"基本信息「{f.label}」未填写：此项必填。", (f.key,),
                          expected="必填", found=BLANK)
    for part in spec.TEXT_PARTS:
        value = ctx.value(part.key)
        if part.required and not ctx.texts_later and (value is None or not str(value).strip()):
            yield finding(ctx, rule, f"正文「{spec.TEXT_LABELS[part.key]}」未填写：此部分必须有内容。",
                          (part.key,), expected="必填", found=BLANK)
    if ctx.report.sections is not None:  # an imported report: all six sections, in order
        for section in spec.SECTIONS:
            if section.number not in ctx.report.sections:
                keys = list(spec.section_keys(section.number)) or \
                    [c.key for c in spec.TABLE_BY_ID[section.content].value_cells]
                yield finding(ctx, rule, f"报告中没有找到章节标题「{section.heading}」（或不在应有的位置）："
                              "六个章节都应有，并按顺序排列。", keys[:1], row=section.heading, column="",
                              expected=section.heading, found="没有")


def _move_data(ctx: Context) -> str:
    """How a unit gets its numbers into a fresh template without retyping them (tester's G21):
    export reads them by their names, new --data writes them into the template's cells."""
    name = PurePath(ctx.report.source).name or "本工作簿.xlsx"
    stem = PurePath(name).stem
    return (f"不必重新录入：nianbao export {name} -o {stem}.json，再 nianbao new {stem}（新）.xlsx --data "
            f"{stem}.json，已填的数据自动转入新模板（合计与各项之和不一致时会列出，改正即可）")


_CELLS_NAMED = 6  # cells an E8 for several broken totals names in its text (all are marked)


def _broken_totals(rule: CheckRule, ctx: Context, table: str, keys: list[str]) -> Finding:
    """E8 for the totals of one table whose formulas were deleted or changed: one finding naming
    them all (a table pasted as values has dozens), every cell marked; when each number left
    there is still the sum of its items, the data are sound and moving them loses nothing."""
    what = ctx.report.broken_formulas
    key = keys[0]
    if len(keys) == 1:
        return finding(ctx, rule, f"{spec.describe(key)}是自动计算的合计单元格，但{what[key]}："
                                  f"请撤销改动、恢复合计公式，或把数据转到新模板（{_move_data(ctx)}）。", (key,),
                       expected="模板公式", found=what[key])
    numbers = all(what[k].startswith(FORMULA_DELETED) and ctx.number(k) is not None for k in keys)
    change = "被替换为数字" if numbers else "被删除或改动"
    sums = [ctx.value(k) == _sum_of_items(ctx, k) for k in keys]
    sound = ("这些数字都等于各项之和，数据本身没有问题；" if all(sums) else "")
    # every cell named where they are few; a table pasted as values lists its first ones
    cells = [ctx.report.cells[k].a1 for k in keys if k in ctx.report.cells]
    shown = "、".join(cells[:_CELLS_NAMED]) + ("等" if len(cells) > _CELLS_NAMED else "")
    where = f"（{shown}）" if shown else ""
    return finding(ctx, rule, f"{table}有{len(keys)}个合计单元格{where}的公式{change}"
                              f"（如{spec.describe(key)}：{what[key]}）：合计应是模板的公式。{sound}请撤销改动、恢复合计公式，或把数据转到新模板"
                              f"（{_move_data(ctx)}）。", tuple(keys),
                   row=f"{len(keys)}个合计单元格", column="", expected="模板公式", found=f"公式{change}")


def _sum_of_items(ctx: Context, key: str) -> object:
    """The sum of a total's items as the report holds them (None when one is not a number)."""
    items = [ctx.number(t) for t in spec.FIELDS[key].computed_from]
    return None if None in items else sum(items)  # type: ignore[arg-type]  # numbers, tested above


def _formulas(rule: CheckRule, ctx: Context) -> Iterable[Finding]:
    """E8: a table whose rows or columns were inserted or deleted (once per table); a total whose
    formula was deleted or changed (per cell); totals saved without recalculation (a warning,
    once per table: the formulas are intact and the check uses the sum of the items)."""
    for change in ctx.report.structure:
        focus = change.focus or change.keys[0]
        yield finding(ctx, rule, f"{change.table}的表格结构被改动：{change.what}。表格不能插入或删除行、列："
                                 "合计公式和勾稽关系因此不再可靠，本次只校验模板原有且仍在的单元格"
                                 "（插入的行、列中的数字不计入）。请撤销插入或删除后保存，或把数据转到新模板"
                                 f"再校验（{_move_data(ctx)}）。", (focus,),
                      expected="模板的表格结构", found=change.what, row="表格结构", column="")
    broken: dict[str, list[str]] = {}
    for key in ctx.report.broken_formulas:
        broken.setdefault(spec.TABLE_OF_KEY[key].short, []).append(key)
    for table, keys in broken.items():
        yield _broken_totals(rule, ctx, table, keys)
    stale: dict[str, list[str]] = {}
    for key in ctx.report.stale_totals:
        stale.setdefault(spec.TABLE_OF_KEY[key].short, []).append(key)
    for table, keys in stale.items():
        key = keys[0]
        shown = fmt_number(ctx.report.stale_totals[key])
        count = f"有{len(keys)}个合计单元格" if len(keys) > 1 else "有1个合计单元格"
        yield finding(ctx, rule, f"{table}{count}保存的计算结果与各项之和不一致（如{spec.describe(key)}显示"
                                 f"{shown}，各项之和为{fmt_number(ctx.value(key))}）：文件保存前没有重新计算公式"
                                 "（例如设成了手动计算）。公式没有问题，本次按各项之和校验；在 Excel 或 WPS 中按"
                                 " Ctrl+Alt+F9（LibreOffice：Ctrl+Shift+F9）重新计算后保存即可。", tuple(keys),
                      expected=ctx.value(key), found=ctx.report.stale_totals[key], severity="warning")


# --- content rules (warnings) ---------------------------------------------------------------------

# 立法法: 部门规章 by 国务院部门, 地方政府规章 by provincial and 设区的市 governments; a city's own
# bureau (市教育局) is a 部门 as much as a county's is, so the message names no level of department.
RULE_MAKERS = "规章只由国务院部门和省、自治区、直辖市、设区的市、自治州人民政府制定"


def _rules_for_level(rule: CheckRule, ctx: Context) -> Iterable[Finding]:
    """W3: 规章 reported by a unit that cannot make 规章."""
    level = ctx.value("meta.unit_level")
    if level not in ("乡镇街道", "部门"):
        return
    for col in ("issued", "repealed", "in_force"):
        key = f"t2.rules.{col}"
        v = ctx.number(key)
        if v:
            who = "乡镇、街道" if level == "乡镇街道" else "地方政府的工作部门"
            yield finding(ctx, rule, f"{spec.describe(key)}填写了{fmt_number(v)}，但{who}没有规章制定权"
                                     f"（{RULE_MAKERS}），通常应为0：请核实是否把行政规范性文件填进了“规章”行。",
                          (key, "meta.unit_level"), expected=0, found=v)


# 万元: a township collecting 1000万元 (1千万元), or a department 1亿元, in fees is implausible
# enough to ask; a government's report covers all its departments.
FEES_LIMIT = {"乡镇街道": 1000, "部门": 10000, None: 100000}


def _fees_unit(rule: CheckRule, ctx: Context) -> Iterable[Finding]:
    """W4: 行政事业性收费 entered in 元 rather than 万元."""
    key = "t2.fees.amount"
    v = ctx.number(key)
    if not v:
        return
    level = ctx.value("meta.unit_level")
    limit = FEES_LIMIT.get(level if isinstance(level, str) else None, FEES_LIMIT[None])
    yuan = textcheck.yuan_amounts(" ".join(str(ctx.value(k) or "") for k in spec.TEXT_KEYS))
    if v >= limit:
        why = f"数额很大（{fmt_number(v)}万元，即{fmt_number(v / 10000)}亿元）"
    elif v in yuan:
        why = f"正文中有“{fmt_number(v)}元”"
    else:
        return
    yield finding(ctx, rule, f"{spec.describe(key)}：{why}，可能按“元”填写了。"
                             f"本栏单位是万元：{fmt_number(v)}元应填{fmt_number(v / 10000)}。",
                  (key,), expected=f"{fmt_number(v / 10000)}（若原数为元）", found=v)


def _fee_text(rule: CheckRule, ctx: Context) -> Iterable[Finding]:
    """W6: applications closed for unpaid fees, but section 六 says nothing about fees."""
    key = "t3.other_no_fee.total"
    n = ctx.number(key)
    other = str(ctx.value("text.other") or "")
    if ctx.texts_later and not other.strip():  # not written yet, and not required to be
        return
    if n and not any(w in other for w in ("信息处理费", "收费通知", "处理费")):
        yield finding(ctx, rule, f"{spec.describe(key)}为{n}，即有申请因未缴纳信息处理费而不再处理，"
                                 f"但「{spec.TEXT_LABELS['text.other']}」没有说明信息处理费的收取情况。",
                      (key, "text.other"), focus="text.other", expected="说明信息处理费收取情况",
                      found="未提及")


def _text_year(rule: CheckRule, ctx: Context) -> Iterable[Finding]:
    """W7: the 统计期限 / year named in the text is not the report year."""
    year = ctx.value("meta.year")
    if not isinstance(year, int):
        return
    told = set()
    for text_key, quote, found_year in textcheck.years(ctx.report.values, year):
        if found_year != year and (text_key, found_year) not in told:
            told.add((text_key, found_year))  # 统计期限 names the year twice: one finding
            yield finding(ctx, rule, f"正文「{spec.TEXT_LABELS[text_key]}」写“{quote}”，"
                                     f"但报告年度是{year}年：是否沿用了往年的报告？",
                          (text_key, "meta.year"), expected=year, found=found_year)


NOTHING = {"无", "没有", "暂无", "无。", "没有。", "暂无。", "无问题", "/", "-"}


PROBLEMS_REPEATED = 0.8  # section 五 as good as last year's
TEXT_REPEATED = 0.5  # the whole text: the 宿迁 assessment's line


def _problems_text(rule: CheckRule, ctx: Context) -> Iterable[Finding]:
    """W8: section 五 empty or '无'; with last year's report, section 五 or the whole text repeating
    last year's (similarity: the share of this year's 8-character shingles found in last year's)."""
    text = str(ctx.value("text.problems") or "").strip()
    if text in NOTHING:
        yield finding(ctx, rule, f"「{spec.TEXT_LABELS['text.problems']}」只写了“{text}”：应写明存在的主要问题"
                                 "和上年问题的改进情况。", ("text.problems",), expected="问题及改进情况",
                      found=text)
        return
    if ctx.previous is None:
        return
    from .similarity import Shingles  # only with last year's report: `check` alone starts without it
    before = str(ctx.previous.values.get("text.problems") or "").strip()
    if text and before:
        share = Shingles.of(text).share_in(Shingles.of(before))
        if share >= PROBLEMS_REPEATED:
            yield finding(ctx, rule, f"「{spec.TEXT_LABELS['text.problems']}」与上年报告{share:.0%}相同：应写本年"
                                     "的问题和上年问题的改进情况，不要照搬上年内容。", ("text.problems",),
                          expected="本年内容", found=f"与上年{share:.0%}相同")
    keys = tuple(k for k in spec.TEXT_KEYS if str(ctx.value(k) or "").strip())
    whole = "\n".join(str(ctx.value(k)) for k in keys)
    last = "\n".join(str(ctx.previous.values.get(k) or "") for k in spec.TEXT_KEYS)
    share = Shingles.of(whole).share_in(Shingles.of(last))
    if keys and share >= TEXT_REPEATED:
        yield finding(ctx, rule, f"正文与上年报告{share:.0%}相同（按8字片段计，标点和空白不计）：重复率达到"
                                 f"{TEXT_REPEATED:.0%}即视为照搬上年报告，请按本年情况重写。", keys,
                      expected=f"重复率低于{TEXT_REPEATED:.0%}", found=f"与上年{share:.0%}相同")


# 条例第四十九条: departments by 31 January; governments' reports by 31 March; townships as their
# district sets, which is 31 January almost everywhere.
DEADLINE = {"部门": (1, 31), "乡镇街道": (1, 31), "政府": (3, 31)}
_DATE = lazy(rf"([0-9]{{4}}|[{YEAR_DIGITS}]{{4}})\s*[年\-/.．]\s*([0-9]{{1,2}}|[{ONE_TO_TEN}]{{1,3}})"
             rf"\s*[月\-/.．]\s*([0-9]{{1,2}}|[{ONE_TO_TEN}]{{1,3}})")


def parse_date(text: str) -> dt.date | None:
    """2023-01-20, 2023/1/20, 2023.1.20, 2023年1月20日, 二〇二三年一月二十日, 二O二三年…; None otherwise."""
    m = _DATE.search(text)
    if not m:
        return None
    year, month, day = m.groups()
    parts = [year_number(year), *(int(p) if p.isdigit() else chinese_to_int(p) for p in (month, day))]
    try:
        return dt.date(*parts)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _late(rule: CheckRule, ctx: Context) -> Iterable[Finding]:
    """W11: the report's date is after the statutory deadline of the following year."""
    level, year, raw = ctx.value("meta.unit_level"), ctx.value("meta.year"), ctx.value("meta.date")
    if level not in DEADLINE or not isinstance(year, int) or not raw:
        return
    date = parse_date(str(raw))
    if date is None:
        return
    month, day = DEADLINE[level]
    deadline = dt.date(year + 1, month, day)
    if date > deadline:
        by = f"{deadline.year}年{month}月{day}日"
        why = "《政府信息公开条例》第四十九条" if level != "乡镇街道" else "乡镇、街道按所在区县的要求，通常与部门相同"
        label = spec.FIELDS["meta.date"].label
        yield finding(ctx, rule, f"基本信息「{label}」为{date.year}年{date.month}月{date.day}日，晚于{level}"
                                 f"{year}年度报告的公布期限{by}（{why}）：请核实日期，或说明逾期原因。",
                      ("meta.date", "meta.unit_level", "meta.year"), expected=f"不晚于{by}", found=str(raw))


# 表二's ten numbers and 表三's four totals: a count that jumps fivefold in a year is more often a
# typing or unit mistake than a real change.
JUMP_KEYS = (*(k for k in spec.NUMBER_KEYS if k.startswith("t2.")),
             *(f"t3.{r}.total" for r in ("new", "carried_over", "total", "carry_forward")))
JUMP_FACTOR, JUMP_FLOOR = 5, 10


def _jumps(rule: CheckRule, ctx: Context) -> Iterable[Finding]:
    """W12: a 表二 number or a 表三 total more than 5× or less than 1/5 of last year's (both ≥ 10)."""
    assert ctx.previous is not None
    for key in JUMP_KEYS:
        now, before = ctx.number(key), ctx.previous.values.get(key)
        if now is None or not isinstance(before, (int, float)) or isinstance(before, bool):
            continue
        if now < JUMP_FLOOR or before < JUMP_FLOOR:
            continue
        if now > JUMP_FACTOR * before or now * JUMP_FACTOR < before:
            how = (f"是上年的{now / before:.1f}倍" if now > before else f"只有上年的{now / before:.0%}")
            yield finding(ctx, rule, f"{spec.describe(key)}为{fmt_number(now)}，上年为{fmt_number(before)}，{how}："
                                     "请核实是否多填或少填了数字、单位是否一致。", (key,),
                          expected=f"与上年{fmt_number(before)}相近", found=now)


def _summary(rule: CheckRule, ctx: Context) -> Iterable[Finding]:
    """W9: every number of a summary equals the sum over its units."""
    for key in spec.NUMBER_KEYS:
        v = ctx.number(key)
        values = [p.values.get(key) for p in ctx.parts or ()]
        # (the types, not each value, tested: a batch's summary has 200 numbers of 1,000 units)
        if v is None or not all(issubclass(t, (int, float)) for t in set(map(type, values))):
            continue
        total = round(sum(values), spec.FEES_DECIMALS)  # type: ignore[arg-type]  # numbers, tested above
        if abs(v - total) > 1e-9:
            yield finding(ctx, rule, f"{spec.describe(key)}为{fmt_number(v)}，但{len(values)}个单位之和为"
                                     f"{fmt_number(total)}。", (key,), expected=total, found=v)


# W13's measure, here with its entry; ``rules.copies`` (which runs it over a batch) takes it from
# here, so that checking one report does not import that module.
COPY_SHARE = 0.8  # a text section this much the same as another unit's
COPY_MIN_CHARS = 60  # shorter sections (无, 未收取信息处理费。) are alike by nature


@dataclass(frozen=True)
class BatchRule(Rule):
    """A rule over a whole batch (``collect``, ``audit``) rather than one report: listed here with
    the others (docs/rules.md, ``nianbao rules``), run by the batch itself; nothing per report."""

    def run(self, ctx: Context) -> Iterable[Finding]:
        return ()


RULES: tuple[Rule, ...] = (
    CheckRule("E1", "error", "数字单元格必须填写数字",
              "每个数字单元格都是数字：空白、“/”“-”“—”“无”、带文字的“5件”、日期、逻辑值、公式都是错误；"
              "以文字形式填写的数字（全角数字、前后有空格）按数字计算，并给出提示",
              fn=_cell_problems),
    CheckRule("E2", "error", f"件数为不小于0的整数，收费金额为不小于0、{spec.FEES_DECIMALS_TEXT}的数",
              f"t2.*、t3.*、t4.* 为整数 ≥ 0；t2.fees.amount 为 ≥ 0 的数，{spec.FEES_DECIMALS_TEXT}；"
              f"都不超过{spec.EXACT_DIGITS}位数字（Excel 无法准确保存更大的数，如粘贴进件数的身份证号）",
              fn=_cell_problems),
    SumRule("E3", "error", "勾稽关系（第一项加第二项之和，等于第三项加第四项之和）",
            f"t3.new.{{c}} + t3.carried_over.{{c}} = t3.total.{{c}} + t3.carry_forward.{{c}}，c 为{len(T3_COLS)}列",
            over=T3_COLS, lhs=("t3.new.{c}", "t3.carried_over.{c}"),
            rhs=("t3.total.{c}", "t3.carry_forward.{c}"), anchor=_balance_line,
            hint="四个数都可能填错，请逐一核对，不要只改“结转下年度继续办理”凑平。"),
    SumRule("E4", "error", f"{spec.FIELDS['t3.total.total'].row_label}等于{len(spec.T3_RESULT_KEYS)}个办理结果之和",
            f"t3.total.{{c}} = Σ {len(spec.T3_RESULT_KEYS)}个办理结果行的 t3.<行>.{{c}}，c 为{len(T3_COLS)}列",
            over=T3_COLS, lhs=("t3.total.{c}",), rhs=tuple(f"t3.{r}.{{c}}" for r in spec.T3_RESULT_KEYS)),
    SumRule("E5", "error", f"{spec.FIELDS['t3.new.total'].col_label}列等于{len(spec.T3_APPLICANT_COLUMNS)}类申请人之和",
            f"t3.{{c}}.total = t3.{{c}}.natural + … + t3.{{c}}.other_org，对表三{len(T3_ROW_KEYS)}行",
            over=T3_ROW_KEYS, lhs=("t3.{c}.total",), rhs=tuple(f"t3.{{c}}.{a}" for a in spec.T3_APPLICANT_COLUMNS)),
    SumRule("E6", "error", "表四各组总计等于四种结果之和",
            "t4.{c}.total = t4.{c}.upheld + t4.{c}.corrected + t4.{c}.other + t4.{c}.pending",
            over=T4_GROUP_KEYS, lhs=("t4.{c}.total",),
            rhs=tuple(f"t4.{{c}}.{k}" for k, _ in spec.T4_COLUMNS[:-1])),
    CheckRule("E7", "error", "基本信息和正文必填部分已填写",
              "meta.unit、meta.year 已填写且有效；text.proactive … text.other 不为空（text.overview 可空）",
              fn=_required),
    CheckRule("E8", "error", "使用标准模板，表格结构和合计公式未被改动",
              "工作簿是本程序的标准模板（各版均可读取，否则拒绝读取）；表格未插入或删除行、列（每表一条）；"
              "每个合计单元格保留模板的公式；保存的合计结果未重新计算时给出提示", fn=_formulas),
    SumRule("W1", "warning", "本年“上年结转”等于上年“结转下年度继续办理”",
            "t3.carried_over.{c} = 上年 t3.carry_forward.{c}", over=T3_COLS,
            lhs=("t3.carried_over.{c}",), rhs=("prev:t3.carry_forward.{c}",)),
    SumRule("W2", "warning", "现行有效件数等于上年现行有效件数加本年制发、减本年废止",
            "t2.{c}.in_force = 上年 t2.{c}.in_force + t2.{c}.issued − t2.{c}.repealed",
            over=("rules", "normative"), lhs=("t2.{c}.in_force",),
            rhs=("prev:t2.{c}.in_force", "t2.{c}.issued", "-t2.{c}.repealed")),
    CheckRule("W3", "warning", "乡镇街道和地方政府部门不应有规章",
              "meta.unit_level 为 乡镇街道 或 部门 时，t2.rules.* 应为0（国务院部门的报告可忽略此提示）",
              fn=_rules_for_level),
    CheckRule("W4", "warning", "收费金额单位是万元", "t2.fees.amount 过大，或等于正文中的“N元”", fn=_fees_unit),
    CheckRule("W5", "warning", "正文中的数字与表格一致",
              "第一部分正文中每个说到表格的数字（toolkit/rules/vocabulary.py 的词表：收到/新收/受理 = t3.new.total"
              "（含上年结转时加 t3.carried_over.total，受理两种读法均可）；办结/答复 = t3.total.total；各办理结果及其"
              "分项；自然人/法人或其他组织等申请人；上年结转、结转下年度；行政复议、行政诉讼及维持/纠正/其他/尚未审结；"
              "表二制发/废止/现行有效的规章和规范性文件、行政许可/处罚/强制决定数）等于表格；其中、分别、各按句意对应；"
              "“占…%”按表格重算，相差超过0.1个百分点；“…N条，其中A条、B条…”各项之和 = N；近/余/多/约等约数不比较",
              fn=textrules.text_numbers),
    CheckRule("W6", "warning", "有因未缴费不再处理的申请时，正文说明信息处理费",
              "t3.other_no_fee.total > 0 时 text.other 提及信息处理费或收费通知", fn=_fee_text),
    CheckRule("W7", "warning", "正文中的统计年度与报告年度一致",
              "第一部分中“统计期限…YYYY年…”的年份，以及作为句子开头主语的“YYYY年度，我街道…”等于 meta.year"
              "（比较、结转、以往事项中提到的年度不算；该部分写到报告年度时也不算）", fn=_text_year),
    CheckRule("W8", "warning", "“存在的主要问题及改进情况”有实际内容，正文不照搬上年",
              "text.problems 不是“无”；有上年报告时，text.problems 与上年重复率低于80%，全部正文与上年重复率低于50%"
              "（重复率：本年文字的8字片段在上年文字中出现的比例，不计标点和空白）", fn=_problems_text),
    CheckRule("W9", "warning", "汇总表等于各单位之和", "汇总的每个数字 = 各单位同一单元格之和",
              fn=_summary, needs="parts"),
    CheckRule("W10", "warning", "正文中的结果用语与表格一致",
              "“均获维持/全部维持/零纠错”时所说的复议或诉讼（未说明则三组）t4.*.corrected 与 t4.*.pending 为0；"
              "“无败诉”时 t4.*.corrected 为0；“全部办结/均已办结/已全部答复”时 t3.carry_forward.total 为0；"
              "“未发生行政复议/诉讼”时相应的 t4.*.total 为0（第一部分正文中说到政府信息公开的句子；"
              "“除…外，其余均…”、说明了结转的句子不算）", fn=textrules.outcome_words),
    CheckRule("W11", "warning", "报告在法定期限内公布",
              "meta.date 不晚于次年1月31日（部门、乡镇街道）或3月31日（政府）；其他类别、未填类别或日期时不检查",
              fn=_late),
    CheckRule("W12", "warning", "与上年相比没有异常的增减",
              "表二10个数字及 t3.{new,carried_over,total,carry_forward}.total：本年与上年均不小于10时，"
              "本年不超过上年的5倍、不低于上年的1/5", fn=_jumps, needs="previous"),
    BatchRule("W13", "warning", "正文不与同一批中另一单位的报告大段相同",
              f"一批报告中（collect：第一部分和第五部分；audit：全部正文），某部分（至少{COPY_MIN_CHARS}字）与另一单位"
              f"同一部分的重复率（8字片段）不低于{COPY_SHARE:.0%}；《条例》名称和各报告都有的开头语不计"
              "（toolkit/rules/copies.py）"),
)

RULE_BY_ID = {r.id: r for r in RULES}
assert len(RULE_BY_ID) == len(RULES)
