"""Report data: what was read from a workbook or a JSON file, as key → value.

Adapters (the workbook reader, the JSON loader, the xlwings live book) each produce the raw values
they found; ``Report.from_raw`` turns them into typed values in one place, so every source is
judged by the same code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from . import spec

# Their old home, for one round: the errors live in toolkit.errors.
from .errors import OldFormat as OldFormat  # noqa: F401
from .errors import UnusableFile as UnusableFile  # noqa: F401
from .ooxml.cells import CellPos
from .values import BLANK, Formula, Problem, parse, show

Origin = Literal["workbook", "json", "live", "document"]
FORMULA_DELETED = "公式被删除，改为"  # a broken total's start, then what the cell holds (rule E8)


class StructureChange(NamedTuple):  # (not a frozen dataclass: a fifth of the cost at each start)
    """Rows or columns inserted into or deleted from one table of a workbook (rule E8)."""

    table: str  # 表二, 表三, 表四, or the first sheet's name
    what: str  # what changed, in the words of the table's labels
    keys: tuple[str, ...]  # the keys of that table: their formulas moved with the change
    deleted: tuple[str, ...] = ()  # keys whose cell was deleted
    focus: str = ""  # the key whose cell a finding points at


def spreadsheet_totals(raw: dict[str, object]) -> dict[str, object]:
    """computed key -> what its SUM formula shows in Excel, WPS or LibreOffice: numbers count,
    text (even a number typed as text), blanks and logical values do not; an input holding a
    formula counts its result."""
    out: dict[str, object] = {}

    def value(key: str) -> float:
        f = spec.FIELDS[key]
        if f.is_computed:
            if key not in out:
                out[key] = sum(value(t) for t in f.computed_from)
            return out[key]  # type: ignore[return-value]  # a sum, set just above
        v = raw.get(key)
        if isinstance(v, Formula):
            v = v.cached
        return v if isinstance(v, (int, float)) and not isinstance(v, bool) else 0

    for key in spec.COMPUTED_KEYS:
        value(key)
    return out


@dataclass
class Report:
    """One report's data: every key's raw and typed value, and where each was found."""

    source: str  # the file it came from (or a description of the live book)
    origin: Origin
    raw: dict[str, object]  # key -> the raw value as found; absent keys are None
    values: dict[str, object]  # key -> typed value, None where absent or invalid
    problems: dict[str, Problem] = field(default_factory=dict)  # key -> why its raw value is invalid
    cells: dict[str, CellPos] = field(default_factory=dict)  # key -> its cell (workbooks only)
    # key -> where an imported document printed it (FORMAT.md's ``sources``: 第4页 表三「…」行「…」列);
    # a document or JSON data has no cells, only these places
    sources: dict[str, str] = field(default_factory=dict)
    # computed keys whose workbook formula was deleted or changed: key -> what was found there
    broken_formulas: dict[str, str] = field(default_factory=dict)
    saved_at: str | None = None  # the workbook's own save time (docProps), ISO format
    # a digest of the file's bytes as read: write-back knows by it that a workbook is still the
    # one that was checked, without reading it again
    digest: str | None = None
    # computed keys whose formula is intact but whose saved result is neither our sum nor what the
    # formula gives over these cells (saved without recalculating): key -> the result it shows
    stale_totals: dict[str, object] = field(default_factory=dict)
    structure: list[StructureChange] = field(default_factory=list)  # tables whose rows/columns changed
    # an imported document's section headings found: number (一…六) -> the heading as printed, in
    # the document's order; None for a workbook, or JSON data not imported from a document (rule E7)
    sections: dict[str, str] | None = None
    # a summary workbook (汇总数据.xlsx written by collect): what it sums ("12个单位"); None otherwise
    summary_of: str | None = None
    summary_units: tuple[str, ...] = ()  # ... and the units it sums, when it lists them
    # a unit's own spreadsheet holding only the tables (its text is in the Word report): the text
    # and the section headings are not its to have, so missing ones are no finding
    tables_only: bool = False
    # the tables' input keys an imported document did not give (a table not found or pasted as a
    # picture, values that could not be placed): not judged, neither blank nor zero; the verdict
    # then says the tables were not (all) checked (CheckResult.verdict)
    unread: tuple[str, ...] = ()

    @classmethod
    def from_raw(cls, raw: dict[str, object], source: str, origin: Origin,
                 cells: dict[str, CellPos] | None = None, expected_formulas: dict[str, str] | None = None,
                 saved_at: str | None = None, structure: list[StructureChange] | None = None,
                 sources: dict[str, str] | None = None) -> Report:
        """Type every raw value. For workbooks, ``expected_formulas`` holds each computed key's
        formula as the template writes it: an intact formula is recomputed from the inputs (cached
        values are never trusted); a deleted or changed one keeps what the cell shows, so the sum
        rules report the difference. ``structure`` lists the tables whose rows or columns were
        changed: their formulas moved with the change and are told once, by that change; a cell
        that was deleted is neither blank nor invalid, it is gone."""
        structure = list(structure or ())
        moved = {k for change in structure for k in change.keys}
        deleted = {k for change in structure for k in change.deleted}
        values: dict[str, object] = {}
        problems: dict[str, Problem] = {}
        broken: dict[str, str] = {}
        intact: list[str] = []
        for key in spec.KEYS:
            f = spec.FIELDS[key]
            value = raw.get(key)
            is_computed = bool(f.computed_from)  # (f.is_computed, without a property call for each key)
            if is_computed and not expected_formulas and value is None:
                # A JSON file may leave totals out: they are computed, like the workbook's.
                intact.append(key)
                continue
            if key in deleted:
                if is_computed:
                    intact.append(key)
                continue
            if expected_formulas and is_computed:
                if isinstance(value, Formula) and (key in moved or _same_formula(value.text, expected_formulas[key])):
                    intact.append(key)
                    continue
                if isinstance(value, Formula):
                    broken[key] = f"公式被改为“={value.text}”"
                    value = value.cached
                else:
                    # show(): 7 and 7.0 (as xlwings reads it) read alike
                    broken[key] = FORMULA_DELETED + (BLANK if value is None else f"“{show(value)}”")
            parsed, problem = parse(value, f)
            values[key] = parsed
            if problem and key not in broken:  # a broken total is told once, by E8
                problems[key] = problem
        # Intact formulas: recompute from the inputs, a key only after the computed keys it
        # sums (the （七）总计 row's total sums the column totals beside it).
        cached_differs: list[str] = []
        todo = set(intact)
        while todo:
            ready = [k for k in todo if todo.isdisjoint(spec.FIELDS[k].computed_from)]
            assert ready, "circular computed keys in the specification"
            for key in ready:
                todo.discard(key)
                f = spec.FIELDS[key]
                terms = [values.get(t) for t in f.computed_from]
                if None in terms:
                    # A blank or invalid input (reported by E1/E2) makes the total unknown:
                    # a total over the valid cells only would make E3/E4/W5 report a false sum.
                    values[key] = None
                    continue
                values[key] = sum(terms)  # type: ignore[arg-type]  # numbers: parse() typed them
                found = raw.get(key)
                cached = found.cached if isinstance(found, Formula) else None
                if cached is not None and key not in moved and not _same_number(parse(cached, f)[0], values[key]):
                    cached_differs.append(key)
        # The formula decides E8, not the result saved with it. A saved result that is what the
        # formula gives over these cells (its SUM skips a number typed as text, which E1 tells) is
        # right; one that is not was saved without recalculating: a warning, the data are sound.
        stale: dict[str, object] = {}
        if cached_differs:
            shown = spreadsheet_totals(raw)
            for key in cached_differs:
                found = raw[key]
                assert isinstance(found, Formula)  # only formulas' saved results differ
                cached = found.cached
                if not _same_number(parse(cached, spec.FIELDS[key])[0], shown[key]):
                    stale[key] = cached
        values = {k: values.get(k) for k in spec.KEYS}
        return cls(source, origin, dict(raw), values, problems, dict(cells or {}), dict(sources or {}), broken,
                   saved_at, stale_totals=stale, structure=structure)

    def set_unread(self, keys: tuple[str, ...] | list[str]) -> None:
        """The tables' keys a document did not give (``unread``), those still without a value:
        not judged blank (E1), the notes say why."""
        self.unread = tuple(k for k in keys if self.raw.get(k) is None)
        for key in self.unread:
            self.problems.pop(key, None)

    def unread_note(self) -> str:
        """What ``unread`` means, table by table, for a source whose reading said nothing of it
        (``check`` of a document or of its JSON data): "" when every number was read."""
        parts = []
        for table in spec.TABLES:
            keys = [c.key for c in table.value_cells if c.role == "input"]
            n = sum(1 for k in keys if k in self.unread)
            if n:
                parts.append(f"{table.short}{'全部' if n == len(keys) else f'{n}项'}")
        if not parts:
            return ""
        return (f"原文件中没有读到的表格数值：{'，'.join(parts)}（表格是图片、没有找到，或无法确定属于哪一行哪一列；"
                "nianbao import 原文件 可看到原因），这些项不作检查")

    def filled(self) -> dict[str, object]:
        """The typed values that are present, in specification order."""
        return {k: v for k, v in self.values.items() if v is not None}


def _same_number(a: object, b: object) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) < 1e-9
    return a == b


def _normal_formula(text: str) -> str:
    return text.lstrip("=").replace("$", "").replace(" ", "").upper()


def _same_formula(found: str, expected: str) -> bool:
    return _normal_formula(found) == _normal_formula(expected)
