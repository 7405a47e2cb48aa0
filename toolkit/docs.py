"""Documents generated from the code, so that they cannot drift from it: the rules list
(docs/rules.md, ``nianbao rules``) and the format the code implements (docs/format.md).

``python scripts/gen_docs.py`` writes both; tests fail when either differs from what the code says.
"""

from __future__ import annotations

import json

from . import spec
from .jsondata import SECTIONS, TABLES_ONLY, UNREAD
from .rules.engine import PARTLY_CHECKED, TABLES_UNCHECKED

GENERATED = "本文件由 `python scripts/gen_docs.py` 根据 {source} 生成，请勿手改；测试保证它与代码一致。"


def rules_markdown() -> str:
    from .rules import RULES
    lines = ["# 校验规则 (rules)", "",
             "本文件由 `nianbao rules`（`python scripts/gen_docs.py`）根据 `toolkit/rules/catalog.py` 生成，请勿手改。",
             "", "| 规则 | 级别 | 内容 | 表达式 |", "|---|---|---|---|"]
    for r in RULES:
        level = "错误" if r.severity == "error" else "提示"
        lines.append(f"| {r.id} | {level} | {r.title} | {r.expression.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


# What the format says beyond its tables (条例, deadlines, common mistakes): prose, kept here
# beside the generated parts so that docs/format.md has one source.
LEGAL_FRAME = """\
- 第四十九条：县级以上人民政府部门在每年1月31日前公布本机关上一年度的年度报告；县级以上地方人民政府的
  政府信息公开工作主管部门在每年3月31日前公布本级政府上一年度的年度报告。乡镇、街道按当地规定，通常为1月31日。
- 第五十条：年度报告包括主动公开情况，收到和处理申请情况，行政复议、行政诉讼情况，存在的主要问题及改进情况
  （各级人民政府还包括工作考核、社会评议和责任追究结果情况），其他需要报告的事项。格式由国务院办公厅制定。
- 上级机关汇总所属单位的年度报告，并公布汇总（汇总报告）。"""

COMMON_MISTAKES = """\
2021年以后仍用旧模板；单元格空白或填“/”，或只填了“总计”列；各项结果之和不等于（七）总计；正文把上年结转算作本年新收；
还有尚未审结的案件却写“均获维持”；乡镇、街道填报了规章；章节标题被改或缺少章节；万元一栏填成了元；第五部分照抄上年。
上面的校验规则正是为这些错误而设。"""

KIND_WORDS = {"int": "整数 ≥ 0", "text": "文字", "longtext": "文字（可多段）", "year": "四位年份",
              "date": "日期", "enum": "取值之一", "decimal": f"数 ≥ 0，单位{spec.FEES_UNIT}，{spec.FEES_DECIMALS_TEXT}"}


def _kind(field: spec.Field) -> str:
    words = KIND_WORDS[field.kind]
    if field.choices:
        words += "：" + "、".join(f"`{c}`" for c in field.choices)
    return words


def _code(text: str) -> str:
    return f"`{text}`" if text else ""


def format_markdown() -> str:
    """docs/format.md: the national format as nianbao implements it, from ``toolkit/spec.py``."""
    from .rules import RULES
    from .workbook.layout import NAME_PREFIX
    example_key = "t3.new.natural"
    title = spec.title({"meta.unit": "{meta.unit}", "meta.year": "{meta.year}"})
    out = [
        "# 年度报告格式（format）", "",
        GENERATED.format(source="`toolkit/spec.py`（表单规格）和 `toolkit/rules/catalog.py`"), "",
        f"nianbao 实现的是{spec.FORMAT_NAME}，用于{spec.FIRST_YEAR}年度起的报告；格式代号 `{spec.FORMAT_ID}`。"
        "下文 `代码格式` 中的标签都是原文，工作簿和 Word 报告逐字使用。", "",
        "## 法律依据（《政府信息公开条例》，2019年修订）", "", LEGAL_FRAME, "",
        "## 键名与 JSON 数据格式", "",
        f"每个数据都有一个稳定的键名（如 `{example_key}`）：JSON 数据、工作簿的定义名称"
        f"（`{NAME_PREFIX}{example_key.replace('.', '_')}`）、Word 模板的变量和每条校验结果都用它。", "",
        f"JSON 数据文件是一个对象：先是 `\"format\": \"{spec.FORMAT_ID}\"`，然后是键 → 值。数字写成 JSON 数字，"
        "文字写成字符串；尚不知道的值不写或写 `null`，不要写 0。"
        "合计（下文“公式”所列的总计）可以不写，写了就必须等于各项之和。"
        "可选的 `\"sources\": {键: 出处}` 说明导入的文档中每个值是在哪里读到的"
        "（如 `\"第4页 表三「（一）予以公开」行「自然人」列\"`），校验结果据此指向原文。"
        f"导入的文档另有可选的 `\"{SECTIONS}\": {{章节序号: 原文中的章节标题}}`，按原文顺序列出找到的章节标题"
        f"（如 `\"{spec.SECTIONS[0].number}\": \"1、总体情况\"`）：有它时，E7 像检查文档本身一样检查六个章节是否齐全；"
        "没有它的 JSON（手工填写的数据、旧版本导入的数据）不检查章节标题。"
        f"从单位自己只有表格的电子表格导入的数据另有 `\"{TABLES_ONLY}\": true`：正文在它的 Word 报告中，"
        "不在这份数据里，所以不检查正文和章节标题。"
        "文档中没有读到的表格数值（表格是图片、没有找到表格、数值无法确定属于哪一行哪一列）"
        f"列在 `\"{UNREAD}\": [键, …]` 中：这些键为 `null` 时不算“未填写”，"
        f"校验结论为“{TABLES_UNCHECKED}”（三张表的数值都没有读到）或“{PARTLY_CHECKED}”，而不是“通过”。例如：", "",
        "```json",
        json.dumps({"format": spec.FORMAT_ID, "meta.unit": "锦屏街道", "meta.year": 2022,
                    "t2.fees.amount": 0, example_key: 3}, ensure_ascii=False, indent=1),
        "```", "",
        "## 报告标题与基本信息", "",
        f"报告的标题是 `{title}`。", "",
        "| 键 | 名称 | 类型 | 必填 |", "|---|---|---|---|",
    ]
    for f in spec.META:
        out.append(f"| `{f.key}` | {f.label} | {_kind(f)} | {'是' if f.required else ''} |")
    out += ["", "## 章节（按顺序）", "", "| 序号 | 标题（原文） | 内容 | 键 |", "|---|---|---|---|"]
    for s in spec.SECTIONS:
        if s.content == "text":
            parts = spec.section_parts(s.number)
            content = "正文" + ("：开头段落，然后 " + " ".join(_code(p.heading) for p in parts if p.heading)
                              if any(p.heading for p in parts) else "")
            keys = "、".join(f"`{p.key}`" for p in parts)
        else:
            table = spec.TABLE_BY_ID[s.content]
            content, keys = table.short, f"`{table.id}.*`"
        out.append(f"| {s.number} | `{s.heading}` | {content} | {keys} |")
    out += ["", "正文各部分：", "", "| 键 | 名称 | 必填 |", "|---|---|---|"]
    for p in spec.TEXT_PARTS:
        out.append(f"| `{p.key}` | {spec.TEXT_LABELS[p.key]} | {'是' if p.required else '可不填'} |")

    t2 = spec.TABLE_BY_ID["t2"]
    out += ["", f"## 表二 `{t2.title}`（{len(t2.value_cells)}个数）", "",
            f"四个栏目，每个栏目一行标题，一行表头（首格为 `{spec.T2_CONTENT_LABEL}`）。", "",
            "| 栏目 | 行 | 列 | 键 | 类型 |", "|---|---|---|---|---|"]
    for caption, columns, rows in spec.T2_BLOCKS:
        first = True
        for row_key, row_label in rows:
            for col_key, col_label in columns:
                key = f"t2.{row_key}.{col_key}"
                out.append(f"| {_code(caption) if first else ''} | `{row_label}` | `{col_label}` | `{key}` | "
                           f"{_kind(spec.FIELDS[key])} |")
                first = False

    t3 = spec.TABLE_BY_ID["t3"]
    groups = list(dict.fromkeys(g for g, _, _ in spec.T3_RESULT_ROWS if g))
    out += ["", f"## 表三 `{t3.title}`（{len(spec.T3_ROWS)}行 × {len(spec.T3_COLUMNS)}列 = "
            f"{len(t3.value_cells)}个数，均为整数 ≥ 0）", "",
            f"表头：左上角合并的格中是 `{spec.T3_CORNER}`；"
            f"其右 `{spec.T3_APPLICANTS}` 跨全部 {len(spec.T3_COLUMNS)} 列；"
            f"其下 `{spec.T3_COLUMNS[0][1]}`（两行高）、"
            f"`{spec.T3_ORGS}`（跨 {len(spec.T3_APPLICANT_COLUMNS) - 1} 列）、"
            f"`{spec.T3_COLUMNS[-1][1]}`（两行高）；再下 "
            + " ".join(f"`{label}`" for _, label in spec.T3_COLUMNS[1:-1]) + "。", "",
            "列（按顺序）：" + "，".join(f"`{k}` {label}" for k, label in spec.T3_COLUMNS) + "。", "",
            f"`{spec.T3_RESULTS_GROUP}` 是跨办理结果各行的分组标签，自身没有数字；"
            + " ".join(f"`{g}`" for g in groups) + " 也是。", "",
            "| # | 行键 | 标签（原文） | 分组 |", "|---|---|---|---|"]
    group_of = {key: group for group, key, _ in spec.T3_RESULT_ROWS}
    for i, (key, label) in enumerate(spec.T3_ROWS, 1):
        out.append(f"| {i} | `{key}` | `{label}` | {_code(group_of.get(key, ''))} |")
    out += ["", f"键为 `t3.<行>.<列>`。公式：每行的 `total` 列 = 前 {len(spec.T3_APPLICANT_COLUMNS)} 列之和；"
            f"`{spec.FIELDS['t3.total.total'].row_label}` 行 = {len(spec.T3_RESULT_KEYS)} 个办理结果行之和。"]

    t4 = spec.TABLE_BY_ID["t4"]
    out += ["", f"## 表四 `{t4.title}`（{len(t4.value_cells)}个数，均为整数 ≥ 0）", "",
            f"`{spec.T4_GROUPS[0][1]}` 跨 {len(spec.T4_COLUMNS)} 列；"
            f"`{spec.T4_SUIT}` 跨 {2 * len(spec.T4_COLUMNS)} 列，"
            "其下 " + "、".join(f"`{label}`" for _, label in spec.T4_GROUPS[1:]) + f" 各 {len(spec.T4_COLUMNS)} 列。"
            "每组的列为 " + " ".join(f"`{label}`" for _, label in spec.T4_COLUMNS) + "。", "",
            "键为 `t4.<组>.<列>`：组 " + "，".join(f"`{k}` {label}" for k, label in spec.T4_GROUPS)
            + "；列 " + " ".join(f"`{k}`" for k, _ in spec.T4_COLUMNS) + "。公式：每组的 `total` = 前四列之和。"]

    out += ["", "## 校验规则", "",
            "错误（有任何一条，报告不得公开）和提示（显示，但不阻止）。完整的表达式见 [rules.md](rules.md)。", "",
            "| 规则 | 级别 | 内容 |", "|---|---|---|"]
    for r in RULES:
        out.append(f"| {r.id} | {'错误' if r.severity == 'error' else '提示'} | {r.title} |")
    out += ["", "## 2019年旧格式（国办公开办函〔2019〕60号，用于2019、2020年度）", "",
            "表格中出现下列任一文字，即为旧格式的表格，不予读取："
            + " ".join(f"`{s}`" for s in spec.OLD_FORMAT_STRINGS) + "。", "",
            "## 已发布的报告中常见的错误", "", COMMON_MISTAKES]
    return "\n".join(out) + "\n"
