"""Last year's reports, matched to this year's by unit (rules W1, W2 and W8).

A district passes all of last year's workbooks (or their JSON data) at once; each of this year's
files is checked against the one of its own unit, found by ``meta.unit``, never by file name: by
the name as written, else as the district's roster matches names (``unitnames``: 城南街道 last
year is 城南街道办事处 or 某某区城南街道办事处 this year), never a guess between two.
This is core (``check`` uses it as well as ``collect``): it reads files through ``source`` and
imports nothing above it. Folders, archives and e-mails are unpacked by the caller (collect's
``gather``), which hands the files over as items (``PreviousYear.from_items``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .errors import UnreadableFile, UnusableFile
from .fileio import file_mtime
from .report import Report
from .source import read_report
from .unitnames import Names, alike, plain, tails


def unit_key(unit: object) -> str:
    """Units are matched by name, ignoring spaces (half- and full-width) and letter case."""
    return "".join(str(unit or "").split()).casefold()


def saved_timestamp(saved_at: str | None) -> float | None:
    """docProps' modified time (ISO 8601, usually UTC with Z) as a timestamp."""
    if not saved_at:
        return None
    try:
        when = dt.datetime.fromisoformat(saved_at.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.timestamp()


def mismatch(report: Report, previous: Report) -> str | None:
    """Why last year's report cannot serve for this one (another unit, not the year before)."""
    unit, year = report.values.get("meta.unit"), report.values.get("meta.year")
    p_unit, p_year = previous.values.get("meta.unit"), previous.values.get("meta.year")
    if unit and p_unit and not alike(str(unit), str(p_unit)):
        return f"上年数据是“{p_unit}”的，不是“{unit}”的，未用于跨年度校验（W1、W2、W8）"
    if isinstance(year, int) and isinstance(p_year, int) and p_year != year - 1:
        return f"上年数据是{p_year}年度的，不是{year - 1}年度的，未用于跨年度校验（W1、W2、W8）"
    return None


def usable(report: Report, previous: Report | None) -> tuple[Report | None, str | None]:
    """``previous`` if it can serve for ``report`` (``mismatch``), else None and why not."""
    why_not = mismatch(report, previous) if previous is not None else None
    return (None, why_not) if why_not else (previous, None)


class Source(Protocol):
    """A file to read, as collect's ``gather`` lists it (or a plain path, through ``load``)."""

    path: Path
    origin: str  # as the user knows it ("邮件.eml › 附件名")
    mtime: float
    error: str  # why it could not even be extracted ("" when it can be read)


@dataclass
class _File:
    """A file given as last year's data."""

    path: Path
    origin: str
    mtime: float
    error: str = ""


def light(report: Report) -> Report:
    """Last year's report as the rules need it (values only): small to send to every worker."""
    return Report(report.source, report.origin, {}, dict(report.values), saved_at=report.saved_at)


# What a report is told about last year's data (W1, W2, W8 need it).
NOT_CHECKED = "未作跨年度校验（W1、W2、W8）"


def unmatched_note(notes: Iterable[str], what: str) -> str:
    """The batch's line on the reports that found no data of last year (each says why on its row)."""
    n = sum(1 for note in notes if note.endswith(NOT_CHECKED))
    return f"{n}份{what}没有用上年数据（没有找到对应的上年报告等，见各自一行的说明），{NOT_CHECKED}" if n else ""


@dataclass
class PreviousYear:
    """Last year's reports by unit; ``match`` gives the one of a report's unit, and says how it
    was found or why there is none."""

    by_unit: dict[str, Report] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # files that could not be used, and why
    names: Names = field(init=False, repr=False)
    _norm: dict[str, list[str]] = field(init=False, repr=False)  # normalised name -> unit_keys
    _tails: dict[str, list[str]] = field(init=False, repr=False)  # a name without its regions -> unit_keys

    def __post_init__(self) -> None:
        units = {k: str(r.values.get("meta.unit") or "") for k, r in self.by_unit.items()}
        self.names = Names.known(None, list(units.values()))
        self._norm, self._tails = {}, {}
        for k, unit in units.items():
            norm = self.names.norm(unit)
            self._norm.setdefault(norm, []).append(k)
            for t in tails(norm):
                self._tails.setdefault(t, []).append(k)

    def find(self, unit: str) -> tuple[Report | None, str]:
        """Last year's report of ``unit`` and, when not found by the name as written, how it was
        found (or why none was): the one name alike (``unitnames``), never one of two."""
        if not unit:
            return None, ""
        exact = self.by_unit.get(unit_key(unit))
        if exact is not None:
            return exact, ""
        norm = self.names.norm(unit)
        found = self._norm.get(norm) or [*self._tails.get(norm, ()), *(
            k for t in tails(norm) for k in self._norm.get(t, ())
            if plain(str(self.by_unit[k].values.get("meta.unit") or "")) == t)]
        found = list(dict.fromkeys(found))
        shown = "”“".join(str(self.by_unit[k].values.get("meta.unit")) for k in found)
        if len(found) == 1:
            return self.by_unit[found[0]], f"上年数据按相近的机关名称“{shown}”对应"
        if found:
            return None, f"上年数据中有几个相近的机关名称（“{shown}”），无法确定是哪一个，{NOT_CHECKED}"
        return None, f"给出的上年数据中没有“{unit}”的报告，{NOT_CHECKED}"

    def match(self, report: Report) -> tuple[Report | None, str]:
        """(last year's report for ``report`` or None, a note: how it was found, or why none is used)."""
        unit = report.values.get("meta.unit")
        if not unit:
            return None, f"没有填写机关名称，无法对应上年数据，{NOT_CHECKED}"
        previous, how = self.find(str(unit))
        previous, why_not = usable(report, previous)
        return previous, why_not or how

    def for_report(self, report: Report) -> Report | None:
        return self.match(report)[0]

    @classmethod
    def load(cls, inputs: Iterable[Path | str]) -> PreviousYear:
        """Read last year's files (workbooks and JSON data). The newest file of a unit counts."""
        return cls.from_items(_File(Path(p), str(p), file_mtime(Path(p)) or 0.0) for p in inputs)

    @classmethod
    def from_items(cls, items: Iterable[Source]) -> PreviousYear:
        """Read last year's files as gathered from folders, archives and e-mails."""
        best: dict[str, tuple[tuple, Report]] = {}
        notes: list[str] = []
        for item in items:
            if item.error:
                notes.append(f"{item.origin}：{item.error}")
                continue
            try:
                report = read_report(item.path)
            except UnusableFile as exc:
                notes.append(f"{item.origin}：{exc}")
                continue
            unit = report.values.get("meta.unit")
            if not unit:
                notes.append(f"{item.origin}：没有填写机关名称，无法与本年报告对应")
                continue
            saved = saved_timestamp(report.saved_at)
            order = (saved is not None, saved or 0.0, item.mtime)
            k = unit_key(unit)
            if k not in best or order > best[k][0]:
                best[k] = (order, light(report))
        return cls({k: r for k, (_, r) in best.items()}, notes)


def refuse_missing(paths: Iterable[Path | str]) -> None:
    """UnreadableFile (exit 2, before any work) for a --previous path that does not exist: a
    mistyped name would otherwise leave W1/W2/W8 silently unchecked for the whole batch, as
    ``check`` refuses it too."""
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        more = f"（共{len(missing)}个找不到）" if len(missing) > 1 else ""
        raise UnreadableFile(f"上年数据无法读取：{missing[0]}：找不到文件{more}。"
                             "请检查 --previous 的路径，未生成任何输出", path=missing[0])
