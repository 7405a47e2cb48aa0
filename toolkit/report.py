"""Report data: what was read from a workbook or a JSON file, as key → value.

Adapters (the workbook reader, the JSON loader, the xlwings live book) each produce the raw values
they found; ``Report.from_raw`` turns them into typed values in one place, so every source is
judged by the same code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from . import spec

# Their old home, for one round: the errors live in toolkit.errors.
from .errors import OldFormat as OldFormat  # noqa: F401
from .errors import UnusableFile as UnusableFile  # noqa: F401
from .values import BLANK, Formula, Problem, parse, show

Origin = Literal["workbook", "json", "live", "document"]


@dataclass
class Report:
    source: str  # the file it came from (or a description of the live book)
    origin: Origin
    raw: dict[str, object]  # key -> the raw value as found; absent keys are None
    values: dict[str, object]  # key -> typed value, None where absent or invalid
    problems: dict[str, Problem] = field(default_factory=dict)  # key -> why its raw value is invalid
    cells: dict[str, str] = field(default_factory=dict)  # key -> "sheet!A1" (workbooks only)
    # computed keys whose workbook formula was deleted or changed: key -> what was found there
    broken_formulas: dict[str, str] = field(default_factory=dict)
    saved_at: str | None = None  # the workbook's own save time (docProps), ISO format
    # a digest of the file's bytes as read: write-back knows by it that a workbook is still the
    # one that was checked, without reading it again
    digest: str | None = None

    @classmethod
    def from_raw(cls, raw: dict[str, object], source: str, origin: Origin,
                 cells: dict[str, str] | None = None, expected_formulas: dict[str, str] | None = None,
                 saved_at: str | None = None) -> Report:
        """Type every raw value. For workbooks, ``expected_formulas`` holds each computed key's
        formula as the template writes it: an intact formula is recomputed from the inputs (cached
        values are never trusted); a deleted or changed one keeps what the cell shows, so the sum
        rules report the difference."""
        values: dict[str, object] = {}
        problems: dict[str, Problem] = {}
        broken: dict[str, str] = {}
        intact: list[str] = []
        for key in spec.KEYS:
            f = spec.FIELDS[key]
            value = raw.get(key)
            if f.is_computed and not expected_formulas and value is None:
                # A JSON file may leave totals out: they are computed, like the workbook's.
                intact.append(key)
                continue
            if expected_formulas and f.is_computed:
                if isinstance(value, Formula) and _same_formula(value.text, expected_formulas[key]):
                    intact.append(key)
                    continue
                if isinstance(value, Formula):
                    broken[key] = f"公式被改为“={value.text}”"
                    value = value.cached
                else:
                    # show(): 7 and 7.0 (as xlwings reads it) read alike
                    broken[key] = "公式被删除，改为" + (BLANK if value is None else f"“{show(value)}”")
            parsed, problem = parse(value, f)
            values[key] = parsed
            if problem and key not in broken:  # a broken total is told once, by E8
                problems[key] = problem
        # Intact formulas: recompute from the inputs, a key only after the computed keys it
        # sums (the （七）总计 row's total sums the column totals beside it).
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
                if cached is not None and parse(cached, f)[0] != values[key]:
                    broken[key] = (f"单元格显示的计算结果为{cached}，与各项之和{values[key]}不一致"
                                   "（公式被覆盖，或保存前未重新计算）")
        values = {k: values.get(k) for k in spec.KEYS}
        return cls(source, origin, dict(raw), values, problems, dict(cells or {}), broken, saved_at)

    def filled(self) -> dict[str, object]:
        """The typed values that are present, in specification order."""
        return {k: v for k, v in self.values.items() if v is not None}


def _normal_formula(text: str) -> str:
    return text.lstrip("=").replace("$", "").replace(" ", "").upper()


def _same_formula(found: str, expected: str) -> bool:
    return _normal_formula(found) == _normal_formula(expected)
