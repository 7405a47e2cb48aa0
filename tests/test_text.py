"""The text read against the tables (issue 12): numbers as Chinese reports write them, the
vocabulary, W5 and W10 on a table of sentences in the styles of 街道, 县政府 and 部门 reports (each
pattern both ways: a sentence that contradicts the tables and one that agrees), whole realistic
reports that must stay (almost) silent, and the similarity measure of W8."""

from __future__ import annotations

import pytest
from conftest import REFERENCE, shared_text

from toolkit import spec
from toolkit.importers import import_file
from toolkit.report import Report
from toolkit.rules import check
from toolkit.numerals import chinese_to_int
from toolkit.rules.numbers import parse_numbers
from toolkit.rules.reading import read_claims
from toolkit.rules.similarity import Shingles, normalize, repeated_share


def sample_values() -> dict[str, object]:
    from toolkit.sample import sample_data
    return {k: v for k, v in sample_data().items() if k in spec.INPUT_KEYS}


def t3(results: dict[str, dict[str, int]], carried: dict[str, int] | None = None,
       forward: dict[str, int] | None = None) -> dict[str, int]:
    """表三's inputs from its result rows, 上年结转 and 结转下年度: 新收 is what balances each column."""
    carried, forward = carried or {}, forward or {}
    out = {f"t3.{r}.{c}": 0 for r, _ in spec.T3_ROWS if r != "total" for c in spec.T3_APPLICANT_COLUMNS}
    for row, cols in results.items():
        for col, n in cols.items():
            out[f"t3.{row}.{col}"] = n
    for col in spec.T3_APPLICANT_COLUMNS:
        handled = sum(results.get(r, {}).get(col, 0) for r in spec.T3_RESULT_KEYS)
        out[f"t3.carried_over.{col}"] = carried.get(col, 0)
        out[f"t3.carry_forward.{col}"] = forward.get(col, 0)
        out[f"t3.new.{col}"] = handled + forward.get(col, 0) - carried.get(col, 0)
        assert out[f"t3.new.{col}"] >= 0
    return out


def t4(**groups: tuple[int, int, int, int]) -> dict[str, int]:
    out = {f"t4.{g}.{c}": 0 for g, _ in spec.T4_GROUPS for c, _ in spec.T4_COLUMNS[:-1]}
    for g, values in groups.items():
        for (c, _), v in zip(spec.T4_COLUMNS[:-1], values, strict=True):
            out[f"t4.{g}.{c}"] = v
    return out


def t2(**values: float) -> dict[str, float]:
    out = {k: 0 for k in spec.INPUT_KEYS if k.startswith("t2.")}
    out.update({f"t2.{k.replace('__', '.')}": v for k, v in values.items()})
    return out


SAMPLE = sample_values()  # 锦屏街道 2022: 新收5, 部分公开3, 其他处理2 (逾期不补正), 办结5, no cases
# 新收5 + 上年结转1 = 办结5 + 结转1
CARRIED = {**SAMPLE, "t3.carried_over.natural": 1, "t3.carry_forward.natural": 1}
FORWARD = {**SAMPLE, "t3.new.natural": 6, "t3.carry_forward.natural": 1}  # 新收6 = 办结5 + 结转1
REVIEW_CORRECTED = {**SAMPLE, "t4.review.corrected": 1}
SUIT = {**SAMPLE, "t4.suit_direct.upheld": 1}

# A county government: 新收95 (自然人81, 法人或其他组织14), 上年结转5, 办结92, 结转8.
COUNTY = {
    **SAMPLE, "meta.unit": "某县人民政府", "meta.unit_level": "政府",
    **t3({"granted": {"natural": 34, "business": 6}, "partial": {"natural": 10, "business": 2},
          "denied_third_party": {"natural": 3}, "denied_process": {"natural": 2},
          "unable_not_held": {"natural": 17, "business": 1, "legal": 2}, "unable_create": {"natural": 4},
          "rejected_petition": {"natural": 3}, "rejected_repeat": {"natural": 2},
          "other_no_correction": {"natural": 4, "nonprofit": 1}, "other_other": {"legal": 1}},
         carried={"natural": 4, "business": 1}, forward={"natural": 6, "business": 1, "nonprofit": 1}),
    **t4(review=(3, 1, 0, 1), suit_direct=(2, 0, 1, 1), suit_after_review=(1, 0, 0, 0)),
    **t2(normative__issued=12, normative__repealed=3, normative__in_force=86, licensing__decisions=1203,
         penalty__decisions=56, coercion__decisions=4, fees__amount=0),
}
# A department: 新收12 (自然人9, 商业企业2, 法律服务机构1), 上年结转1, 办结12, 结转1; one review, upheld.
DEPARTMENT = {
    **SAMPLE, "meta.unit": "某县自然资源局", "meta.unit_level": "部门",
    **t3({"granted": {"natural": 4, "business": 2}, "partial": {"natural": 2},
          "unable_not_held": {"natural": 3}, "rejected_repeat": {"legal": 1}},
         carried={"natural": 1}, forward={"natural": 1}),
    **t4(review=(1, 0, 0, 0)),
    **t2(normative__issued=2, normative__repealed=1, normative__in_force=15, licensing__decisions=320,
         penalty__decisions=18),
}
DEPARTMENT_SUIT = {**DEPARTMENT, **t4(review=(1, 0, 0, 0), suit_after_review=(0, 0, 0, 1))}

TABLES = {"sample": SAMPLE, "carried": CARRIED, "forward": FORWARD, "review_corrected": REVIEW_CORRECTED,
          "suit": SUIT, "county": COUNTY, "department": DEPARTMENT, "department_suit": DEPARTMENT_SUIT}


def report(values: dict[str, object]) -> Report:
    return Report.from_raw(dict(values), "test", "json")


def text_findings(values: dict[str, object], previous: dict[str, object] | None = None):
    result = check(report(values), report(previous) if previous is not None else None)
    return [f for f in result.findings if f.rule in ("W5", "W10")]


# (table, text part, sentence, the findings it must raise as "RULE:key")
P = "text.proactive"
R = "text.on_request"
SENTENCES: list[tuple[str, str, str, tuple[str, ...]]] = [
    # --- the sentences of the issue (锦屏街道's tables) -------------------------------------------
    ("sample", R, "本年度共受理政府信息公开申请9件。", ("W5:t3.new.total",)),
    ("sample", R, "本年度共受理政府信息公开申请5件。", ()),
    ("sample", R, "收到政府信息公开申请九件，均已按时答复。", ("W5:t3.new.total",)),
    ("sample", R, "收到政府信息公开申请五件，均已按时答复。", ()),
    ("sample", R, "本年度收到申请1,234件。", ("W5:t3.new.total",)),
    ("sample", R, "本年度收到申请1，234件。", ("W5:t3.new.total",)),
    ("sample", R, "收到申请3宗。", ("W5:t3.new.total",)),
    ("sample", R, "收到申请5宗，按时答复8件。", ("W5:t3.total.total",)),
    ("sample", R, "收到申请5宗，按时答复5件。", ()),
    ("sample", R, "我街道依法办结依申请公开信息5件，其中自然人申请4件、法人或其他组织申请1件。",
     ("W5:t3.total.natural", "W5:t3.total.business")),
    ("sample", R, "我街道依法办结依申请公开信息5件，其中自然人申请5件、法人或其他组织申请0件。", ()),
    ("sample", R, "从办理结果看，部分公开2件，其他处理2件。", ("W5:t3.partial.total",)),
    ("sample", R, "从办理结果看，部分公开3件，其他处理2件。", ()),
    ("sample", R, "其中予以公开3件。", ("W5:t3.granted.total",)),
    ("sample", R, "其中予以公开0件，部分公开3件，因申请人逾期不补正不再处理2件。", ()),
    ("review_corrected", R, "发生行政复议1件，均获维持。", ("W10:t4.review.corrected",)),
    ("review_corrected", R, "发生行政复议1件，被复议机关纠正1件。", ()),
    ("forward", R, "共收到申请6件，已全部办结。", ("W10:t3.carry_forward.total",)),
    ("forward", R, "共收到申请6件，办结5件，1件结转下年度继续办理。", ()),
    ("sample", P, "本年度制发规范性文件3件。", ("W5:t2.normative.issued",)),
    ("sample", P, "本年度未制发规范性文件。", ()),
    ("carried", R, "共收到政府信息公开申请6件（含上年结转1件）。", ()),
    ("carried", R, "共收到政府信息公开申请5件（含上年结转1件）。", ("W5:t3.new.total",)),
    ("carried", R, "本年度新收政府信息公开申请6件。", ("W5:t3.new.total",)),
    ("carried", R, "本年度受理申请6件。", ()),
    ("carried", R, "本年度受理申请5件。", ()),
    ("carried", R, "本年度受理申请7件。", ("W5:t3.new.total",)),
    ("carried", R, "本年度共收到政府信息公开申请6件，其中新收5件，上年结转1件。", ()),
    ("carried", R, "本年度共收到政府信息公开申请6件，其中新收6件，上年结转1件。", ("W5:t3.new.total",)),
    ("sample", R, "因政府信息公开引起的行政复议0件，行政诉讼0件。", ()),
    ("sample", R, "因政府信息公开引起的行政复议2件，行政诉讼1件。", ("W5:t4.review.total", "W5:t4.suit_direct.total")),
    ("sample", R, "本年度未发生因政府信息公开引起的行政复议和行政诉讼。", ()),
    ("suit", R, "本年度未发生因政府信息公开引起的行政复议和行政诉讼。", ("W10:t4.suit_direct.total",)),
    ("sample", R, "行政复议、行政诉讼各0件。", ()),
    ("suit", R, "行政复议、行政诉讼各0件。", ("W5:t4.suit_direct.total",)),
    # --- a county government ----------------------------------------------------------------------
    ("county", R, "2022年，县政府办公室共收到政府信息公开申请95件，上年结转5件，共办结92件，结转下年度继续办理8件。", ()),
    ("county", R, "2022年，县政府办公室共收到政府信息公开申请100件，上年结转5件，共办结92件，结转下年度继续办理8件。",
     ("W5:t3.new.total",)),
    ("county", R, "2022年共受理政府信息公开申请100件（含上年结转5件）。", ()),
    ("county", R, "2022年共受理政府信息公开申请95件。", ()),
    ("county", R, "2022年共受理政府信息公开申请98件。", ("W5:t3.new.total",)),
    ("county", R, "从申请人类型看，自然人申请81件，法人或其他组织申请14件。", ()),
    ("county", R, "从申请人类型看，自然人申请88件，法人或其他组织申请10件。", ("W5:t3.new.natural", "W5:t3.new.business")),
    ("county", R, "在已办结的92件申请中，予以公开40件，占43.5%；部分公开12件，占13.0%；不予公开5件；无法提供24件；"
                  "不予处理5件；其他处理6件。", ()),
    ("county", R, "在已办结的92件申请中，予以公开40件，占45%；部分公开12件。", ("W5:t3.granted.total",)),
    ("county", R, "办结的申请中，予以公开42件，部分公开12件，无法提供24件。", ("W5:t3.granted.total",)),
    ("county", R, "办理结果中，予以公开、部分公开、无法提供分别为40件、12件、24件。", ()),
    ("county", R, "办理结果中，予以公开、部分公开、无法提供分别为40件、24件、12件。",
     ("W5:t3.partial.total", "W5:t3.unable_not_held.total")),
    ("county", R, "不予公开的5件中，属于保护第三方合法权益的3件，属于过程性信息的2件。", ()),
    ("county", R, "不予公开的5件中，属于保护第三方合法权益的2件，属于过程性信息的3件。",
     ("W5:t3.denied_third_party.total", "W5:t3.denied_process.total")),
    ("county", R, "无法提供的24件中，本机关不掌握相关政府信息20件，没有现成信息需要另行制作4件。", ()),
    ("county", R, "无法提供的24件中，本机关不掌握相关政府信息18件，没有现成信息需要另行制作4件。",
     ("W5:t3.unable_not_held.total",)),
    ("county", R, "全年共发生政府信息公开行政复议5件，其中维持3件、纠正1件、尚未审结1件；行政诉讼5件，"
                  "其中维持3件、其他结果1件、尚未审结1件。", ()),
    ("county", R, "全年共发生政府信息公开行政复议5件，其中维持4件、尚未审结1件。", ("W5:t4.review.upheld",)),
    ("county", R, "全年共发生政府信息公开行政复议5件，均获维持。", ("W10:t4.review.corrected",)),
    ("county", R, "行政复议5件，除1件被纠正、1件尚未审结外，其余均获维持。", ()),
    ("county", R, "行政诉讼5件，无败诉案件。", ()),
    ("county", R, "行政复议5件，无败诉。", ("W10:t4.review.corrected",)),
    ("county", P, "全年制发行政规范性文件12件，废止3件，现行有效行政规范性文件86件。", ()),
    ("county", P, "全年制发行政规范性文件15件，废止3件，现行有效行政规范性文件86件。", ("W5:t2.normative.issued",)),
    ("county", P, "全县作出行政许可决定1,203件、行政处罚决定56件、行政强制决定4件。", ()),
    ("county", P, "全县作出行政许可决定1，230件、行政处罚决定56件、行政强制决定4件。", ("W5:t2.licensing.decisions",)),
    ("county", P, "主动公开行政处罚信息560条，行政许可事项目录120项，建立健全规章制度5项。", ()),
    ("county", R, "结转下年度继续办理的8件均在法定期限内。", ()),
    ("county", R, "结转下年度继续办理6件。", ("W5:t3.carry_forward.total",)),
    ("county", R, "与上年相比，收到申请增加20件，同比增长26.7%。", ()),
    ("county", R, "县政府办公室2022年受理依申请公开100件，较上年增长26.6%，办结92件。", ()),
    ("county", R, "2021年收到申请75件，2022年收到申请95件。", ()),
    ("county", R, "收到人大代表建议56件、政协委员提案80件，均已按时办结。", ()),
    ("county", R, "全年处理群众来信来访120件次，办理12345热线工单3,456件。", ()),
    ("county", R, "依申请公开办理平均用时8个工作日，答复率100%。", ()),
    ("county", R, "全年收到申请近百件，办结90余件。", ()),
    # --- a department -----------------------------------------------------------------------------
    ("department", R, "本局2022年度新收政府信息公开申请12件，上年结转1件，办结12件，结转下年度1件。", ()),
    ("department", R, "本局2022年度新收政府信息公开申请13件，上年结转1件，办结12件，结转下年度1件。", ("W5:t3.new.total",)),
    ("department", R, "本局共受理政府信息公开申请十三件（含上年结转一件），已全部办结。", ("W10:t3.carry_forward.total",)),
    ("department", R, "本局共受理政府信息公开申请十三件（含上年结转一件），办结十二件，一件结转至下年度继续办理。", ()),
    ("department", R, "收到的申请中，自然人申请9件，商业企业申请2件，法律服务机构申请1件。", ()),
    ("department", R, "收到的申请中，自然人申请11件，商业企业申请2件，法律服务机构申请1件。", ("W5:t3.new.natural",)),
    ("department", R, "办结的12件中，予以公开6件、部分公开2件、无法提供3件、不予处理1件。", ()),
    ("department", R, "办结的12件中，予以公开6件、部分公开2件、无法提供2件、不予处理2件。",
     ("W5:t3.unable_not_held.total", "W5:t3.rejected_petition.total")),
    ("department", R, "其中予以公开6件，占50%；部分公开2件，占16.7%。", ()),
    ("department", R, "其中予以公开6件，占60%；部分公开2件，占16.7%。", ("W5:t3.granted.total",)),
    ("department", R, "行政复议1件，结果维持1件，行政诉讼0件。", ()),
    ("department", R, "行政复议1件，结果纠正1件，行政诉讼0件。", ("W5:t4.review.corrected",)),
    ("department", P, "本年度制定规章0件，制发行政规范性文件2件，废止1件，现行有效15件。", ()),
    ("department", P, "本年度制发行政规范性文件2件，废止2件，现行有效15件。", ("W5:t2.normative.repealed",)),
    ("department", P, "全年办理行政许可事项320件，作出行政处罚决定十八件。", ()),
    ("department", P, "全年作出行政处罚决定二十件。", ("W5:t2.penalty.decisions",)),
    ("department", R, "对照检查，本年度依申请公开办结率100%，未发生行政诉讼。", ()),
    ("department_suit", R, "对照检查，本年度依申请公开办结率100%，未发生行政诉讼。", ("W10:t4.suit_after_review.total",)),
    # --- ordinary prose that must stay silent ----------------------------------------------------------
    ("county", R, "全年共办结92件，其中按期办结90件，依法延期答复2件，当场答复15件。", ()),
    ("county", R, "收到申请95件，其中当面申请10件、网络申请70件、信函申请15件。", ()),
    ("county", "text.overview", "全年共受理各类行政审批申请12,345件，办结12,300件。", ()),
    ("county", "text.overview", "县司法局全年共办理行政复议案件56件，均获维持。", ()),
    ("county", R, "收到申请95件，为群众提供政策咨询服务300余次。", ()),
    ("county", "text.oversight", "全年办理人大代表建议和政协提案136件，均已按时办结。", ()),
    ("forward", R, "对上年结转的申请，均已办结。", ()),
    ("county", R, "全年共办理政府信息公开申请100件。", ()),
    ("county", R, "全年答复均在法定期限内，平均答复时间为9.6个工作日。", ()),
    ("county", R, "从申请方式看，收到申请95件，当面申请12件，占12.6%。", ()),
    ("county", R, "全年共办理政府信息公开申请92件。", ()),
    ("county", R, "全年共办理政府信息公开申请90件。", ("W5:t3.total.total",)),
    # --- the styles of real reports: 沭阳县 (受理 = 新收 + 上年结转), 上海市 (受理 = 新收) ------------------
    ("county", R, "2022年，县政府办公室共受理政府信息公开申请100件，其中新收申请95件，上年结转5件。"
                  "按申请人类型划分，自然人提出申请85件，法人或其他组织提出申请15件。", ()),
    ("county", R, "2022年，县政府办公室共受理政府信息公开申请100件，其中新收申请95件，上年结转6件。",
     ("W5:t3.carried_over.total",)),
    ("county", R, "2022年，本机关共收到政府信息公开申请95件（不含上年结转），在收到的95件申请中，自然人申请81件。", ()),
    ("county", R, "2022年，本机关共收到政府信息公开申请100件（不含上年结转）。", ("W5:t3.new.total",)),
    ("county", R, "因政府信息公开被申请行政复议5件，其中维持3件，撤销1件，尚未审结1件。", ()),
    ("county", R, "因政府信息公开被申请行政复议5件，其中维持3件，撤销2件。", ("W5:t4.review.corrected",)),
]


def sentence_id(case) -> str:
    table, part, sentence, expected = case
    return f"{table}-{'warn' if expected else 'ok'}-{sentence[:14]}"


@pytest.mark.parametrize("case", SENTENCES, ids=sentence_id)
def test_sentence_against_tables(case):
    table, part, sentence, expected = case
    values = {**TABLES[table], part: sentence}
    if part != R:  # the sentence alone speaks: the sample's own （二） would add its own claims
        values[R] = "我街道依申请公开工作情况见表三。"
    findings = text_findings(values)
    got = set()
    for f in findings:
        assert f.keys[0] == part, f.to_dict()
        assert sentence[:6] in f.message or "…" in f.message, f.message
        got |= {f"{f.rule}:{k}" for k in f.keys[1:2]}  # the first key the figure speaks about
    assert got == set(expected), [f.message for f in findings]


def test_the_table_is_balanced():
    agree = sum(1 for *_, e in SENTENCES if not e)
    disagree = len(SENTENCES) - agree
    assert len(SENTENCES) >= 60 and min(agree, disagree) >= 0.4 * len(SENTENCES), (agree, disagree)


def test_w5_message_says_what_the_sentence_should_read():
    values = {**SAMPLE, R: "本年度共收到政府信息公开申请9件，办结5件。"}
    (f,) = text_findings(values)
    assert f.rule == "W5" and (f.expected, f.found) == (5, 9)
    assert "本年度共收到政府信息公开申请9件，办结5件" in f.message
    assert "应为“共收到政府信息公开申请5件”" in f.message
    assert f.column == "新收申请"
    assert f.keys == (R, "t3.new.total")


def test_accepted_read_both_ways_names_both():
    values = {**CARRIED, R: "本年度受理申请7件。"}
    (f,) = text_findings(values)
    assert "应为“受理申请5件”（若含上年结转，应为6件）" in f.message


def test_bundled_sample_is_clean():
    result = check(report(SAMPLE))
    assert result.findings == []


# --- whole reports ----------------------------------------------------------------------------------

STREET_REPORT = {
    "text.overview": "2022年，某街道办事处在区委、区政府的正确领导下，认真贯彻落实《中华人民共和国政府信息公开条例》，"
                     "围绕街道中心工作，扎实推进政务公开。本报告所列数据的统计期限自2022年1月1日起至2022年12月31日止。",
    "text.proactive": "2022年，我街道通过区政府门户网站街道专栏主动公开政府信息156条，其中机构职能3条、工作动态98条、"
                      "财政预决算4条、民生实事51条。本年度未制发规范性文件。",
    "text.on_request": "2022年度，我街道共收到政府信息公开申请5件，均为自然人申请，上年无结转。从办理结果看，"
                       "部分公开3件，因申请人逾期不补正不再处理2件，全部在法定期限内答复。本年度未发生因政府信息公开引起的"
                       "行政复议和行政诉讼。",
    "text.management": "街道严格落实信息发布审核制度，坚持“先审后发、谁发布谁负责”，全年未发生泄密事件。",
    "text.platform": "持续维护街道政务公开专栏，及时更新栏目内容，做好便民服务大厅公开栏的日常管理。",
    "text.oversight": "将政务公开工作纳入年度考核，组织业务培训2次，参训人员30人次。",
    "text.problems": "一是公开内容不够丰富，二是工作人员业务能力有待提高。下一步将加强培训，丰富公开形式。",
    "text.other": "本年度未收取信息处理费。",
}

COUNTY_REPORT = {
    "text.overview": "2022年，某县人民政府深入贯彻落实《中华人民共和国政府信息公开条例》和上级工作要点，"
                     "以公开促落实、以公开强监管、以公开优服务，全县政务公开工作取得新成效。",
    "text.proactive": "全年通过县政府门户网站主动公开政府信息12,356条。县政府及县政府办公室全年制发行政规范性文件12件，"
                      "废止3件，现行有效行政规范性文件86件。全县作出行政许可决定1,203件、行政处罚决定56件、"
                      "行政强制决定4件，均按规定在门户网站公示。",
    "text.on_request": "2022年，县政府办公室共受理政府信息公开申请100件（含上年结转5件），其中自然人申请85件，"
                       "法人或其他组织申请15件。已办结92件，结转下年度继续办理8件。办结的申请中，予以公开40件，占43.5%；"
                       "部分公开12件；不予公开5件；无法提供24件；不予处理5件；其他处理6件。全年共发生政府信息公开行政复议5件，"
                       "其中维持3件、纠正1件、尚未审结1件；行政诉讼5件，其中维持3件、其他结果1件、尚未审结1件。"
                       "针对被纠错的案件，我们逐案分析原因，完善了答复文书模板。",
    "text.management": "修订完善《某县政府信息公开审查办法》，规范公开前保密审查，全年审查拟公开信息3,000余条。",
    "text.platform": "优化县政府门户网站政府信息公开专栏，新增“重点领域信息公开”等栏目12个，全年发布政策解读52篇。",
    "text.oversight": "将政务公开纳入县级机关绩效考核，开展第三方评估1次，组织全县政务公开培训3场次、培训200余人次。"
                      "本年度未发生政务公开责任追究情况。",
    "text.problems": "一是部分单位主动公开的及时性不够；二是政策解读形式较为单一。2023年将加强督促检查，丰富解读形式。",
    "text.other": "本年度未收取信息处理费。县政府办公室全年办理人大代表建议56件、政协委员提案80件，均已按时办结。",
}

DEPARTMENT_REPORT = {
    "text.overview": "",
    "text.proactive": "本局2022年主动公开政府信息326条。本年度制定规章0件，制发行政规范性文件2件，废止1件，现行有效15件。"
                      "全年办理行政许可事项320件，作出行政处罚决定十八件。",
    "text.on_request": "本局2022年度新收政府信息公开申请12件，上年结转1件。收到的申请中，自然人申请9件，商业企业申请2件，"
                       "法律服务机构申请1件。办结的12件中，予以公开6件、部分公开2件、无法提供3件、不予处理1件，"
                       "另有1件结转至下年度继续办理。因政府信息公开引起行政复议1件，结果维持1件，未发生行政诉讼。",
    "text.management": "建立政府信息公开属性源头认定机制，公文起草时同步明确公开属性。",
    "text.platform": "依托县政府门户网站本局专栏发布信息，同步通过政务微信公众号推送，全年推送信息210条。",
    "text.oversight": "局党组专题研究政务公开工作2次，将政务公开纳入科室年度考核。",
    "text.problems": "依申请公开答复的规范化水平有待提升。下一步将组织答复文书专题培训。",
    "text.other": "本局未收取信息处理费。",
}

TOWNSHIP_REPORT = {
    "text.overview": "某镇人民政府2022年政府信息公开工作年度报告根据《中华人民共和国政府信息公开条例》编制。",
    "text.proactive": "全年在镇政府信息公开专栏发布信息86条。",
    "text.on_request": "2022年，我镇未收到政府信息公开申请，无上年结转申请，也未发生因政府信息公开引起的行政复议、行政诉讼。",
    "text.management": "严格落实“三审三校”制度，确保公开信息准确无误。",
    "text.platform": "做好镇政务公开专栏和村务公开栏的日常维护。",
    "text.oversight": "镇党委会议研究政务公开工作1次。",
    "text.problems": "公开的主动性有待加强。下一步将加强对村（社区）的指导。",
    "text.other": "无其他需要报告的事项，本年度未收取信息处理费。",
}
# A county's report in the words web-published ones use: rates, channels, 较2021年, 平均答复时间.
COUNTY_WEB_REPORT = {
    "text.overview": "2022年，县政府办公室坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，认真落实《中华人民共和国政府信息公开条例》，围绕县委、县政府中心工作，不断加大政府信息公开力度，全年召开政务公开工作专题会议2次，印发《2022年政务公开工作要点》1份。",
    "text.proactive": "全年通过政府门户网站累计发布各类政府信息12,356条，其中发布政策文件156件、政策解读89篇、新闻发布会8场。"
                      "制发行政规范性文件12件、废止3件，现行有效86件，均已在门户网站规范性文件库集中公开。"
                      "全县作出行政许可决定1,203件、行政处罚决定56件、行政强制决定4件。"
                      "县财政局公开部门预算、决算97个。",
    "text.on_request": "2022年，县政府办公室共收到政府信息公开申请95件，较2021年增加20件，增长26.7%；加上上年结转的5件，共需办理100件。"
                       "从申请方式看，当面申请12件，占12.6%，网络申请70件，信函申请13件。"
                       "从申请人看，自然人申请81件，占85.3%；法人或其他组织申请14件，占14.7%。"
                       "从办理结果看，予以公开40件，部分公开12件，不予公开5件，无法提供24件，不予处理5件，其他处理6件，另有8件结转至2023年继续办理。"
                       "全年答复均在法定期限内，平均答复时间为9.6个工作日。"
                       "因政府信息公开被申请行政复议5件、被提起行政诉讼5件，复议结果为维持3件、纠正1件、尚未审结1件。",
    "text.management": "制定完善政府信息公开保密审查、发布审核等制度4项，对拟公开的3,000余条信息进行保密审查。",
    "text.platform": "政府门户网站全年访问量达120万余人次，开设专题专栏18个，政务新媒体发布信息2,100余条。",
    "text.oversight": "组织政务公开业务培训3期，培训人员260余人次；开展第三方评估1次，通报问题12个，已全部整改到位。"
                      "未发生因政务公开工作不到位引起的责任追究情况。",
    "text.problems": "一是政策解读质量有待提升；二是基层政务公开标准化规范化水平仍需加强。",
    "text.other": "本年度未收取信息处理费。",
}

# A department's, plainly written: 接收, 上一年度结转, 同意公开, a review upheld by 复议机关.
DEPARTMENT_PLAIN_REPORT = {
    "text.overview": "本局深入贯彻落实《中华人民共和国政府信息公开条例》，全面推进决策、执行、管理、服务、结果公开，各项工作取得明显成效。",
    "text.proactive": "2022年，我局通过县政府门户网站公开各类信息326条，其中机构信息12条、政策文件23条、工作动态210条、人事信息6条、财政资金信息15条、其他信息60条。"
                      "全年共计办理建设用地审批事项45件、不动产登记业务3,215件。"
                      "全年出台行政规范性文件2件，废止1件。",
    "text.on_request": "本年度我局共接收政府信息公开申请12件，比上年减少3件，全部为网上申请。"
                       "上一年度结转申请1件。"
                       "按照法定时限，我局对13件申请全部予以答复，其中1件因需征求第三方意见，依法延长答复期限，结转至2023年办理。"
                       "办理结果为：同意公开6件、部分公开2件、本机关不掌握相关政府信息3件、重复申请1件。"
                       "本年度行政复议1件，复议机关维持了我局的答复；未发生行政诉讼。",
    "text.management": "建立健全信息发布审查机制，落实“三审三校”制度，全年未发生泄密事件。",
    "text.platform": "进一步规范局政务公开专栏，新设“土地征收”等栏目3个。",
    "text.oversight": "开展政务公开培训2次，参训80余人次，将政务公开工作纳入各科室年度考核。",
    "text.problems": "公开内容的深度和广度仍需拓展。",
    "text.other": "本年度未收取信息处理费。",
}
ZERO = {**SAMPLE, **t3({}), "meta.unit": "某镇人民政府"}

REPORTS = [("street", SAMPLE, STREET_REPORT), ("county", COUNTY, COUNTY_REPORT),
           ("department", DEPARTMENT, DEPARTMENT_REPORT), ("township", ZERO, TOWNSHIP_REPORT),
           ("county_web", COUNTY, COUNTY_WEB_REPORT), ("department_plain", DEPARTMENT, DEPARTMENT_PLAIN_REPORT)]


@pytest.mark.parametrize("name, tables, texts", REPORTS, ids=[r[0] for r in REPORTS])
def test_whole_report_that_agrees_is_quiet(name, tables, texts):
    result = check(report({**tables, **texts}))
    assert not result.errors, [f.message for f in result.errors]
    # the issue allows one warning on a clean real report; these written ones collect none
    assert result.warnings == [], [f.message for f in result.warnings]


@pytest.mark.parametrize("name, old, new, tables, expected", [
    ("street", "共收到政府信息公开申请5件", "共收到政府信息公开申请6件", {}, ("W5", "t3.new.total")),
    ("county", "予以公开40件", "予以公开41件", {}, ("W5", "t3.granted.total")),
    ("department", "结果维持1件", "结果维持1件，纠正1件", {}, ("W5", "t4.review.corrected")),
    ("township", "", "", {"t4.review.pending": 1}, ("W10", "t4.review.total")),
    ("county_web", "自然人申请81件，占85.3%", "自然人申请81件，占83.5%", {}, ("W5", "t3.new.natural")),
    ("department_plain", "同意公开6件", "同意公开7件", {}, ("W5", "t3.granted.total")),
])
def test_whole_report_with_one_figure_changed_is_noticed(name, old, new, tables, expected):
    _, base, texts = next(r for r in REPORTS if r[0] == name)
    texts = {k: v.replace(old, new) if old else v for k, v in texts.items()}
    findings = text_findings({**base, **tables, **texts})
    assert [(f.rule, f.keys[1]) for f in findings] == [expected], [f.message for f in findings]


# --- numbers ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("十二", 12), ("二十五", 25), ("一百零三", 103), ("两", 2), ("十", 10), ("一万二千", 12000),
    ("两千零五", 2005), ("三百五十", 350), ("二〇二二", 2022), ("九十", 90),
    ("万", None), ("千千", None), ("五件", None), ("5", None),  # not numerals: values.parse_number asks it too
])
def test_chinese_numerals(text, value):
    assert chinese_to_int(text) == value


@pytest.mark.parametrize("text, value, unit, approx", [
    ("1,234件", 1234, "件", False), ("1，234件", 1234, "件", False), ("５件", 5, "件", False),
    ("九件", 9, "件", False), ("两宗", 2, "宗", False), ("一百零三条", 103, "条", False), ("3项", 3, "项", False),
    ("4个", 4, "个", False), ("2份", 2, "份", False), ("6次", 6, "次", False), ("1.5万元", 1.5, "万元", False),
    ("350元", 350, "元", False), ("三万元", 3, "万元", False), ("60%", 60, "%", False), ("12.5％", 12.5, "%", False),
    ("百分之六十", 60, "%", False), ("100余件", 100, "件", True), ("100多件", 100, "件", True),
    ("近百件", 100, "件", True), ("约30件", 30, "件", True), ("20件左右", 20, "件", True),
])
def test_numbers_as_written(text, value, unit, approx):
    (n,) = parse_numbers(text)
    assert (n.value, n.unit, n.approx) == (value, unit, approx)


@pytest.mark.parametrize("text", ["一是加强培训", "千方百计", "每一件申请", "十分重视", "统一标准"])
def test_words_are_not_numbers(text):
    assert parse_numbers(text) == []


def test_a_duration_is_not_a_count():
    (n,) = parse_numbers("3个工作日")
    assert not n.is_count


def test_reading_pairs_respectively_in_order():
    claims = read_claims(R, "其中予以公开、部分公开、其他处理分别为0件、3件、2件。", 2022, on_request=True)
    assert [(c.term.name, c.number.value) for c in claims] == [("予以公开", 0), ("部分公开", 3), ("其他处理", 2)]


def test_reading_a_list_of_another_length_is_silent():
    assert read_claims(R, "予以公开、部分公开分别为3件、2件、1件。", 2022, on_request=True) == []


# --- similarity (W8, W13) -------------------------------------------------------------------------

def test_similarity_ignores_whitespace_and_punctuation():
    assert normalize("一、总体 情况：“好”。\n") == "一总体情况好"
    assert repeated_share("今年我们加强了培训，提升了能力。", "今年 我们加强了培训 提升了能力") == 1.0


def test_similarity_is_a_share_of_this_texts_shingles():
    old = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"  # 20 characters
    new = old[:10] + "一二三四五六七八九十"
    assert 0 < repeated_share(new, old) < 0.5
    assert repeated_share(old, old + new) == 1.0
    assert repeated_share("", old) == 0.0
    assert len(Shingles.of(old)) == 13



# --- W11 (late report) and W12 (jumps from last year) --------------------------------------------

def rule_findings(rule: str, values: dict[str, object], previous: dict[str, object] | None = None):
    result = check(report(values), report(previous) if previous is not None else None)
    return [f for f in result.findings if f.rule == rule]


@pytest.mark.parametrize("level, date, late", [
    ("乡镇街道", "2023-01-31", False), ("乡镇街道", "2023年2月1日", True), ("部门", "2023/1/20", False),
    ("部门", "2023.3.1", True), ("政府", "2023-03-31", False), ("政府", "二〇二三年四月一日", True),
    ("政府", "二O二三年四月一日", True), ("部门", "二Ｏ二三年二月一日", True),  # a Latin or full-width O for 〇
    ("其他", "2023-06-30", False), (None, "2023-06-30", False), ("政府", None, False), ("部门", "年初", False),
])
def test_w11_statutory_deadline(level, date, late):
    found = rule_findings("W11", {**SAMPLE, "meta.unit_level": level, "meta.date": date})
    assert bool(found) == late, [f.message for f in found]
    if late:
        assert found[0].keys[0] == "meta.date" and "2023年" in found[0].expected


@pytest.mark.parametrize("now, before, jump", [
    (60, 11, True), (11, 60, True), (50, 10, False), (10, 50, False), (9, 100, False), (100, 9, False),
    (12, 10, False),
])
def test_w12_jumps_both_ways(now, before, jump):
    last = {**SAMPLE, **COUNTY_REPORT, "t2.normative.in_force": before}
    found = rule_findings("W12", {**SAMPLE, "t2.normative.in_force": now}, last)
    assert [f.keys for f in found] == ([("t2.normative.in_force",)] if jump else [])


def test_w12_reads_table_three_totals():
    last = {**COUNTY, **COUNTY_REPORT}
    this = {**COUNTY, **t3({"granted": {"natural": 600}}), **STREET_REPORT}
    keys = {f.keys[0] for f in rule_findings("W12", this, last)}
    assert keys == {"t3.new.total", "t3.total.total"}


def test_w8_whole_text_both_ways():
    last = {**COUNTY, **COUNTY_REPORT}
    copied = {**COUNTY, **COUNTY_REPORT, "text.problems": "今年的问题：人员少，培训不足。下一步增加人员。"}
    (f,) = rule_findings("W8", copied, last)
    assert "8字片段" in f.message and f.found.startswith("与上年") and int(f.found[3:-3]) >= 50
    assert rule_findings("W8", {**COUNTY, **STREET_REPORT}, last) == []


# --- W7: a year the text presents as the report's own ---------------------------------------------
# (text part, sentence, the year W7 must name or None): 锦屏街道's report year is 2022. Last year is
# named in comparisons, carry-overs and past events all the time: only the 统计期限 and a year opening
# a sentence as its subject (a leftover of last year's report) are told.
M = "text.management"
YEAR_SENTENCES: list[tuple[str, str, int | None]] = [
    # --- the report's own year, or another year in ordinary prose: silent ---------------------------
    (R, "收到申请5件，其中2021年度结转0件。", None),
    (R, "收到申请5件，较2021年度增长25%。", None),
    (M, "2021年度的问题已全部整改。", None),
    (M, "与2021年度相比，公开信息增加12条。", None),
    (R, "2021年，我街道收到申请4件。", None),
    (R, "2021年度结转的1件申请已于本年办结。", None),
    (R, "2021年度，我街道收到申请4件，2022年度收到5件。", None),
    (R, "2021年度，我街道收到申请4件，较2020年度增加1件。", None),
    (M, "对照2021年度考核中发现的问题，逐项完成整改。", None),
    (P, "2022年度，我街道主动公开政府信息220条。", None),
    (P, "本报告所列数据的统计期限自2022年1月1日起至2022年12月31日止。", None),
    (M, "《2021年度政府信息公开工作年度报告》已按时发布。", None),
    (M, "2021年度同期发布信息180条，本年有所增加。", None),
    (M, "自2019年度以来，我街道持续推进政务公开标准化建设。", None),
    # --- another year presented as the report's own: W7 ------------------------------------------------
    ("text.overview", "本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。", 2021),
    (P, "2021年度，我街道主动公开政府信息220条。", 2021),
    (R, "2021年度我街道共收到政府信息公开申请5件。", 2021),
    (M, "街道严格落实信息发布审核制度。\n2021年度，全年未发生泄密事件。", 2021),
    (M, "信息管理规范有序。2021年度，本机关修订保密审查制度1项。", 2021),
]


@pytest.mark.parametrize("part, sentence, year", YEAR_SENTENCES,
                         ids=[f"{'warn' if y else 'ok'}-{s[:14]}" for _, s, y in YEAR_SENTENCES])
def test_w7_year_of_the_text(part, sentence, year):
    found = rule_findings("W7", {**SAMPLE, part: sentence})
    assert [(f.keys[0], f.found) for f in found] == ([(part, year)] if year else []), [f.message for f in found]
    if year:
        assert str(year) in found[0].message and "报告年度是2022年" in found[0].message


def test_w7_silent_on_the_real_report():
    shared_text(REFERENCE)
    imported = import_file(REFERENCE).report("reference")
    assert imported.values["meta.year"] == 2022
    assert [f.message for f in check(imported).findings if f.rule == "W7"] == []
    # the same report a year on, still naming 2022 (its 统计期限 untouched): told once, in its 概述
    a_year_on = Report.from_raw({**imported.values, "meta.year": 2023}, "test", "json")
    told = [f for f in check(a_year_on).findings if f.rule == "W7"]
    assert told and all(f.found == 2022 for f in told), [f.message for f in told]
