"""汇总数据.xlsx: a standard workbook whose tables are the sums over the units that passed.

It is an ordinary standard workbook (built by the same builder), so ``nianbao check`` and
``nianbao build`` work on it: the district writes the text parts, then builds its summary report.
Totals stay formulas: only the input cells are summed here. Rule W9 checks the file we wrote
against its units, read back from disk, so the summary is verified as the district receives it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import spec
from ..report import Report
from ..rules import CheckResult, check
from ..values import shown_number
from .batch import NUMBER_INDEX

DEFAULT_SUMMARY_UNIT = "汇总"  # the summary's 机关名称 when collect was not given --unit

# What the district writes into its summary after collect made it (README: "请补写正文"): a new
# run of collect keeps these and writes only the numbers. meta.year is the batch's.
OFFICE_KEYS = (*spec.TEXT_KEYS, *(k for k in spec.META_KEYS if k != "meta.year"))


class SummaryNotWritten(Exception):
    """The units' sums cannot make a workbook (a total beyond what Excel keeps exactly): the
    reason is said with the batch's results, which stand without the summary."""


@dataclass
class Earlier:
    """An earlier run's summary in OUTDIR, as the office may have completed it: what of it a new
    summary keeps (``values``), where the old file was copied before it is replaced, and what
    to tell the user (``note``)."""

    values: dict[str, object]
    backup: Path | None = None
    note: str = ""
    blocked: bool = False  # the old file holds the office's work but could not be copied: keep it


def earlier_summary(path: Path, year: int | None) -> Earlier:
    """Read an existing 汇总数据.xlsx before a new run replaces it. Its texts and 机关名称等 are
    the office's (kept when it is of the batch's year); the file itself is copied to
    ``nianbao备份/`` beside it whenever it holds anything the office wrote, or cannot be read."""
    from ..errors import NianbaoError
    from ..fileio import BACKUP_DIR, back_up_file, os_reason
    from ..workbook.read import read_workbook
    if not path.is_file():
        return Earlier({})
    unreadable = ""
    written: dict[str, object] = {}
    try:
        report = read_workbook(path)
        written = {k: v for k in OFFICE_KEYS if (v := report.values.get(k)) not in (None, "")}
        if written.get("meta.unit") == DEFAULT_SUMMARY_UNIT:  # collect's own placeholder
            del written["meta.unit"]
    except (NianbaoError, OSError) as exc:
        unreadable = os_reason(exc) if isinstance(exc, OSError) else str(exc)
    texts = sum(1 for k in written if k in spec.TEXT_KEYS)
    if not written and not unreadable:
        return Earlier({})
    try:
        backup = back_up_file(path)
    except (NianbaoError, OSError) as exc:
        why = os_reason(exc) if isinstance(exc, OSError) else str(exc)
        return Earlier({}, None, f"原有的{path.name}中有填写的内容，但无法备份（{why}），因此保留原文件未覆盖", True)
    where = f"{BACKUP_DIR}/{path.name}"
    if unreadable:
        return Earlier({}, backup, f"原有的{path.name}无法读取（{unreadable}），已备份到 {where}，"
                                   "其中的内容未带入新的汇总数据")
    old_year = report.values.get("meta.year")
    if year is not None and old_year not in (None, year):
        return Earlier({}, backup, f"原有的{path.name}是{old_year}年度的，其中填写的正文未带入本批次（{year}年度）"
                                   f"的汇总数据，原文件已备份到 {where}")
    what = f"{texts}段正文" if texts else "机关名称、联系人等"
    return Earlier(written, backup, f"已保留原有{path.name}中填写的{what}（数字按本次汇总重新计算），"
                                    f"原文件已备份到 {where}")


class NumbersView(Mapping):
    """A unit's numbers (a tuple in spec.NUMBER_KEYS order) seen as key -> value, without
    building a dict per unit: what W9 reads from each part."""

    def __init__(self, numbers: tuple) -> None:
        self._numbers = numbers

    def __getitem__(self, key: str) -> object:
        i = NUMBER_INDEX.get(key)
        if i is None:
            raise KeyError(key)
        return self._numbers[i]

    def get(self, key: str, default: object = None) -> object:
        # Mapping.get goes through __getitem__ and an exception for a missing key: W9 calls this
        # once per number per unit (two million times for a big district), so it is direct.
        i = NUMBER_INDEX.get(key)
        return default if i is None else self._numbers[i]

    def __iter__(self):
        return iter(NUMBER_INDEX)

    def __len__(self) -> int:
        return len(NUMBER_INDEX)


@dataclass
class Part:
    """The little of a unit's report that W9 needs (duck-typed for ``Context.parts``)."""

    source: str
    values: NumbersView


_NUMBER_TYPES = {int, float}  # (not bool: a TRUE typed into a cell is no number)


def sum_inputs(parts: Iterable[tuple]) -> dict[str, object]:
    """key -> the sum over the units, for every number input key."""
    # Column by column over the transposed tuples, in C when every value is a number (the usual
    # column); a column with blanks or texts sums its numbers only.
    totals = [sum(column) if set(map(type, column)) <= _NUMBER_TYPES else
              sum(v for v in column if type(v) in _NUMBER_TYPES)
              for column in zip(*parts, strict=False)] or [0] * len(spec.NUMBER_KEYS)
    out: dict[str, object] = {}
    for key in spec.INPUT_KEYS:
        if key in NUMBER_INDEX:
            v = totals[NUMBER_INDEX[key]]
            out[key] = round(v, spec.FEES_DECIMALS) if isinstance(v, float) else v
    return out


def write_summary(path: Path, parts: Mapping[str, tuple], *, unit: str, year: int | None,
                  level: str | None = None, kept: Mapping[str, object] | None = None,
                  save: Callable[[Path, bytes], Path] | None = None,
                  units: Sequence[str] = ()) -> tuple[CheckResult, Path]:
    """Write the summary workbook of ``parts`` (source -> numbers) and check it, with W9
    against the parts. Text parts are left empty for the district to write (E7 reports them).
    The workbook is marked as a summary (``layout.SUMMARY_PROPERTY``): collected one level up
    (the city's batch) it is a unit whose empty texts are no error. ``kept``: what the office
    wrote into the earlier summary (``earlier_summary``), written again; ``unit`` and ``level``
    given by the user take precedence over it.
    ``save`` writes the content (by default ``atomic_write`` to ``path``) and returns where it
    went; (the check, that path) is returned. ``units``: the units summed (a lower level's summary
    stands for the units it lists), listed in the workbook so that one level up none is summed twice."""
    from ..fileio import atomic_write
    from ..workbook.build import build_workbook
    from ..workbook.read import read_workbook
    totals = sum_inputs(parts.values())
    too_large = [k for k, v in totals.items() if not abs(v) < spec.EXACT_LIMIT]  # type: ignore[arg-type]
    if too_large:
        shown = "；".join(f"{spec.describe(k)}为{shown_number(totals[k])}" for k in too_large[:3])  # type: ignore[arg-type]
        raise SummaryNotWritten(f"{len(too_large)}项的各单位之和超过Excel能准确保存的{spec.EXACT_DIGITS}位数字"
                                f"（{shown}{'等' if len(too_large) > 3 else ''}），请核实这些单位的数据")
    values: dict[str, object] = {**(kept or {}), "meta.year": year, **totals}
    values.setdefault("meta.unit", unit)
    if level is not None or "meta.unit_level" not in values:
        values["meta.unit_level"] = level
    try:
        content = build_workbook(values, summary_of=f"{len(parts)}个单位之和", summary_units=units)
    except ValueError as exc:  # a value the workbook cannot hold (the builder says which)
        raise SummaryNotWritten(str(exc)) from None
    if save is None:
        atomic_write(path, content)
    else:
        path = save(path, content)
    report: Report = read_workbook(path)
    summary_parts = [Part(src, NumbersView(nums)) for src, nums in parts.items()]
    return check(report, parts=summary_parts), path  # type: ignore[arg-type]
