"""Findings and the rule engine.

A rule is data: an id, a severity, a title, a description and an expression over keys. Most rules
are sum equalities (``SumRule``) expanded over the columns or rows they apply to; the others are
small check functions (``CheckRule``). ``check`` runs every rule of the catalogue over a report and
returns findings: plain data that carry the rule, the table, row and column labels, the cells, and
the expected and found values, so that every output (console, JSON, workbook marks, status lists)
is made from the same findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Literal, NamedTuple

from .. import spec
from ..errors import EXIT_ERRORS, EXIT_OK
from ..ooxml.cells import CellPos
from ..report import Report

Severity = Literal["error", "warning"]
SEVERITY_WORD = {"error": "错误", "warning": "提示"}
# A report's verdict in words: the heading's 【…】 (check, import) and audit's 状态 column. A
# published report whose tables could not be read (pasted as pictures, not found) has no error
# found in them, yet was not checked: it is not 通过 (CheckResult.verdict).
PASSED, PASSED_WITH_WARNINGS, FAILED = "通过", "通过（有提示）", "有错误"
TABLES_UNCHECKED, PARTLY_CHECKED = "未能审核表格", "部分审核"
VERDICT_CODE = {PASSED: "passed", PASSED_WITH_WARNINGS: "passed", FAILED: "errors",  # for programs (--json)
                TABLES_UNCHECKED: "tables_unread", PARTLY_CHECKED: "partly_checked"}


# Findings are named tuples, not frozen dataclasses: made by every check, and a frozen dataclass
# compiles six methods when it is created (~0.6 ms at each start), a named tuple one.
class Finding(NamedTuple):
    """One result of a rule: what is wrong where, what was found and what is expected."""

    rule: str
    severity: Severity
    message: str  # Chinese, complete: where, what was found, what is expected
    keys: tuple[str, ...] = ()
    table: str = ""  # 表二/表三/表四/基本信息/正文/模板
    row: str = ""
    column: str = ""
    cell: CellPos | None = None  # the cell to look at first (workbooks only)
    cells: tuple[CellPos, ...] = ()  # every cell involved (workbooks only)
    expected: object = None
    found: object = None
    # An imported document (or its JSON data) has no cells: where it printed the value to look at
    # first, and every value involved (FORMAT.md's ``sources``: 第4页 表三「…」行「自然人」列).
    source: str = ""
    sources: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        """The place to look first, for people: ``'表三 依申请公开'!D7`` or the document's place;
        "" when there is none (JSON data, a finding about the whole report)."""
        return str(self.cell) if self.cell is not None else self.source

    def to_dict(self) -> dict[str, object]:
        """For findings.json and ``check --json``: places as text (``cell``, ``cells``) whether
        they are a workbook's cells or a document's places."""
        return {"rule": self.rule, "severity": self.severity, "message": self.message, "keys": list(self.keys),
                "table": self.table, "row": self.row, "column": self.column, "cell": self.where,
                "cells": [str(c) for c in self.cells] if self.cells else list(self.sources),
                "expected": self.expected, "found": self.found}


@dataclass(eq=False)  # (compared by identity: one method fewer to compile at each start)
class Context:
    """What the rules see: the report, and optionally last year's and the summary's units."""

    report: Report
    previous: Report | None = None
    parts: list[Report] | None = None  # for a summary (汇总): the units it sums
    # collected one level up (a city's batch): a district's summary is a unit, its texts written
    # after the tables, so their being empty is expected there
    rollup: bool = False

    @property
    def texts_later(self) -> bool:
        """A district's summary in the city's batch, or a unit's spreadsheet of the tables only:
        its texts may be empty, that is no finding."""
        return self.report.tables_only or self.rollup and self.report.summary_of is not None

    def value(self, key: str) -> object:
        return self.report.values.get(key)

    def number(self, key: str) -> int | float | None:
        v = self.report.values.get(key)
        return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def place(key: str) -> tuple[str, str, str]:
    """(table, row, column) labels of a key, for findings."""
    f = spec.FIELDS[key]
    if f.table == "meta":
        return "基本信息", f.label, ""
    if f.table == "text":
        return "正文", f.label, ""
    return spec.TABLE_OF_KEY[key].short, f.row_path, f.col_label


FOCUS: Literal["focus"] = "focus"  # finding(cell=...): the focus key's cell


def finding(ctx: Context, rule: Rule, message: str, keys: Iterable[str], *, focus: str = "",
            expected: object = None, found: object = None, row: str | None = None,
            column: str | None = None, severity: Severity | None = None,
            cell: CellPos | None | Literal["focus"] = FOCUS) -> Finding:
    """A finding located at ``focus`` (default: the first key), involving ``keys``; of the
    rule's severity unless the rule gives a milder one for this case. ``row`` and ``cell`` name
    another place to look first (a check line rather than one of the keys' cells; None: no cell)."""
    keys = tuple(keys)
    focus = focus or keys[0]
    table, row_label, col_label = place(focus)
    cells, sources = ctx.report.cells, ctx.report.sources
    return Finding(rule.id, severity or rule.severity, message, keys, table,
                   row_label if row is None else row, col_label if column is None else column,
                   cells.get(focus) if cell == FOCUS else cell, tuple(cells[k] for k in keys if k in cells),
                   expected, found, sources.get(focus, ""), tuple(sources[k] for k in keys if k in sources))


# A rule is itself (compared and hashed by identity, eq=False): two methods fewer to compile at
# each start, for each of the three rule classes.
@dataclass(frozen=True, eq=False)
class Rule:
    """A rule of FORMAT.md: its id, severity and what it checks."""

    id: str
    severity: Severity
    title: str  # one line, Chinese
    expression: str  # what it checks, over keys, for the rules document

    def run(self, ctx: Context) -> Iterable[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError


def fmt_number(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(v)


PREVIOUS = "prev:"  # a term read from last year's report


# A slotted dataclass, not a named tuple: read in the sum rules' inner loop (a named tuple's field
# is a descriptor call, ~7% of the rules' time), where a batch runs them for every workbook.
@dataclass(frozen=True, slots=True)
class Term:
    """One key of a sum rule's expression, with its sign and year."""

    key: str
    sign: int  # +1 or -1
    previous: bool  # from last year's report


def parse_term(text: str) -> Term:
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("-")
    previous = text.startswith(PREVIOUS)
    return Term(text.removeprefix(PREVIOUS), sign, previous)


@dataclass(frozen=True, eq=False)
class SumRule(Rule):
    """For each item of ``over``: sum(lhs) == sum(rhs), the key patterns formatted with the item.

    A term is a key pattern, ``-`` before it subtracts it, ``prev:`` reads it from last year's
    report (the rule is then skipped without one). ``focus`` names the term whose cell a finding
    points at. Skipped where a term has no valid value: the cell rules report those."""

    over: tuple[str, ...] = ()
    lhs: tuple[str, ...] = ()
    rhs: tuple[str, ...] = ()
    focus: str = ""
    # (row label, cell) of the line that checks the equation for an item, where there is one
    anchor: Callable[[Context, str], tuple[str, CellPos | None]] | None = None
    hint: str = ""  # what to do, after the figures

    @cached_property
    def needs_previous(self) -> bool:
        return any(parse_term(t).previous for t in (*self.lhs, *self.rhs))

    @cached_property
    def equations(self) -> tuple[tuple[tuple[Term, ...], tuple[Term, ...], str, str], ...]:
        """The concrete equations, expanded once (a batch runs the rules thousands of times)."""
        return tuple((tuple(parse_term(k.format(c=item)) for k in self.lhs),
                      tuple(parse_term(k.format(c=item)) for k in self.rhs),
                      self.focus.format(c=item), item) for item in self.over)

    def run(self, ctx: Context) -> Iterable[Finding]:
        if self.needs_previous and ctx.previous is None:
            return
        this = ctx.report.values
        last = ctx.previous.values if ctx.previous is not None else this  # (prev: terms need it, above)
        for lhs, rhs, focus, item in self.equations:
            left = _numbers(lhs, this, last)
            right = _numbers(rhs, this, last) if left is not None else None
            if left is None or right is None:
                continue
            a = sum(t.sign * v for t, v in zip(lhs, left, strict=False))
            b = sum(t.sign * v for t, v in zip(rhs, right, strict=False))
            if abs(a - b) < 1e-9:
                continue
            keys = tuple(dict.fromkeys(t.key for t in (*lhs, *rhs) if not t.previous))
            row, cell = self.anchor(ctx, item) if self.anchor else (None, FOCUS)
            yield finding(ctx, self, self._message(lhs, rhs, left, right, a, b), keys,
                          focus=focus or lhs[0].key, expected=b, found=a, row=row, cell=cell)

    def _message(self, lhs, rhs, left, right, a, b) -> str:
        where = spec.describe(lhs[0].key) if len(lhs) == 1 else _column_place(lhs[0].key)
        left_text = _sum_text(lhs, left)
        right_text = _sum_text(rhs, right)
        # the title states what should hold ('现行有效件数等于…'): the finding is that it does not
        return (f"{where}：不符合“{self.title}”。{left_text}"
                f"{'' if len(lhs) == 1 else ' = ' + fmt_number(a)}，应等于{right_text} = {fmt_number(b)}，"
                f"相差{fmt_number(abs(a - b))}。{self.hint}")


def _numbers(terms: tuple[Term, ...], this: dict[str, object], last: dict[str, object]) -> list[int | float] | None:
    """The terms' numbers (``last``: last year's values), or None when one has no valid number
    (the cell rules report those). One call per side of an equation: the rules run for every
    workbook of a batch."""
    out: list[int | float] = []
    for t in terms:
        v = (last if t.previous else this).get(t.key)
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            return None
        out.append(v)
    return out


def _sum_text(terms: tuple[Term, ...], values: list) -> str:
    """'一、本年新收…(5) + 二、上年结转…(0)'; a long sum is named by its count."""
    if len(terms) > 4:
        return f"{len(terms)}项之和"
    fields = [spec.FIELDS[t.key] for t in terms]
    # Name each term by what differs between them: the row when they share a column.
    same_row = len({f.row_path for f in fields}) == 1
    out = ""
    for i, (t, f, v) in enumerate(zip(terms, fields, values, strict=False)):
        label = ("上年" if t.previous else "") + (f.col_label if same_row and len(terms) > 1
                                                  else f.row_label if f.table == "t3" else f.col_label)
        out += ("" if i == 0 else (" − " if t.sign < 0 else " + ")) + f"{label}({fmt_number(v)})"
    return out


def _column_place(key: str) -> str:
    f = spec.FIELDS[key]
    return f"{spec.TABLE_OF_KEY[key].short}「{f.col_label}」列"


@dataclass(frozen=True, eq=False)
class CheckRule(Rule):
    """A rule whose check is a function of the context, yielding findings."""

    fn: Callable[[CheckRule, Context], Iterable[Finding]] | None = None
    needs: Literal["report", "previous", "parts"] = "report"

    def run(self, ctx: Context) -> Iterable[Finding]:
        if self.needs == "previous" and ctx.previous is None:
            return ()
        if self.needs == "parts" and not ctx.parts:
            return ()
        assert self.fn is not None, f"rule {self.id} has no check"
        return self.fn(self, ctx)


SEVERITY_ORDER = {"error": 0, "warning": 1}
TABLE_ORDER = ("模板", "基本信息", "正文", "表二", "表三", "表四")  # as the form goes


@cache
def _positions() -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """(table, row label) and (table, column label) -> first position in the form, for sorting."""
    rows: dict[tuple[str, str], int] = {}
    cols: dict[tuple[str, str], int] = {}
    for i, key in enumerate(spec.FIELDS):
        table, row, col = place(key)
        rows.setdefault((table, row), i)
        cols.setdefault((table, col), i)
    return rows, cols


def order_key(f: Finding) -> tuple:
    """Errors first, then by table, row, column (as the form goes), then rule: the same file
    always lists its findings in the same order."""
    rows, cols = _positions()
    table = TABLE_ORDER.index(f.table) if f.table in TABLE_ORDER else len(TABLE_ORDER)
    rule = (f.rule[:1], int(f.rule[1:])) if f.rule[1:].isdigit() else (f.rule, 0)
    big = len(spec.FIELDS)  # a line of its own below the table (勾稽关系) comes after its rows
    return (SEVERITY_ORDER[f.severity], table, rows.get((f.table, f.row), big),
            cols.get((f.table, f.column), big), rule, f.message)


def run_rules(rules: Iterable[Rule], ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    for rule in rules:
        out.extend(rule.run(ctx))
    out.sort(key=order_key)
    return out


@dataclass
class CheckResult:
    """One file's verdict."""

    report: Report
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the user should know beside findings

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def passed(self) -> bool:
        return not self.errors

    @property
    def verdict(self) -> str:
        """有错误 for any error; else, for an imported report whose tables' numbers were not all
        read (``Report.unread``), 未能审核表格 (none of them) or 部分审核 (some); else 通过."""
        if self.errors:
            return FAILED
        if self.report.unread:
            return TABLES_UNCHECKED if len(self.report.unread) >= len(spec.TABLE_INPUT_KEYS) else PARTLY_CHECKED
        return PASSED_WITH_WARNINGS if self.warnings else PASSED

    @property
    def not_final(self) -> str:
        """Why a report built from this data is a draft, not to be published ("" when it may be):
        its errors, or its tables' numbers not all read (they would be printed blank)."""
        if self.errors:
            return f"{len(self.errors)}个错误"
        if self.report.unread:
            return f"{self.verdict}：{self.unread_said}"
        return ""

    @property
    def unread_said(self) -> str:
        """How many of the tables' numbers were not read, in words."""
        return f"表格中有{len(self.report.unread)}项数值没有读到"

    @property
    def exit_code(self) -> int:
        """0 passed (warnings allowed); 1 errors, or tables not (all) read: not every number was checked."""
        return EXIT_OK if self.verdict in (PASSED, PASSED_WITH_WARNINGS) else EXIT_ERRORS
