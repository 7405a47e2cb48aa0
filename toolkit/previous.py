"""Last year's reports, matched to this year's by unit (rules W1, W2 and W8).

A district passes all of last year's workbooks (or their JSON data) at once; each of this year's
files is checked against the one of its own unit, found by ``meta.unit``, never by file name.
This is core (``check`` uses it as well as ``collect``); only ``PreviousYear.load`` reaches into
the collect package, lazily, to unpack folders, archives and e-mails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .report import Report, UnusableFile


def unit_key(unit: object) -> str:
    """Units are matched by name, ignoring spaces (half- and full-width) and letter case."""
    return "".join(str(unit or "").split()).casefold()


def light(report: Report) -> Report:
    """Last year's report as the rules need it (values only): small to send to every worker."""
    return Report(report.source, report.origin, {}, dict(report.values), {}, {}, {}, report.saved_at)


@dataclass
class PreviousYear:
    """Last year's reports by unit; ``for_report`` gives the one matching a report, or None."""

    by_unit: dict[str, Report] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # files that could not be used, and why

    def for_report(self, report: Report) -> Report | None:
        unit = report.values.get("meta.unit")
        return self.by_unit.get(unit_key(unit)) if unit else None

    @classmethod
    def load(cls, inputs: list[Path | str], outdir: Path | None = None,
             suffixes: tuple[str, ...] | None = None) -> PreviousYear:
        """Read last year's files: workbooks and JSON data (``suffixes``: also published reports),
        and, when ``outdir`` is given to extract into, folders, .zip archives and e-mails. The
        newest file of a unit counts."""
        from .api import read_report
        from .collect.gather import REPORT_SUFFIXES, Item, gather
        from .collect.select import saved_timestamp
        if outdir is not None:
            items = gather(list(inputs), Path(outdir), inbox="_上年", suffixes=suffixes or REPORT_SUFFIXES)
        else:
            items = [Item(Path(p), str(p), mtime=_mtime(Path(p))) for p in inputs]
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


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
