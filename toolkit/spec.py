"""The form specification: the whole national format (FORMAT.md) as data.

Everything else is derived from this module: the workbook builder and reader (via
``toolkit.workbook.layout``), the rules, the Word context and the summary. No other module
spells a label of the official form.

Tables are described as a grid of cells (0-based row, column, with spans) exactly as the
official table draws them: header cells, row labels and value cells. The workbook builder and
the Word template builder both lay out that same grid, so the merged header layout is written
down once, here.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

FORMAT_ID = "GOV-AR-2021"
FORMAT_NAME = "政府信息公开工作年度报告格式（国办公开办函〔2021〕30号）"
# Bumped whenever the workbook layout changes in a way the reader must know about.
TEMPLATE_VERSION = 1
TEMPLATE_MARKER = f"NIANBAO:{FORMAT_ID}:v{TEMPLATE_VERSION}"

Kind = Literal["int", "decimal", "text", "longtext", "year", "enum", "date"]
NUMBER_KINDS = ("int", "decimal")  # the kinds of a number (``Field.is_number``)
Role = Literal["header", "label", "input", "computed"]

UNIT_LEVELS = ("部门", "政府", "乡镇街道", "其他")
FIRST_YEAR, LAST_YEAR = 2021, 2100  # this format is used for report years from 2021 on
FEES_DECIMALS = 4
FEES_UNIT = "万元"  # 行政事业性收费 is reported in 万元
FEES_DECIMALS_TEXT = f"最多{FEES_DECIMALS}位小数"  # how messages and instructions say it
REPORT_NAME = "政府信息公开工作年度报告"
TITLE_SUFFIX = "年" + REPORT_NAME  # the title is {机关名称}{年度}年政府信息公开工作年度报告 (``title``)
# Excel keeps 15 significant digits: a number this large is saved changed (an ID number pasted
# into a count shows as 1.10101199001011E+17), so no valid number reaches it.
EXACT_LIMIT = 10**15
EXACT_DIGITS = 15



# The spec's records are named tuples, not frozen dataclasses: every command imports this module,
# and a frozen dataclass compiles six methods when it is created (~0.5 ms each time nianbao
# starts), a named tuple one; made by the hundred below, a named tuple is also quicker to build.
class Field(NamedTuple):
    """One value of the report, named by its stable key."""

    key: str
    kind: Kind
    table: str  # "meta", "text", "t2", "t3", "t4"
    label: str  # what a person calls it, e.g. the meta field's name or the row label
    row_label: str = ""
    col_label: str = ""
    row_path: str = ""  # the row label with its group labels, for messages
    computed_from: tuple[str, ...] = ()  # a sum of these keys (workbook formula)
    choices: tuple[str, ...] = ()
    required: bool = False

    @property
    def is_computed(self) -> bool:
        return bool(self.computed_from)

    @property
    def is_number(self) -> bool:
        return self.kind in NUMBER_KINDS


class GridCell(NamedTuple):
    """A cell of an official table: a header/label text or a value (by key)."""

    row: int
    col: int
    role: Role
    text: str = ""
    key: str = ""
    rowspan: int = 1
    colspan: int = 1


class Table(NamedTuple):
    """One of the three tables: its grid of cells as the official form draws it."""

    id: str  # "t2"
    number: str  # "二"
    title: str  # the section heading, verbatim
    short: str  # "表二"
    n_rows: int
    n_cols: int
    cells: tuple[GridCell, ...]
    header_rows: int  # rows at the top that repeat on a new page

    @property
    def value_cells(self) -> tuple[GridCell, ...]:
        return tuple(c for c in self.cells if c.key)


class TextPart(NamedTuple):
    """One part of the report's text, under its heading."""

    key: str
    heading: str  # verbatim heading, or "" for the opening paragraph
    section: str  # the section number it belongs to
    required: bool


class Section(NamedTuple):
    """One numbered section of the report."""

    number: str
    heading: str
    content: str  # "text", or a table id


# ---------------------------------------------------------------------------
# Sections and text parts

SECTIONS: tuple[Section, ...] = (
    Section("一", "一、总体情况", "text"),
    Section("二", "二、主动公开政府信息情况", "t2"),
    Section("三", "三、收到和处理政府信息公开申请情况", "t3"),
    Section("四", "四、政府信息公开行政复议、行政诉讼情况", "t4"),
    Section("五", "五、存在的主要问题及改进情况", "text"),
    Section("六", "六、其他需要报告的事项", "text"),
)

TEXT_PARTS: tuple[TextPart, ...] = (
    TextPart("text.overview", "", "一", False),
    TextPart("text.proactive", "（一）主动公开情况", "一", True),
    TextPart("text.on_request", "（二）依申请公开情况", "一", True),
    TextPart("text.management", "（三）政府信息管理情况", "一", True),
    TextPart("text.platform", "（四）政府信息公开平台建设情况", "一", True),
    TextPart("text.oversight", "（五）监督保障情况", "一", True),
    TextPart("text.problems", "", "五", True),
    TextPart("text.other", "", "六", True),
)

OPENING_PARAGRAPH = "（开头段落）"


def _text_label(part: TextPart) -> str:
    """A text part as staff call it: its heading, or its section's (the opening paragraph of 一)."""
    if part.heading:
        return part.heading
    heading = next(s.heading for s in SECTIONS if s.number == part.section)
    opening = any(p.section == part.section and p.heading for p in TEXT_PARTS)
    return heading + (OPENING_PARAGRAPH if opening else "")


TEXT_LABELS = {p.key: _text_label(p) for p in TEXT_PARTS}


def section_parts(number: str) -> tuple[TextPart, ...]:
    """The text parts of a section (``"一"``: the opening paragraph and its five parts), in order."""
    return tuple(p for p in TEXT_PARTS if p.section == number)


def section_keys(number: str) -> tuple[str, ...]:
    """The text keys of a section (``"一"``: the opening paragraph and its five parts)."""
    return tuple(p.key for p in section_parts(number))


META: tuple[Field, ...] = (
    Field("meta.unit", "text", "meta", "机关名称", required=True),
    Field("meta.year", "year", "meta", "报告年度", required=True),
    Field("meta.unit_level", "enum", "meta", "机关类别", choices=UNIT_LEVELS),
    Field("meta.contact", "text", "meta", "联系人"),
    Field("meta.phone", "text", "meta", "联系电话"),
    Field("meta.date", "date", "meta", "报告日期"),
)

# ---------------------------------------------------------------------------
# Table 二

T2_BLOCKS = (
    # caption, columns (key, label), rows (key, label)
    ("第二十条第（一）项",
     (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")),
     (("rules", "规章"), ("normative", "行政规范性文件"))),
    ("第二十条第（五）项", (("decisions", "本年处理决定数量"),), (("licensing", "行政许可"),)),
    ("第二十条第（六）项", (("decisions", "本年处理决定数量"),),
     (("penalty", "行政处罚"), ("coercion", "行政强制"))),
    ("第二十条第（八）项", (("amount", "本年收费金额（单位：万元）"),), (("fees", "行政事业性收费"),)),
)
T2_CONTENT_LABEL = "信息内容"

# ---------------------------------------------------------------------------
# Table 三

T3_COLUMNS = (
    ("natural", "自然人"),
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("nonprofit", "社会公益组织"),
    ("legal", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
T3_APPLICANT_COLUMNS = tuple(c for c, _ in T3_COLUMNS[:-1])
T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANTS = "申请人情况"
T3_ORGS = "法人或其他组织"
T3_RESULTS_GROUP = "三、本年度办理结果"

# (group label or "", row key, label); group "" = a row whose label spans the label columns
T3_RESULT_ROWS = (
    ("", "granted", "（一）予以公开"),
    ("", "partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("（三）不予公开", "denied_secret", "1.属于国家秘密"),
    ("（三）不予公开", "denied_law", "2.其他法律行政法规禁止公开"),
    ("（三）不予公开", "denied_safety", "3.危及“三安全一稳定”"),
    ("（三）不予公开", "denied_third_party", "4.保护第三方合法权益"),
    ("（三）不予公开", "denied_internal", "5.属于三类内部事务信息"),
    ("（三）不予公开", "denied_process", "6.属于四类过程性信息"),
    ("（三）不予公开", "denied_enforcement", "7.属于行政执法案卷"),
    ("（三）不予公开", "denied_inquiry", "8.属于行政查询事项"),
    ("（四）无法提供", "unable_not_held", "1.本机关不掌握相关政府信息"),
    ("（四）无法提供", "unable_create", "2.没有现成信息需要另行制作"),
    ("（四）无法提供", "unable_unclear", "3.补正后申请内容仍不明确"),
    ("（五）不予处理", "rejected_petition", "1.信访举报投诉类申请"),
    ("（五）不予处理", "rejected_repeat", "2.重复申请"),
    ("（五）不予处理", "rejected_publication", "3.要求提供公开出版物"),
    ("（五）不予处理", "rejected_excessive", "4.无正当理由大量反复申请"),
    ("（五）不予处理", "rejected_confirm", "5.要求行政机关确认或重新出具已获取信息"),
    ("（六）其他处理", "other_no_correction",
     "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("（六）其他处理", "other_no_fee",
     "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("（六）其他处理", "other_other", "3.其他"),
)
T3_ROWS = (
    ("new", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
    *((key, label) for _, key, label in T3_RESULT_ROWS),
    ("total", "（七）总计"),
    ("carry_forward", "四、结转下年度继续办理"),
)
T3_RESULT_KEYS = tuple(key for _, key, _ in T3_RESULT_ROWS)

# ---------------------------------------------------------------------------
# Table 四

T4_GROUPS = (
    ("review", "行政复议"),
    ("suit_direct", "未经复议直接起诉"),
    ("suit_after_review", "复议后起诉"),
)
T4_SUIT = "行政诉讼"
T4_COLUMNS = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)

# ---------------------------------------------------------------------------
# The 2019 format's signature (FORMAT.md): any of these strings means an old-format table.

OLD_FORMAT_STRINGS = (
    "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
    "其他对外管理服务事项", "第二十条第（九）项", "政府集中采购", "采购项目数量", "采购总金额",
)


# ---------------------------------------------------------------------------
# Building the tables and fields from the constants above


def _build_t2() -> tuple[Table, list[Field]]:
    cells: list[GridCell] = []
    fields: list[Field] = []
    r = 0
    for caption, columns, rows in T2_BLOCKS:
        cells.append(GridCell(r, 0, "header", caption, colspan=4))
        r += 1
        cells.append(GridCell(r, 0, "header", T2_CONTENT_LABEL))
        span = 3 // len(columns)
        for i, (_, col_label) in enumerate(columns):
            cells.append(GridCell(r, 1 + i * span, "header", col_label, colspan=span))
        r += 1
        for row_key, row_label in rows:
            cells.append(GridCell(r, 0, "label", row_label))
            for i, (col_key, col_label) in enumerate(columns):
                key = f"t2.{row_key}.{col_key}"
                cells.append(GridCell(r, 1 + i * span, "input", key=key, colspan=span))
                kind: Kind = "decimal" if row_key == "fees" else "int"
                fields.append(Field(key, kind, "t2", f"{row_label}·{col_label}", row_label,
                                    col_label, row_label))
            r += 1
    table = Table("t2", "二", SECTIONS[1].heading, "表二", r, 4, tuple(cells), 0)
    return table, fields


def _build_t3() -> tuple[Table, list[Field]]:
    cells: list[GridCell] = [
        GridCell(0, 0, "header", T3_CORNER, rowspan=3, colspan=3),
        GridCell(0, 3, "header", T3_APPLICANTS, colspan=7),
        GridCell(1, 3, "header", T3_COLUMNS[0][1], rowspan=2),
        GridCell(1, 4, "header", T3_ORGS, colspan=5),
        GridCell(1, 9, "header", T3_COLUMNS[-1][1], rowspan=2),
        *(GridCell(2, 4 + i, "header", label) for i, (_, label) in enumerate(T3_COLUMNS[1:6])),
    ]
    header = 3
    row_of = {key: header + i for i, (key, _) in enumerate(T3_ROWS)}
    first_result = row_of[T3_RESULT_KEYS[0]]
    # The group label 三、本年度办理结果 spans the result rows and the （七）总计 row.
    cells.append(GridCell(first_result, 0, "label", T3_RESULTS_GROUP,
                          rowspan=row_of["total"] - first_result + 1))
    groups: dict[str, list[str]] = {}
    for group, key, _ in T3_RESULT_ROWS:
        if group:
            groups.setdefault(group, []).append(key)
    for group, keys in groups.items():
        cells.append(GridCell(row_of[keys[0]], 1, "label", group, rowspan=len(keys)))
    group_of = {key: group for group, key, _ in T3_RESULT_ROWS}

    fields: list[Field] = []
    for row_key, row_label in T3_ROWS:
        r = row_of[row_key]
        if row_key in ("new", "carried_over", "carry_forward"):
            cells.append(GridCell(r, 0, "label", row_label, colspan=3))
            path = row_label
        elif group_of.get(row_key):
            cells.append(GridCell(r, 2, "label", row_label))
            path = f"{group_of[row_key]}·{row_label}"
        else:
            cells.append(GridCell(r, 1, "label", row_label, colspan=2))
            path = row_label
        for c, (col_key, col_label) in enumerate(T3_COLUMNS):
            key = f"t3.{row_key}.{col_key}"
            if col_key == "total":
                terms = tuple(f"t3.{row_key}.{a}" for a in T3_APPLICANT_COLUMNS)
            elif row_key == "total":
                terms = tuple(f"t3.{k}.{col_key}" for k in T3_RESULT_KEYS)
            else:
                terms = ()
            cells.append(GridCell(r, 3 + c, "computed" if terms else "input", key=key))
            fields.append(Field(key, "int", "t3", f"{path}·{col_label}", row_label, col_label,
                                path, computed_from=terms))
    table = Table("t3", "三", SECTIONS[2].heading, "表三", header + len(T3_ROWS), 10,
                  tuple(cells), header)
    return table, fields


def _build_t4() -> tuple[Table, list[Field]]:
    n = len(T4_COLUMNS)
    (review, review_label), *suits = T4_GROUPS
    cells: list[GridCell] = [
        GridCell(0, 0, "header", review_label, rowspan=2, colspan=n),
        GridCell(0, n, "header", T4_SUIT, colspan=2 * n),
    ]
    fields: list[Field] = []
    for g, (group, group_label) in enumerate(T4_GROUPS):
        if g:
            cells.append(GridCell(1, g * n, "header", group_label, colspan=n))
        for i, (col_key, col_label) in enumerate(T4_COLUMNS):
            c = g * n + i
            key = f"t4.{group}.{col_key}"
            terms = tuple(f"t4.{group}.{k}" for k, _ in T4_COLUMNS[:-1]) if col_key == "total" else ()
            cells.append(GridCell(2, c, "header", col_label))
            cells.append(GridCell(3, c, "computed" if terms else "input", key=key))
            path = group_label if group == review else f"{T4_SUIT}·{group_label}"
            fields.append(Field(key, "int", "t4", f"{path}·{col_label}", group_label, col_label,
                                path, computed_from=terms))
    table = Table("t4", "四", SECTIONS[3].heading, "表四", 4, 3 * n, tuple(cells), 3)
    return table, fields


def _build() -> tuple[tuple[Table, ...], dict[str, Field]]:
    tables = []
    fields: list[Field] = list(META)
    for part in TEXT_PARTS:
        fields.append(Field(part.key, "longtext", "text", TEXT_LABELS[part.key],
                            required=part.required))
    for build in (_build_t2, _build_t3, _build_t4):
        table, table_fields = build()
        tables.append(table)
        fields.extend(table_fields)
    by_key = {f.key: f for f in fields}
    assert len(by_key) == len(fields), "duplicate key in the specification"
    return tuple(tables), by_key


TABLES, FIELDS = _build()
TABLE_BY_ID = {t.id: t for t in TABLES}
TABLE_OF_KEY = {c.key: t for t in TABLES for c in t.value_cells}
KEYS = tuple(FIELDS)
INPUT_KEYS = tuple(k for k, f in FIELDS.items() if not f.is_computed)
COMPUTED_KEYS = tuple(k for k, f in FIELDS.items() if f.is_computed)
TABLE_INPUT_KEYS = tuple(c.key for t in TABLES for c in t.value_cells if c.role == "input")  # the numbers typed
NUMBER_KEYS = tuple(k for k, f in FIELDS.items() if f.is_number)
TEXT_KEYS = tuple(p.key for p in TEXT_PARTS)
META_KEYS = tuple(f.key for f in META)


def title(data: dict) -> str:
    """The report's title, as FORMAT.md defines it."""
    return f"{data.get('meta.unit') or ''}{data.get('meta.year') or ''}{TITLE_SUFFIX}"


def describe(key: str) -> str:
    """Where a value sits, in the words a member of staff uses: 表三「…」行「自然人」列."""
    f = FIELDS[key]
    if f.table in ("meta", "text"):
        return f"「{f.label}」"
    table = TABLE_OF_KEY[key]
    if table.id == "t4":  # table 四 has one row of values: groups and columns only
        return f"{table.short}「{f.row_path}」的「{f.col_label}」"
    return f"{table.short}「{f.row_path}」行「{f.col_label}」列"
