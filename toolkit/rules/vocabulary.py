"""What the words of a report's text speak about: one table, from phrases to the cells they count.

A maintainer who meets a new way of writing (“新受理”, “转入下年度”) adds a phrase here; the reader
(``toolkit.rules.reading``) and the rules do not change. Each ``Term`` names a table and the rows
and columns its number sums; a term that names only one side (an applicant column, a 表四 result,
a 表二 verb) takes the other from the phrase beside it or from the figure it is a part of (其中).
Labels the form itself prints come from ``toolkit.spec``; the rest are the synonyms reports use.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .. import spec
from ..lazyre import lazy

Role = str  # received, handled, carried_over, carry_forward, result, applicant, t4group, t4col, t2doc, t2verb, decision


# A named tuple, not a frozen dataclass: this module loads at every check, and a frozen dataclass
# compiles six methods when it is created, a named tuple one.
class Term(NamedTuple):
    """What a group of phrases counts: a table and its rows and columns."""

    name: str  # what the number is, in a finding's column: 新收申请, 予以公开
    phrases: tuple[str, ...]
    table: str  # t2, t3, t4
    role: Role
    rows: tuple[str, ...] = ()  # () = taken from the phrase beside it or the figure it belongs to
    cols: tuple[str, ...] = ()
    # other readings of the rows that are just as right (受理 is 新收, or 新收 + 上年结转)
    also_rows: tuple[tuple[str, ...], ...] = ()
    includes_carried: bool = False  # 含上年结转: the figure before it counts 上年结转 too
    units: tuple[str, ...] = ("件", "宗", "个", "项", "份")
    # words that, between the phrase and its number, mean the number counts something else
    not_between: tuple[str, ...] = ()


def _short(label: str) -> str:
    """The words of a printed label a sentence uses: （一）予以公开 → 予以公开, 1.属于国家秘密 → 国家秘密,
    一、本年新收…申请数量 → 本年新收…申请数量."""
    label = re.sub(r"^(（[一二三四五六七]）|[一二三四五六七]、|\d\.)", "", label)
    label = re.sub(r"（.*）$", "", label)
    return label.removeprefix("属于")


T3_LABEL = {key: label for key, label in spec.T3_ROWS}
T3_GROUP_ROWS: dict[str, tuple[str, ...]] = {}
for _group, _key, _label in spec.T3_RESULT_ROWS:
    T3_GROUP_ROWS.setdefault(_short(_group or _label), ())
    T3_GROUP_ROWS[_short(_group or _label)] += (_key,)
T3_COL_LABEL = dict(spec.T3_COLUMNS)
T4_GROUP_LABEL = dict(spec.T4_GROUPS)
T4_COL_LABEL = dict(spec.T4_COLUMNS)
T2_ROW_LABEL = {key: label for _, _, rows in spec.T2_BLOCKS for key, label in rows}
T2_COL_LABEL = {key: label for _, cols, _ in spec.T2_BLOCKS for key, label in cols}
ORG_COLS = spec.T3_APPLICANT_COLUMNS[1:]
SUITS = tuple(g for g, _ in spec.T4_GROUPS[1:])

# Outside （二）依申请公开情况 a sentence is about 表三 only when it speaks of applications for
# information (申请 and 公开/信息), and about 表四 only when it speaks of 公开: a 司法局's overview
# counting all its 行政复议 cases, or 受理行政审批申请, is about other work.
RECEIVED_CONTEXT = "申请"
DISCLOSURE_CONTEXT = ("公开", "信息")
# 意见建议, 人大建议, 信访件, 12345 热线: counted in other reports, not in 表三
OTHER_BUSINESS = ("建议", "提案", "议案", "信访件", "来信", "来访", "留言", "咨询", "热线", "12345", "诉求",
                  "舆情", "政务服务", "办件", "投诉件", "审批", "不动产")
# Between a phrase and its number: the number is a difference, a rate or a duration, not the count.
NOT_A_COUNT = ("同比", "较", "比上年", "比去年", "增加", "减少", "增长", "下降", "上升", "提高", "平均", "用时",
               "率", "上年", "去年", "上一年", "累计", "历年")
DECISION_NOT_BETWEEN = ("信息", "事项", "清单", "公示", "目录", "权力", "结果", "流程", "依据")
T2_VERBS_NOT_BETWEEN = ("备案", "清理", "审查", "解读", "公开", "发布")


T4_UNITS = ("件", "宗", "个", "起", "次")


def _t3(name, phrases, role, rows=(), cols=(), **kw) -> Term:
    return Term(name, tuple(phrases), "t3", role, tuple(rows), tuple(cols), **kw)


_SUBROW_SYNONYMS = {
    "denied_safety": ("三安全一稳定",),
    "denied_third_party": ("第三方合法权益",),
    "denied_internal": ("内部事务信息",),
    "denied_process": ("过程性信息",),
    "unable_not_held": ("本机关不掌握", "不掌握相关政府信息", "信息不存在"),
    "unable_create": ("没有现成信息", "需要另行制作", "需另行制作"),
    "unable_unclear": ("申请内容仍不明确", "申请内容不明确"),
    "rejected_petition": ("信访举报投诉",),
    "rejected_publication": ("公开出版物",),
    "rejected_excessive": ("大量反复申请",),
    "rejected_confirm": ("确认或重新出具",),
    "other_no_correction": ("逾期不补正", "无正当理由逾期不补正", "未补正"),
    "other_no_fee": ("未按收费通知要求缴纳费用", "逾期未缴纳", "未缴纳信息处理费"),
}


def _results() -> list[Term]:
    terms = []
    synonyms = {"予以公开": ("同意公开",), "不予公开": ("不予以公开",)}
    for group, rows in T3_GROUP_ROWS.items():
        terms.append(_t3(group, (group, *synonyms.get(group, ())), "result", rows))
    for group, key, label in spec.T3_RESULT_ROWS:
        if group and key != "other_other":  # 3.其他 is not a phrase anyone can find
            short = _short(label)
            terms.append(_t3(short, (short, *_SUBROW_SYNONYMS.get(key, ())), "result", (key,)))
    return terms


TERMS: tuple[Term, ...] = (
    # 表三 rows: what was received, handled, carried
    _t3("新收申请", ("收到", "共收到", "新收", "新收到", "接收", "新接收", "登记", "新受理", _short(T3_LABEL["new"])),
        "received", ("new",)),
    _t3("受理申请", ("受理", "共受理"), "received", ("new",), also_rows=(("new", "carried_over"),)),
    _t3("办结申请", ("办结", "答复", "作出答复", "办理完毕"), "handled", ("total",)),
    # 共办理申请100件 is said of the year's caseload as often as of what was concluded
    _t3("办理申请", ("办理",), "handled", ("total",), also_rows=(("new",), ("new", "carried_over"))),
    _t3("上年结转", ("上年结转", "上年度结转", "上一年度结转", "上年度转入", "结转上年",
                   _short(T3_LABEL["carried_over"])), "carried_over", ("carried_over",)),
    _t3("上年结转", ("含上年结转", "包含上年结转", "包括上年结转", "含上年度结转", "含上一年度结转"),
        "carried_over", ("carried_over",), includes_carried=True),
    _t3("结转下年度", ("结转下年度", "结转至下年度", "结转到下年度", "结转下一年度", "结转至下一年度", "结转到下一年度",
                     "结转下年", "结转至下年", "转入下年度", "转入下一年度", "结转至次年", "结转次年", "尚在办理",
                     "仍在办理", "正在办理", "继续办理", _short(T3_LABEL["carry_forward"])),
        "carry_forward", ("carry_forward",)),
    *_results(),
    # 表三 columns: who applied
    _t3(T3_COL_LABEL["natural"], ("自然人", "公民", "个人"), "applicant", cols=("natural",)),
    _t3(spec.T3_ORGS, (spec.T3_ORGS, "法人和其他组织", "法人及其他组织", "法人或者其他组织", "法人"), "applicant",
        cols=ORG_COLS),
    *(_t3(T3_COL_LABEL[c], (T3_COL_LABEL[c], *extra), "applicant", cols=(c,))
      for c, extra in (("business", ("企业",)), ("research", ()), ("nonprofit", ("公益组织",)),
                       ("legal", ("律师事务所",)))),
    # 表四
    Term(T4_GROUP_LABEL["review"], (T4_GROUP_LABEL["review"], "复议"), "t4", "t4group", ("review",),
         units=T4_UNITS),
    Term(spec.T4_SUIT, (spec.T4_SUIT, "诉讼", "起诉", "应诉"), "t4", "t4group", SUITS, units=T4_UNITS),
    Term(T4_GROUP_LABEL["suit_direct"], (T4_GROUP_LABEL["suit_direct"], "直接起诉", "直接提起行政诉讼"), "t4",
         "t4group", ("suit_direct",)),
    Term(T4_GROUP_LABEL["suit_after_review"], (T4_GROUP_LABEL["suit_after_review"],), "t4", "t4group",
         ("suit_after_review",)),
    Term(T4_COL_LABEL["upheld"], (T4_COL_LABEL["upheld"], "维持", "予以维持", "被维持"), "t4", "t4col",
         cols=("upheld",)),
    Term(T4_COL_LABEL["corrected"], (T4_COL_LABEL["corrected"], "纠正", "被纠正", "纠错", "被纠错", "败诉", "撤销",
                                     "被撤销", "确认违法", "责令履行", "责令重新答复"), "t4",
         "t4col", cols=("corrected",)),
    Term(T4_COL_LABEL["other"], (T4_COL_LABEL["other"],), "t4", "t4col", cols=("other",)),
    Term(T4_COL_LABEL["pending"], (T4_COL_LABEL["pending"], "未审结", "正在审理", "尚在审理", "审理中"), "t4",
         "t4col", cols=("pending",)),
    # 表二
    Term(T2_ROW_LABEL["rules"], (T2_ROW_LABEL["rules"], "政府规章", "部门规章"), "t2", "t2doc", ("rules",),
         units=("件", "部", "个", "份", "项")),
    Term(T2_ROW_LABEL["normative"], (T2_ROW_LABEL["normative"], "规范性文件"), "t2", "t2doc", ("normative",),
         units=("件", "部", "个", "份", "项")),
    Term(T2_COL_LABEL["issued"], ("制发", "新制发", "印发", "制定", "新制定", "出台", _short(T2_COL_LABEL["issued"])),
         "t2", "t2verb", cols=("issued",), units=("件", "部", "个", "份", "项"), not_between=T2_VERBS_NOT_BETWEEN),
    Term(T2_COL_LABEL["repealed"], ("废止", "宣布废止", "予以废止"), "t2", "t2verb", cols=("repealed",),
         units=("件", "部", "个", "份", "项"), not_between=T2_VERBS_NOT_BETWEEN),
    Term(T2_COL_LABEL["in_force"], ("现行有效",), "t2", "t2verb", cols=("in_force",),
         units=("件", "部", "个", "份", "项"), not_between=T2_VERBS_NOT_BETWEEN),
    *(Term(T2_ROW_LABEL[row], (T2_ROW_LABEL[row],), "t2", "decision", (row,), ("decisions",),
           units=("件", "宗", "个", "起", "次"), not_between=DECISION_NOT_BETWEEN)
      for row in ("licensing", "penalty", "coercion")),
)

# Phrases that contain a term's words but speak of something else: they stop a number from
# being read as that term's (规章制度5项 is not 5 规章).
STOP_PHRASES = ("规章制度", "制度规章", "复议机关", "行政许可事项", "行政处罚事项", "行政强制事项", "结果公开",
                "个人信息", "不含上年结转", "不包含上年结转", "不包括上年结转", "未含上年结转",
                # part of the handled figure, never all of it: 延期答复2件, 当场答复3件
                "延期答复", "延长答复", "逾期答复", "超期答复", "当场答复", "现场答复", "当面答复", "书面答复",
                "电话答复", "网上答复", "邮寄答复", "延期办结", "逾期办结", "超期办结", "当场办结")

PARTS = "其中"  # the numbers after it are parts of the figure before it
RESPECTIVELY = "分别"  # a list of phrases, then their numbers in the same order
# a list of phrases, then one number that each of them has: 行政复议、行政诉讼各0件
EACH = re.compile(r"(?:各|均为|均是|都是)(?=\s*[0-9０-９零〇一二两三四五六七八九十])")

# Outcome words (W10). Groups: 复议 → review; 诉讼/起诉 → both suit groups; neither → all three.
ALL_UPHELD = ("均获维持", "全部维持", "均被维持", "均予维持", "均维持", "全部获得维持", "均得到维持", "零纠错",
              "无纠错", "未被纠错", "均未被纠错", "未被纠正", "均未被纠正")
NO_LOSS = ("无败诉", "未败诉", "零败诉", "没有败诉")
ALL_HANDLED = lazy(r"(?:全部|均已|(?<!平)均|已全部|全都|悉数)(?:按时|按期|依法|及时|在法定期限内)?(?:予以)?"
                         r"(?:办结|答复完毕|作出答复|答复|办理完毕)")
NONE_HAPPENED = lazy(r"(?:未|没有|无)(?:发生|出现|产生|收到|涉及)[^，。；,;]{0,16}?"
                           r"(?:行政复议|行政诉讼|复议|诉讼)(?:[和或及、与]*(?:行政复议|行政诉讼|复议|诉讼))?")
# Every outcome word above contains one of these: a text part or sentence without any is skipped
# (a substring test is far cheaper than the patterns).
OUTCOME_ANCHORS = ("维持", "纠", "败诉", "办结", "答复", "办理完毕", "复议", "诉讼")
NEGATION_BEFORE = ("未", "没有", "尚未", "不是", "并非", "未能")
