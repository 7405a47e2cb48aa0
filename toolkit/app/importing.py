"""The workflows of published reports: ``import`` one document, start next year from last year's
report (``new --from``). The CLI only parses arguments and prints what these return.

Documents (Word, web pages, PDF, spreadsheets that are not our template, text) are read by
``toolkit.importers``; our own workbooks and JSON by ``toolkit.source.read_report``. Both give the
same report data, so ``check`` judges an imported report by the same rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import spec
from ..errors import NotOurTemplate, OutputBlocked, OutputExists, UnusableFile
from ..fileio import BACKUP_DIR, WORKBOOK_SUFFIXES, atomic_write, back_up_file, os_reason, refuse_output
from ..importers import DOCUMENT_SUFFIXES, Imported, content_suffix, import_file
from ..importers.tables import no_title_note
from ..jsondata import SECTIONS, SOURCES, TABLES_ONLY, UNREAD, found_values, to_json_obj
from ..report import Report
from ..rules import CheckResult, check
from ..source import read_report

DATA_SUFFIXES = (".json",)


@dataclass
class Source:
    """A report read from any kind of file, with what its reading said."""

    report: Report
    kind: str  # 标准工作簿, JSON 数据, Word 文档, 网页, PDF, ...
    notes: list[str] = field(default_factory=list)

    @property
    def sources(self) -> dict[str, str]:
        """key -> where a document printed it (FORMAT.md's ``sources``); empty for a workbook."""
        return self.report.sources


def read_any(path: Path | str, *, unit: str | None = None, year: int | None = None) -> Source:
    """Any report file as report data: our workbook or JSON by their reader, a document (or a
    spreadsheet that is not our template) by the importers. ``unit``/``year`` override what the
    document says (its title may lack them). UnusableFile with one reason otherwise."""
    path = Path(path)
    suffix = content_suffix(path)
    imported: Imported | None = None
    if suffix in WORKBOOK_SUFFIXES:
        try:
            report = read_report(path)
            return _override(Source(report, "标准工作簿"), unit, year)
        except UnusableFile as exc:
            try:  # a unit's own spreadsheet holding the official tables
                imported = import_file(path)
            except UnusableFile as not_report:
                # no template marker: any spreadsheet (the roster…), judged as a document is
                raise (not_report if isinstance(exc, NotOurTemplate) else exc) from None
    elif suffix in DATA_SUFFIXES:
        return _override(Source(read_report(path), "JSON 数据"), unit, year)
    elif suffix in DOCUMENT_SUFFIXES:
        imported = import_file(path)
    else:
        return _override(Source(read_report(path), "标准工作簿"), unit, year)
    assert imported is not None
    if unit:
        imported.raw["meta.unit"] = unit
        imported.sources["meta.unit"] = "命令行参数 --unit"
    if year:
        imported.raw["meta.year"] = year
        imported.sources["meta.year"] = "命令行参数 --year"
    # without a title, the note says what --unit/--year have not given yet (nothing once both are)
    notes = [n if n != no_title_note() else no_title_note(bool(unit), bool(year)) for n in imported.notes]
    return Source(imported.report(str(path)), imported.kind, [n for n in notes if n])


def _override(source: Source, unit: str | None, year: int | None) -> Source:
    if unit or year:
        raw = dict(source.report.raw)
        if unit:
            raw["meta.unit"] = unit
        if year:
            raw["meta.year"] = year
        r = source.report
        source.report = Report.from_raw(raw, r.source, r.origin, cells=r.cells, saved_at=r.saved_at,
                                        sources=r.sources)
        source.report.sections = r.sections
        source.report.tables_only = r.tables_only
        source.report.set_unread(r.unread)
    return source


def data_object(source: Source) -> dict[str, object]:
    """The JSON data object (FORMAT.md) of a report as read, with ``sources``: values that are
    not valid are kept as printed (``5件``, ``/``), so ``check`` on the JSON names them."""
    obj = to_json_obj(found_values(source.report))
    if source.sources:
        obj[SOURCES] = {k: v for k, v in source.sources.items() if k in spec.FIELDS}
    if source.report.sections is not None:  # the headings found, so that E7 judges the JSON alike
        obj[SECTIONS] = dict(source.report.sections)
    if source.report.tables_only:  # a spreadsheet of the tables: its JSON is judged alike (no E7 on text)
        obj[TABLES_ONLY] = True
    if source.report.unread:  # numbers the document did not give: its JSON is not judged blank there either
        obj[UNREAD] = list(source.report.unread)
    return obj


@dataclass
class ImportOutcome:
    """A published report read, checked and written as JSON data or a workbook."""

    source: Source
    result: CheckResult
    out: Path | None  # the file written; None for standard output
    text: str = ""  # the JSON, when written to standard output
    total_notes: list[str] = field(default_factory=list)  # printed totals a workbook recomputes
    backup: Path | None = None  # the workbook --force replaced, kept in nianbao备份


def data_text(source: Source) -> str:
    """``data_object`` as the text of a JSON data file."""
    return json.dumps(data_object(source), ensure_ascii=False, indent=1, default=str) + "\n"


def import_report(path: Path | str, out: Path | str | None = None, *, unit: str | None = None,
                  year: int | None = None, force: bool = False) -> ImportOutcome:
    """Read a published report, check it, write its data as JSON (``out`` "-" = returned as text)
    or as a filled standard workbook. Never refuses for totals that do not add up: the JSON keeps
    the printed totals; a workbook has its formulas, and each differing printed total is said."""
    path = Path(path)
    target = path.with_suffix(".json") if out is None else (None if str(out) == "-" else Path(out))
    if target is not None:  # before the reading: a wrong name is said at once
        refuse_output(target, path, DATA_SUFFIXES + WORKBOOK_SUFFIXES, ".json 或 .xlsx")
    source = read_any(path, unit=unit, year=year)
    result = check(source.report)
    result.notes.extend(source.notes)
    if target is not None and target.exists() and not force:
        raise OutputExists(f"文件已存在，未覆盖：{target}。请换一个文件名，或确认要覆盖时加 --force")
    outcome = ImportOutcome(source, result, target)
    if target is not None and target.suffix.lower() in WORKBOOK_SUFFIXES:
        from .workbook import new_workbook
        data, outcome.total_notes = workbook_data(source.report)
        if target.exists():  # --force: the workbook replaced may be a unit's filled one: kept
            try:
                outcome.backup = back_up_file(target)
            except OSError as exc:
                raise OutputBlocked(f"无法把已有的 {target.name} 备份到 {BACKUP_DIR}（{os_reason(exc)}），"
                                    f"未覆盖：{target}", path=target) from None
        new_workbook(target, data=data, overwrite=True)
        return outcome
    text = data_text(source)
    if target is None:
        outcome.text = text
    else:
        atomic_write(target, text.encode("utf-8"))
    return outcome


def workbook_data(report: Report) -> tuple[dict[str, object], list[str]]:
    """The inputs of a report for a workbook (whose totals are formulas), and a line for every
    printed total that differs from the sum of its printed parts."""
    from ..workbook.build import computed_values
    values = found_values(report)
    data = {k: v for k, v in values.items() if k not in spec.COMPUTED_KEYS and v is not None}
    computed = computed_values(data)
    notes = []
    for key in spec.COMPUTED_KEYS:
        printed = report.values.get(key)
        terms = [report.values.get(t) for t in spec.FIELDS[key].computed_from]
        if isinstance(printed, (int, float)) and None not in terms and printed != computed[key]:
            notes.append(f"{spec.describe(key)}印的是{printed}，各项之和为{computed[key]}：工作簿中由公式计算为"
                         f"{computed[key]}")
    return data, notes


@dataclass
class NewFromOutcome:
    """Next year's workbook made from last year's report."""

    out: Path
    year: int | None
    carried: dict[str, object]  # t3.carried_over.<column> -> value, from last year's 结转下年度
    notes: list[str] = field(default_factory=list)


def new_from(out: Path | str, previous: Path | str, *, unit: str | None = None, year: int | None = None,
             overwrite: bool = False) -> NewFromOutcome:
    """Next year's workbook from last year's report (any kind): unit and level, year + 1, and
    上年结转 of each column = last year's 结转下年度. Texts stay empty: copying last year's text is
    what assessments penalise. The workbook keeps which report it came from (its properties)."""
    from .workbook import new_workbook
    previous = Path(previous)
    source = read_any(previous)
    last = source.report.values
    notes = list(source.notes)
    data: dict[str, object] = {}
    for key in ("meta.unit", "meta.unit_level"):
        if last.get(key):
            data[key] = last[key]
    last_year = last.get("meta.year")
    if year is None and isinstance(last_year, int):
        year = last_year + 1
    if year is None:
        notes.append("上年报告中没有报告年度：请用 --year 给出本年度")
    carried: dict[str, object] = {}
    blank = []
    for col in spec.T3_APPLICANT_COLUMNS:  # the 总计 column is a formula in the workbook
        value = last.get(f"t3.carry_forward.{col}")
        if isinstance(value, int):
            carried[f"t3.carried_over.{col}"] = value
        else:
            blank.append(spec.FIELDS[f"t3.carry_forward.{col}"].col_label)
    if blank:
        notes.append(f"上年报告“{spec.FIELDS['t3.carry_forward.total'].row_label}”中这些列不是有效数字，本年“上年结转”未填："
                     + "、".join(blank))
    data.update(carried)
    label = f"{previous.name}（{source.kind}"
    label += f"，{last.get('meta.unit') or ''}{last_year or ''}年度）" if last_year else "）"
    path = new_workbook(out, unit=unit, year=year, data=data, overwrite=overwrite, source=label)
    return NewFromOutcome(path, year, carried, notes)
