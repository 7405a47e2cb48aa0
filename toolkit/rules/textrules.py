"""The rules that read the report's text against the tables: W5 (numbers and shares) and W10
(outcome words). What the words mean is ``vocabulary``; how a sentence is read is ``reading``."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .. import spec
from ..lazyre import lazy
from . import text as textparts
from . import vocabulary as voc
from .engine import CheckRule, Context, Finding, finding, fmt_number
from .reading import CLAUSE_BREAK, Claim, claims_of, sentences

_QUOTE_MAX = 60
PERCENT_TOLERANCE = 0.1  # percentage points: 3/7 written 42.9% or 42.86% is right, 43% is not


def quote(sentence: str, start: int, end: int) -> str:
    """The sentence, or the part of a long one around [start, end)."""
    lead = len(sentence) - len(sentence.lstrip())
    sentence, start, end = sentence.strip(), start - lead, end - lead
    if len(sentence) <= _QUOTE_MAX:
        return sentence
    a = max(0, min(start, len(sentence)) - 20)
    b = min(len(sentence), max(end, a + _QUOTE_MAX - 20))
    return ("…" if a else "") + sentence[a:b] + ("…" if b < len(sentence) else "")


def where(keys: tuple[str, ...]) -> str:
    """The cells a figure sums, in a reader's words."""
    if len(keys) == 1:
        return spec.describe(keys[0])
    fields = [spec.FIELDS[k] for k in keys]
    table = spec.TABLE_OF_KEY[keys[0]].short
    rows = list(dict.fromkeys(f.row_path for f in fields))
    cols = list(dict.fromkeys(f.col_label for f in fields))
    if table == "表四" and len(cols) == 1:
        return table + "、".join(f"「{r}」" for r in rows) + f"的「{cols[0]}」之和"
    if table == "表四":
        return "、".join(spec.describe(k) for k in keys) + "之和"
    groups = {r.split("·")[0] for r in rows}
    if len(groups) == 1 and len(cols) == 1 and "·" in rows[0]:  # a group of 表三: （四）无法提供
        return f"{table}「{groups.pop()}」各行「{cols[0]}」列之和"
    if len(rows) == 1:
        return f"{table}「{rows[0]}」行" + "、".join(f"「{c}」" for c in cols) + "列之和"
    if len(cols) == 1:
        return f"{table}" + "、".join(f"「{r}」" for r in rows) + f"行「{cols[0]}」列之和"
    return "、".join(spec.describe(k) for k in keys) + "之和"


# How a reading of a figure is said in a message: 受理6件 (若含上年结转，应为…)
_READING_WORDS = {("new",): "指本年新收", ("new", "carried_over"): "含上年结转", ("total",): "指已办结"}


def _rows_of(keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k.split(".")[1] for k in keys))


def _table_sum(ctx: Context, keys: tuple[str, ...]) -> int | float | None:
    """The sum of the cells, None when one is not a number (E1/E2 report those)."""
    values = ctx.report.values
    total: int | float = 0
    for k in keys:
        v = values.get(k)
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            return None
        total += v
    return total


def _label(text_key: str) -> str:
    return spec.TEXT_LABELS[text_key]


def text_numbers(rule: CheckRule, ctx: Context) -> Iterable[Finding]:
    """W5: each number the text states against the cells it speaks about; the shares it gives;
    lists whose parts do not add up."""
    for claim in claims_of(ctx.report.values, textparts.SECTION_ONE):
        readings = [(keys, _table_sum(ctx, keys)) for keys in claim.readings()]
        found = claim.number.value
        if any(v is not None and abs(v - found) < 1e-9 for _, v in readings):
            if claim.percent is not None:
                yield from _percent_findings(rule, ctx, claim)
        else:
            yield from _claim_findings(rule, ctx, claim, readings)
    for total in textparts.part_sums(ctx.report.values):
        yield finding(ctx, rule, f"正文「{_label(total.text_key)}」写“{total.quote}”，"
                                 f"但其中各项相加为{fmt_number(total.parts)}，不等于{fmt_number(total.number)}。",
                      (total.text_key,), expected=total.number, found=total.parts, column="分项之和")


def _claim_findings(rule: CheckRule, ctx: Context, claim: Claim,
                    readings: list[tuple[tuple[str, ...], int | float | None]]) -> Iterable[Finding]:
    """W5 for a figure that no reading of the table matches."""
    readings = [(k, v) for k, v in readings if v is not None]
    if not readings:
        return
    found = claim.number.value
    keys, expected = readings[0]
    should = f"应为“{claim.with_number(fmt_number(expected))}”"
    others = [f"若{_READING_WORDS.get(_rows_of(k), '按另一种算法')}，应为{fmt_number(v)}{claim.number.unit}"
              for k, v in readings[1:] if v != expected]
    if others:
        should += "（" + "；".join(dict.fromkeys(others)) + "）"
    elif claim.includes_carried:
        should += "（含上年结转）"
    said = quote(claim.sentence, claim.start, claim.number.end)
    yield finding(ctx, rule, f"正文「{_label(claim.text_key)}」写“{said}”，其中“{claim.quote}”与表格不符："
                             f"{where(keys)}为{fmt_number(expected)}，{should}。",
                  (claim.text_key, *keys), expected=expected, found=found, column=claim.term.name)


def _percent_findings(rule: CheckRule, ctx: Context, claim: Claim) -> Iterable[Finding]:
    """占…%: recomputed from the table when the base is clear, told when off by more than 0.1
    point. The base of a result row is the year's handled total (or, as some reports count,
    the received figure); of an applicant column, its row's total; of a 表四 result, its group's
    total. Any of them matching is enough."""
    pct = claim.percent
    if pct is None or claim.listed:
        return
    table, role = claim.term.table, claim.term.role
    part_keys = claim.readings()[0]
    if role == "result":
        bases = [tuple(f"t3.{r}.{c}" for c in claim.cols) for r in ("total", "new")]
        bases.append(tuple(f"t3.{r}.{c}" for r in ("new", "carried_over") for c in claim.cols))
    elif role == "applicant":
        bases = [tuple(f"t3.{r}.total" for r in claim.rows)]
    elif table == "t4" and role == "t4col":
        bases = [tuple(f"t4.{g}.total" for g in claim.rows)]
    else:
        return
    part = _table_sum(ctx, part_keys)
    shares = []
    for base_keys in bases:
        base = _table_sum(ctx, base_keys)
        if part is not None and base:
            shares.append((base_keys, 100 * part / base))
    if not shares or any(abs(share - pct.value) <= PERCENT_TOLERANCE for _, share in shares):
        return
    base_keys, share = shares[0]
    said = quote(claim.sentence, claim.start, pct.end)
    yield finding(ctx, rule, f"正文「{_label(claim.text_key)}」写“{said}”，但按表格{fmt_number(part)}÷"
                             f"{fmt_number(_table_sum(ctx, base_keys))}（{where(base_keys)}）计算，占比应为"
                             f"{share:.1f}%，不是{fmt_number(pct.value)}%。",
                  (claim.text_key, *part_keys, *base_keys), expected=f"{share:.1f}%",
                  found=f"{fmt_number(pct.value)}%", column="占比")


# --- W10: outcome words ------------------------------------------------------------------------

_INCLUDES = lazy("|".join(p for t in voc.TERMS if t.includes_carried for p in t.phrases))
_GROUP_WORDS = lazy(r"复议|诉讼|起诉|应诉")
_EXCEPT = ("其余", "除", "其他", "另外", "以外")
_T4_GROUPS = tuple(g for g, _ in spec.T4_GROUPS)


def _groups(prefix: str) -> tuple[str, ...]:
    """The 表四 groups an outcome word speaks of: those named in the last clause before it that
    names any (复议 → review; 诉讼/起诉 → both suit groups); none named → all three."""
    last = None
    for m in _GROUP_WORDS.finditer(prefix):
        last = m
    if last is None:
        return _T4_GROUPS
    starts = [m.end() for m in CLAUSE_BREAK.finditer(prefix, 0, last.start())]
    clause = prefix[starts[-1] if starts else 0:]
    out: list[str] = []
    if "复议" in clause.replace("复议后起诉", "").replace("未经复议", ""):
        out.append("review")
    if any(w in clause for w in ("诉讼", "起诉", "应诉")):
        out.extend(voc.SUITS)
    return tuple(out) or _T4_GROUPS


def _negated(prefix: str) -> bool:
    return prefix.endswith(voc.NEGATION_BEFORE) or prefix.endswith(tuple(n + "能" for n in voc.NEGATION_BEFORE))


def outcome_words(rule: CheckRule, ctx: Context) -> Iterable[Finding]:
    """W10: 均获维持/无败诉/全部办结/未发生行政复议 against 表三 and 表四."""
    for text_key in textparts.SECTION_ONE:
        text = ctx.value(text_key)
        if not isinstance(text, str) or not _has_anchor(text):
            continue
        for sentence in sentences(text):
            if _has_anchor(sentence):
                yield from _outcomes(rule, ctx, text_key, sentence)


_ANCHOR = re.compile("|".join(voc.OUTCOME_ANCHORS))


def _has_anchor(text: str) -> bool:
    return _ANCHOR.search(text) is not None


def _cases(ctx: Context, groups: tuple[str, ...], cols: tuple[str, ...]) -> list[tuple[str, int | float]]:
    out = []
    for g in groups:
        for c in cols:
            v = ctx.number(f"t4.{g}.{c}")
            if v:
                out.append((f"t4.{g}.{c}", v))
    return out


def _outcomes(rule: CheckRule, ctx: Context, text_key: str, sentence: str) -> Iterable[Finding]:
    label = _label(text_key)
    about_disclosure = text_key == "text.on_request" or "公开" in sentence
    for words, cols, claim_word, anchors in ((voc.ALL_UPHELD, ("corrected", "pending"), "均获维持", ("维持", "纠")),
                                             (voc.NO_LOSS, ("corrected",), "无败诉", ("败诉",))):
        if not about_disclosure or not any(a in sentence for a in anchors):
            continue
        for word in words:
            pos = sentence.find(word)
            if pos < 0:
                continue
            prefix = sentence[:pos]
            if _negated(prefix) or any(w in prefix[-12:] for w in _EXCEPT):
                break
            bad = _cases(ctx, _groups(prefix), cols)
            if bad:
                keys = tuple(k for k, _ in bad)
                found = "、".join(f"{spec.describe(k)}为{fmt_number(v)}" for k, v in bad)
                yield finding(ctx, rule, f"正文「{label}」写“{quote(sentence, pos, pos + len(word))}”，"
                                         f"但{found}：与“{word}”不符，请改写正文或核对表四。",
                              (text_key, *keys), expected=f"与“{claim_word}”相符", found=found,
                              column=word)
            break
    handled = any(a in sentence for a in ("办结", "答复", "办理完毕"))
    for m in voc.ALL_HANDLED.finditer(sentence) if handled else ():
        prefix = sentence[:m.start()]
        if _negated(prefix) or any(w in prefix[-12:] for w in _EXCEPT):
            continue
        if not (text_key == "text.on_request" or voc.RECEIVED_CONTEXT in sentence):
            continue
        # 上年结转的申请均已办结 speaks of the carried ones only, and a sentence that itself tells of
        # 结转 (…其中1件结转至下年度) is not wrong; 含上年结转 is just a note
        if any(w in sentence for w in voc.OTHER_BUSINESS) or "结转" in _INCLUDES.sub("", sentence):
            continue
        n = ctx.number("t3.carry_forward.total")
        if n:
            key = "t3.carry_forward.total"
            yield finding(ctx, rule, f"正文「{label}」写“{quote(sentence, m.start(), m.end())}”，"
                                     f"但{spec.describe(key)}为{fmt_number(n)}：有申请结转下年度继续办理，"
                                     f"不能说“{m.group(0)}”。", (text_key, key), expected=0, found=n,
                          column=m.group(0))
        break
    none = about_disclosure and ("复议" in sentence or "诉讼" in sentence) and any(
        w in sentence for w in ("未", "没有", "无"))
    for m in voc.NONE_HAPPENED.finditer(sentence) if none else ():
        after = sentence[m.end():m.end() + 4]
        if any(w in after for w in ("被", "纠", "败诉", "撤销", "维持")):
            continue
        said = m.group(0)
        groups: list[str] = []
        if "复议" in said:
            groups.append("review")
        if "诉讼" in said:
            groups.extend(voc.SUITS)
        bad = _cases(ctx, tuple(groups), ("total",))
        if bad:
            keys = tuple(k for k, _ in bad)
            found = "、".join(f"{spec.describe(k)}为{fmt_number(v)}" for k, v in bad)
            yield finding(ctx, rule, f"正文「{label}」写“{quote(sentence, m.start(), m.end())}”，但{found}。",
                          (text_key, *keys), expected=0, found=sum(v for _, v in bad), column=said)
