"""Reading the report's text as a reviewer does: which number speaks about which cells.

The text is cut into sentences (。！？ and line ends) and clauses (，；：and brackets). A number with
a count unit belongs to the nearest phrase of the vocabulary (``vocabulary.TERMS``) before it in
its clause, when nothing but plain words stand between them (no other number, no 同比/较上年, no
rate or duration). What the phrase leaves open (the row of an applicant column, the group of a
表四 result, the column of a 表二 row) comes from the phrases beside it in the clause, then from the
figure it is part of (其中), then from the sentence's previous figure of the same table.
``分别`` pairs a list of phrases with a list of numbers in order; ``各``/``均为`` gives each phrase the
one number. ``含上年结转`` (or a 其中 part that is 上年结转) makes a received figure 新收 + 上年结转.

Precision before recall: outside （二）依申请公开情况 a sentence speaks of 表三 only when it speaks
of 申请 and 公开/信息, and of 表四 only when it speaks of 公开; a clause about other work (建议, 提案,
热线, 审批…), another year (上年, 2021年), or a part of the same kind as its figure (其中按期办结…)
gives no claim; approximate figures (余, 多, 近, 约) are never read.

Everything is decided per sentence in one pass over it; a text is read in time linear in its length.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from ..lazyre import lazy
from . import vocabulary as voc
from .numbers import COUNT_UNITS, Number, figure_pattern, parse_numbers
from .vocabulary import Term

SENTENCE_END = re.compile(r"[。！？!?\n]+")
_END_CHAR = re.compile(r"[。！？!?\n]")
CLAUSE_BREAK = re.compile(r"[，,；;：:（）()【】\[\]“”\"]")
_STOP = object()
_MARK_PARTS = "parts"
_MARK_RESPECTIVELY = "respectively"
_MARK_EACH = "each"
_MAX_GAP = 18  # characters between a phrase and its number
_PERCENT_OF = lazy(r"占[^，,；;。]{0,8}$")
_YEAR = re.compile(r"(20\d\d)\s*年")
_OTHER_YEAR_WORDS = re.compile(r"上年(?!度?结转)|去年|上一年(?!度结转)|上一年度(?!结转)|同期")


def _phrase_index() -> tuple[re.Pattern, dict[str, object]]:
    meaning: dict[str, object] = {}
    for term in voc.TERMS:
        for phrase in term.phrases:
            meaning.setdefault(phrase, term)
    for phrase in voc.STOP_PHRASES:
        meaning[phrase] = _STOP
    meaning[voc.PARTS] = _MARK_PARTS
    meaning[voc.RESPECTIVELY] = _MARK_RESPECTIVELY
    alternatives = sorted(meaning, key=len, reverse=True)  # the longest phrase wins where two start
    return re.compile("|".join(map(re.escape, alternatives))), meaning


PHRASES, MEANING = _phrase_index()
_NOT_A_COUNT = re.compile("|".join(map(re.escape, voc.NOT_A_COUNT)))
_OTHER_BUSINESS = re.compile("|".join(map(re.escape, voc.OTHER_BUSINESS)))
_NOT_BETWEEN: dict[tuple[str, ...], re.Pattern] = {}


def _not_between(term: Term) -> re.Pattern:
    words = term.not_between
    if words not in _NOT_BETWEEN:
        _NOT_BETWEEN[words] = re.compile("|".join(map(re.escape, words)))
    return _NOT_BETWEEN[words]


# A sentence without a number in a unit some term counts in (or a share) holds no claim: most
# sentences of a report are not read further.
HAS_FIGURE = figure_pattern(tuple({u for t in voc.TERMS for u in t.units}))


@dataclass(eq=False)  # (compared by identity: one method fewer to compile at each start)
class Claim:
    """A number of the text and the cells it speaks about."""

    text_key: str
    sentence: str
    start: int  # of the phrase, in the sentence
    end: int  # of the phrase
    term: Term
    number: Number
    rows: tuple[str, ...]
    cols: tuple[str, ...]
    also_rows: tuple[tuple[str, ...], ...] = ()
    includes_carried: bool = False
    parent: Claim | None = None
    rows_from: Claim | None = None  # the figure whose rows this one took (其中自然人…)
    percent: Number | None = None  # 占…%: the share the text gives for this figure
    listed: bool = False  # from a 分别/各 list: the phrase and its number stand apart

    @property
    def quote(self) -> str:
        """The words of the claim: 受理政府信息公开申请9件 (分别 lists: 部分公开…3件)."""
        return self._words(self.number.text)

    def readings(self) -> list[tuple[str, ...]]:
        """The keys whose sum the number must equal, one tuple per acceptable reading."""
        row_sets = [self.rows, *self.also_rows]
        includes = self.includes_carried or (self.rows_from is not None and self.rows_from.includes_carried)
        if includes and "new" in self.rows and "carried_over" not in self.rows:
            row_sets = [(*self.rows, "carried_over")]
        return [cell_keys(self.term.table, rows, self.cols) for rows in row_sets]

    def with_number(self, value: object) -> str:
        """The quote as it should read: 受理政府信息公开申请5件."""
        return self._words(f"{value}{self.number.unit}")

    def _words(self, number: str) -> str:
        s = self.sentence
        if self.listed:
            return f"{s[self.start:self.end]}…{number}"
        return s[self.start:self.number.start] + number


@lru_cache(maxsize=1024)
def cell_keys(table: str, rows: tuple[str, ...], cols: tuple[str, ...]) -> tuple[str, ...]:
    """The keys of the cells at ``rows`` × ``cols`` of ``table`` (a few hundred combinations)."""
    return tuple(f"{table}.{r}.{c}" for r in rows for c in cols)


# The reader's records of one sentence are named tuples: quick to make, and created at every
# check's start for a fifth of a dataclass's cost (which compiles its methods at import).
class _Event(NamedTuple):
    """A phrase, number or mark of a sentence, at its place."""

    start: int
    end: int
    kind: str  # "phrase", "number", "mark"
    clause: int  # which clause of the sentence it is in
    term: Term | None = None
    number: Number | None = None
    mark: str = ""
    stop: bool = False


class _Sentence(NamedTuple):
    """A sentence being read, with where its clauses start."""

    text_key: str
    text: str
    year: int | None
    on_request: bool
    clause_starts: list[int]

    def clause(self, pos: int) -> int:
        return bisect_right(self.clause_starts, pos)

    def clause_text(self, pos: int) -> tuple[int, int]:
        i = self.clause(pos)
        start = self.clause_starts[i - 1] if i else 0
        end = self.clause_starts[i] - 1 if i < len(self.clause_starts) else len(self.text)
        return start, end


def sentences(text: str) -> Iterator[str]:
    for part in SENTENCE_END.split(text):
        if part.strip():
            yield part


def read_claims(text_key: str, text: str, year: int | None = None, on_request: bool = False) -> list[Claim]:
    """Every claim of one text part."""
    out: list[Claim] = []
    end = -1
    ends: list[int] | None = None  # where each sentence ends, found once a figure is found
    for m in HAS_FIGURE.finditer(text):
        if m.start() < end:
            continue  # in the sentence just read
        if ends is None:
            ends = [e.start() for e in _END_CHAR.finditer(text)] + [len(text)]
        i = bisect_right(ends, m.start())
        start = ends[i - 1] + 1 if i else 0
        end = ends[i]
        s = text[start:end]
        out.extend(_read_sentence(_Sentence(text_key, s, year, on_request,
                                            [c.end() for c in CLAUSE_BREAK.finditer(s)])))
    return out


def _events(s: _Sentence) -> list[_Event]:
    numbers = parse_numbers(s.text)
    if not any(n.is_count or n.is_percent for n in numbers):
        return []
    events: list[_Event] = []
    starts = s.clause_starts
    for m in PHRASES.finditer(s.text):
        meaning = MEANING[m.group(0)]
        clause = bisect_right(starts, m.start())
        if isinstance(meaning, Term):
            events.append(_Event(m.start(), m.end(), "phrase", clause, term=meaning))
        elif meaning is _STOP:
            events.append(_Event(m.start(), m.end(), "phrase", clause, stop=True))
        else:
            events.append(_Event(m.start(), m.end(), "mark", clause, mark=str(meaning)))
    for m in voc.EACH.finditer(s.text):
        events.append(_Event(m.start(), m.end(), "mark", bisect_right(starts, m.start()), mark=_MARK_EACH))
    for n in numbers:
        events.append(_Event(n.start, n.end, "number", bisect_right(starts, n.start), number=n))
    events.sort(key=lambda e: e.start)
    return events


def _read_sentence(s: _Sentence) -> list[Claim]:
    events = _events(s)
    claims: list[Claim] = []
    parent: Claim | None = None
    consumed: set[int] = set()  # numbers taken by a 分别/各 list
    last_count: Number | None = None  # the count a share (占…%) that follows it is of
    for i, ev in enumerate(events):
        if ev.kind == "mark" and ev.mark == _MARK_PARTS:
            # the figure the parts belong to: not a 含上年结转 note between them
            parent = next((c for c in reversed(claims) if not c.term.includes_carried), None)
            continue
        if ev.kind == "mark":
            claims.extend(_list_claims(s, events, i, parent, claims, consumed))
            continue
        if ev.kind == "phrase" and ev.term is not None and ev.term.includes_carried:
            _mark_includes(claims, s, ev)
        if ev.kind != "number" or i in consumed:
            continue
        n = ev.number
        assert n is not None
        if n.is_percent:
            _attach_percent(s, claims, n, last_count)
            continue
        if not n.is_count:
            continue
        last_count = n
        p = _nearest_phrase(s, events, i)
        if p is None or p.stop or p.term is None:
            continue
        claim = _claim(s, events, p, n, parent, claims)
        if claim is not None:
            if parent is not None and claim.term.role == "carried_over" and parent.term.role == "received":
                parent.includes_carried = True  # 收到6件，其中上年结转1件
            claims.append(claim)
    # 办结5件，其中按期办结4件: a part of the same kind as its figure is a subset, not the count
    return [c for c in claims if not (
        c.parent is not None and c.term.role == c.parent.term.role and c.term.role in ("received", "handled")
        and c.rows == c.parent.rows and not c.parent.includes_carried)]


def _nearest_phrase(s: _Sentence, events: list[_Event], i: int) -> _Event | None:
    """The phrase just before the number ``events[i]`` in its clause, if nothing else is between."""
    if i == 0:
        return None
    ev = events[i - 1]
    return ev if ev.kind == "phrase" and ev.clause == events[i].clause else None


def _claim(s: _Sentence, events: list[_Event], p: _Event, n: Number, parent: Claim | None,
           claims: list[Claim], listed: bool = False) -> Claim | None:
    term = p.term
    assert term is not None
    unit = n.unit
    if unit not in term.units:
        return None
    if not listed:
        gap = s.text[p.end:n.start]
        if len(gap) > _MAX_GAP or (gap and (_NOT_A_COUNT.search(gap) or (
                term.not_between and _not_between(term).search(gap)))):
            return None
    c_start, _ = s.clause_text(p.start)
    before = s.text[c_start:p.start]
    if _other_year(before, s.year):
        return None
    if term.table == "t3":
        if not (s.on_request or (voc.RECEIVED_CONTEXT in s.text and any(w in s.text for w in voc.DISCLOSURE_CONTEXT))):
            return None
        c0, c1 = s.clause_text(p.start)
        if _OTHER_BUSINESS.search(s.text, c0, c1):
            return None
    elif term.table == "t4" and not (s.on_request or "公开" in s.text):
        return None
    rows, cols, also = term.rows, term.cols, term.also_rows
    rows_from = None
    start = p.start
    if not rows or not cols:
        source = _fill_from(s, events, p, parent, claims, need_rows=not rows)
        if source is not None:
            if not rows:
                rows, also, rows_from, start = source
            else:
                cols, start = source[0], source[3]
            start = min(start, p.start)
    if not cols and term.table in ("t3", "t4"):
        cols = ("total",)
    if not rows and term.role == "applicant" and "申请" in s.text[p.end:n.start]:
        # 自然人申请4件: applications received, counted with or without 上年结转 (as the report's
        # main figure may be)
        rows, also = ("new",), (("new", "carried_over"),)
    if not rows or not cols:
        return None
    return Claim(s.text_key, s.text, start if not listed else p.start, p.end, term, n, rows, cols, also, parent=parent,
                 rows_from=rows_from, listed=listed)


def _fill_from(s: _Sentence, events: list[_Event], p: _Event, parent: Claim | None, claims: list[Claim],
               need_rows: bool) -> tuple[tuple, tuple, Claim | None, int] | None:
    """The missing rows (with their other readings) or columns of ``p``'s term: from a phrase
    before it in its clause, else the figure it is part of, else the sentence's last figure of
    the same table."""
    term = p.term
    assert term is not None
    clause = p.clause
    for ev in reversed([e for e in events if e.start < p.start]):
        if ev.clause != clause:
            break
        t = ev.term
        if ev.kind == "phrase" and t is not None and t.table == term.table and t.role != term.role:
            if need_rows and t.rows:
                return t.rows, t.also_rows, None, ev.start
            if not need_rows and t.cols:
                return t.cols, (), None, ev.start
    for c in ([parent] if parent else []) + [c for c in reversed(claims) if not c.term.includes_carried]:
        if c.term.table == term.table:
            if need_rows:
                return c.rows, c.also_rows, c, p.start
            return c.cols, (), None, p.start
    return None


def _list_claims(s: _Sentence, events: list[_Event], i: int, parent: Claim | None, claims: list[Claim],
                 consumed: set[int]) -> list[Claim]:
    """分别 (phrases, then their numbers in order) and 各 (phrases, then one number for all)."""
    mark = events[i]
    clause = mark.clause
    run: list[_Event] = []
    for ev in reversed(events[:i]):
        if ev.clause != clause or ev.kind != "phrase" or ev.stop or ev.term is None:
            break
        if run and ev.term.role != run[-1].term.role:  # type: ignore[union-attr]
            break
        run.append(ev)
    run.reverse()
    nums = [(j, e) for j, e in enumerate(events[i + 1:], i + 1)
            if e.kind == "number" and e.clause == clause]
    for j, _ in nums:
        consumed.add(j)
    if not run or not nums:
        return []
    numbers = [e.number for _, e in nums if e.number is not None]  # number events carry their number
    unit = numbers[-1].unit  # 分别为3、2、1件: the unit is written once, at the end
    if unit not in COUNT_UNITS or any(n.approx or n.unit not in ("", unit) for n in numbers):
        return []
    numbers = [Number(n.start, n.end, n.value, unit, n.approx, n.text) for n in numbers]
    if mark.mark == _MARK_EACH:
        if len(numbers) != 1:
            return []
        numbers = numbers * len(run)
    if len(numbers) != len(run):
        return []
    out: list[Claim] = []
    for p, n in zip(run, numbers, strict=True):
        claim = _claim(s, events, p, n, parent, claims + out, listed=True)
        if claim is not None:
            out.append(claim)
    return out


def _mark_includes(claims: list[Claim], s: _Sentence, ev: _Event) -> None:
    """含上年结转: the received figure just before it counts 上年结转 too."""
    for c in reversed(claims):
        if c.term.role == "received":
            c.includes_carried = True
            return


def _attach_percent(s: _Sentence, claims: list[Claim], n: Number, last_count: Number | None) -> None:
    """…3件，占60%: the share goes with the count just before it, when 占 introduces it and that
    count is a claim (当面申请12件，占12.6% is of no cell)."""
    before = s.text[max(0, n.start - 10):n.start]
    if not _PERCENT_OF.search(before) or not claims or last_count is None:
        return
    last = claims[-1]
    if last.number is last_count and s.clause(last.number.start) >= s.clause(n.start) - 1:
        last.percent = n


def _other_year(before: str, year: int | None) -> bool:
    """The clause speaks of another year: 上年/去年, or 2021年 in a 2022 report."""
    if _OTHER_YEAR_WORDS.search(before):
        return True
    return year is not None and any(int(y) != year for y in _YEAR.findall(before))


def claims_of(values: dict, keys: Iterable[str], on_request_key: str = "text.on_request") -> list[Claim]:
    """Every claim of the text parts ``keys`` of a report's values."""
    year = values.get("meta.year")
    out: list[Claim] = []
    for key in keys:
        text = values.get(key)
        if isinstance(text, str) and text:
            out.extend(read_claims(key, text, year if isinstance(year, int) else None,
                                   on_request=key == on_request_key))
    return out
