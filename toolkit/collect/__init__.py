"""Collect a district's e-mailed workbooks: check them all, list their status, return the ones
with errors, and sum the ones that passed into the district's summary (汇总).

``collect`` is the library function behind ``nianbao collect``. The steps are modules of their
own: ``gather`` (inputs -> files, unpacking archives and e-mails), ``batch`` (read + check +
annotate, in worker processes), ``select`` (the batch year, the newest file per unit),
``status`` (汇总状态.xlsx), ``summary`` (汇总数据.xlsx) and ``returns`` (退回/ drafts).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import spec
from ..errors import OutputBlocked, UnusableFile
from ..fileio import lock_files, make_folder, os_reason
from ..limits import COLLECT_TIMEOUT
from ..log import Logger
from ..previous import PreviousYear, refuse_missing, unit_key, unmatched_note
from ..rules import Finding
from ..safetext import json_text
from .batch import FindingCounts
from .gather import FINDINGS_FILE, RETURNS_DIR, STATUS_FILE, SUMMARY_FILE
from .outdir import RunLock, clear_extracted, refuse_if_open
from .status import join_notes
from .summary import DEFAULT_SUMMARY_UNIT

log = Logger(__name__)


__all__ = ["collect", "CollectSummary", "FileStatus", "load_previous", "PreviousYear"]


@dataclass
class FileStatus(FindingCounts):
    """One input file's line in the status list."""

    index: int
    origin: str  # as the user knows it ("邮件.eml › 附件名")
    path: str  # where it was read (extracted copies live in OUTDIR/_收件)
    status: str  # 通过 有错误 无法读取 年度不符 被替代 其他文件 …
    note: str = ""  # reason for 无法读取/年度不符/被替代/其他文件
    unit: str | None = None
    year: int | None = None
    findings: tuple[Finding, ...] = ()
    numbers: tuple | None = None
    figures: list = field(default_factory=list)
    sender: str = ""
    returned: str = ""  # the annotated copy in 退回/
    draft: str = ""  # the e-mail draft in 退回/
    returned_note: str = ""
    roster: str = ""  # 名单内 / 名单内（名称经规范化后匹配）… / 名单外 (with a roster)
    dated: str = ""  # the date that decided which copy is newest
    dated_by: str = ""  # which date it is (邮件日期 / 工作簿保存时间 / 文件时间)
    to: str = ""  # where its draft is addressed

    @property
    def file_name(self) -> str:
        return self.origin.replace("\\", "/").rsplit("/", 1)[-1].rsplit(" › ", 1)[-1]


@dataclass
class CollectSummary:
    """The outcome of ``collect``: each file's status and the files written."""

    outdir: Path
    year: int | None
    files: list[FileStatus]
    status_path: Path
    findings_path: Path
    summary_path: Path | None  # None when no unit passed
    summary_errors: int = 0  # E7 for the empty texts is expected
    summary_w9: int = 0  # W9 findings on the summary: must be 0
    returns: list[Path] = field(default_factory=list)  # the .eml drafts
    previous_units: int = 0
    previous_notes: list[str] = field(default_factory=list)  # last year's files not usable
    seconds: float = 0.0
    worker_peak_rss_mib: float = 0.0
    worker_first_rss_mib: float = 0.0
    notes: list[str] = field(default_factory=list)  # outputs written elsewhere or left stale
    summary_note: str = ""  # why no summary was written although units passed
    summary_kept: int = 0  # text parts of an earlier summary in OUTDIR carried into this one

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def exit_code(self) -> int:
        from .select import ERRORS, MISSING, OTHER_FILE, OTHER_YEAR, SUSPECT, UNUSABLE, WORD_ONLY
        if not any(f.status not in (UNUSABLE, MISSING, OTHER_FILE) for f in self.files):
            return 2
        if any(f.status in (ERRORS, UNUSABLE, OTHER_YEAR, MISSING, SUSPECT, WORD_ONLY) for f in self.files):
            return 1
        if self.summary_note:  # units passed, but their summary could not be written (said why)
            return 1
        return 0

    def line(self) -> str:
        from .select import MISSING, STATUS_ORDER
        counts = "，".join(f"{s} {self.count(s)}" for s in STATUS_ORDER if self.count(s))
        year = f"{self.year}年度" if self.year else "年度不明"
        # a roster unit that sent nothing is a line of the list, not a file
        return (f"共 {len(self.files) - self.count(MISSING)} 个文件（{year}）：{counts or '无'}；"
                f"退回 {len(self.returns)} 份；用时 {self.seconds:.1f} 秒")


def load_previous(inputs: list[Path | str], outdir: Path,
                  suffixes: tuple[str, ...] | None = None) -> PreviousYear:
    """Last year's reports by unit (and notes on files not used), extracting folders, archives
    and e-mails into ``outdir``. ``suffixes``: the kinds of file taken from folders, archives and
    e-mails (``gather``'s; its default when None)."""
    from .gather import PREVIOUS_INBOX, REPORT_SUFFIXES, gather
    return PreviousYear.from_items(gather(list(inputs), Path(outdir), inbox=PREVIOUS_INBOX,
                                          suffixes=suffixes or REPORT_SUFFIXES))


def collect(inputs: list[Path | str], outdir: Path | str, *, unit: str | None = None,
            previous: list[Path | str] | tuple = (), workers: int | None = None,
            year: int | None = None, district_email: str = "", template: Path | str | None = None,
            progress: Callable[[int, int], None] | None = None, roster: Path | str | None = None,
            same: list[str] | tuple[str, ...] = (),
            timeout: float | None = COLLECT_TIMEOUT) -> CollectSummary:
    """Check every workbook in ``inputs`` and write the outputs into ``outdir``.

    What the user typed is checked before any work (``--email``, the e-mail template, outputs
    open in Excel, another run in the same OUTDIR): those stop the command (UnusableFile). Once
    the batch runs, one file's trouble is that file's line in the status list, never the end.

    ``roster``: the 单位名单 (.xlsx/.csv; ``roster.load``): units that sent nothing are listed as
    未报送 with a reminder draft, and every draft is addressed from it. ``same``: "甲=乙" pairs of
    names that are one unit (without a roster, names alike are otherwise not summed). ``timeout``
    (seconds, None for none) bounds the time one file may take."""
    from . import returns
    from . import roster as roster_mod
    from .units import parse_same
    joined = parse_same(list(same))
    the_roster = roster_mod.load(roster, unit) if roster is not None else None
    outdir = Path(outdir)
    from .gather import refuse_if_all_missing
    refuse_if_all_missing(inputs, "汇总")
    refuse_missing(previous)
    district_email = returns.check_email(district_email)
    make_folder(outdir)
    template_text = returns.template_text(outdir, template)  # fail early on a bad template
    returns.trial_draft(template_text, unit or "", district_email)
    notices = returns.notice_templates(outdir)
    with RunLock(outdir, "collect"):
        return _collect(inputs, outdir, unit=unit, previous=previous, workers=workers, year=year,
                        district_email=district_email, template_text=template_text,
                        progress=progress, roster=the_roster, same=joined, notices=notices, timeout=timeout)


def _collect(inputs: list[Path | str], outdir: Path, *, unit: str | None,
             previous: list[Path | str] | tuple, workers: int | None, year: int | None,
             district_email: str, template_text: str,
             progress: Callable[[int, int], None] | None, roster=None, same=(),
             notices: dict[str, str] | None = None,
             timeout: float | None = COLLECT_TIMEOUT) -> CollectSummary:
    from . import batch, select, status, summary
    from .convert import convert_items, converted_note
    from .gather import INBOX, WORD_SUFFIXES, gather, skipped_note
    from .units import Units, reply_to
    started = time.perf_counter()
    for output in (STATUS_FILE, SUMMARY_FILE):  # found now, not after the whole batch
        refuse_if_open(outdir / output)
    _clear_previous_run(outdir)
    prev = load_previous(list(previous), outdir) if previous else None
    skipped: list[str] = []
    items = gather(list(inputs), outdir, fallback=WORD_SUFFIXES, skipped=skipped, account=True)
    if roster is not None and roster.path:  # the roster kept in the inbox is no unit's report
        items = [it for it in items if not _same_file(it.path, Path(roster.path))]
    convert_items(items, outdir / INBOX)  # .xls, .et: by LibreOffice, all in one run
    returns_dir = outdir / RETURNS_DIR
    staging = returns_dir / ".staging"
    make_folder(staging, f"“{RETURNS_DIR}”文件夹")

    results: dict[int, batch.FileResult] = {}
    tasks = []
    for i, item in enumerate(items):
        if item.error:
            results[i] = batch.FileResult(i, str(item.path), item.origin, item.sender, item.mtime,
                                          reason=item.error)
        else:
            reply = reply_to(item.mail) if item.mail and roster is None else None
            tasks.append(batch.Task(i, str(item.path), item.origin, item.sender, item.mtime, reply))
    n_workers = workers or os.cpu_count() or 1
    # What the workers need, imported before they are forked: once, not once in each (workers
    # that are spawned, as on Windows, import it themselves).
    from .. import writeback  # noqa: F401
    from ..workbook import read  # noqa: F401
    mail = batch.MailSetup(template_text, unit or "", district_email)
    setup = batch.WorkerSetup(str(staging), prev, mail, roster, list(same))
    res: batch.FileResult
    for res in batch.run(tasks, setup, n_workers, progress, timeout=timeout):
        results[res.index] = res
    ordered = [results[i] for i in range(len(items))]
    for r in ordered:
        m = items[r.index].mail
        r.mail_date = m.date if m else None

    batch_year = select.batch_year(ordered, year)
    units = Units.of(ordered, items, roster, unit, list(same))
    decisions = select.decide(ordered, batch_year, key=units.key)
    # the file that stands for each unit: a file not read that names the unit is not its report
    standing = {units.key(r): r.origin for r in ordered
                if decisions[r.index].status in (select.PASSED, select.ERRORS, select.WORD_ONLY)}
    rows = []
    for r in ordered:
        d = decisions[r.index]
        name: str | None = r.unit  # the unit's name as the status list shows it
        if r.state == "unusable":
            name = units.named(r, items)
            d = _unread(items[r.index], d, name, standing.get(units.key(r)) if name else None)
        stamp, why = select.dated(r)
        row = FileStatus(r.index, r.origin, r.path, d.status, d.note, name, r.year, r.findings, r.numbers,
                         r.figures(), r.sender, roster=units.roster_note(r),
                         dated=select.when_text(stamp) if r.state != "unusable" else "",
                         dated_by=why if r.state != "unusable" else "")
        if r.previous_note and d.status != select.OTHER_YEAR:
            row.note = join_notes(row.note, r.previous_note)
        if items[r.index].converted:
            row.note = join_notes(converted_note(items[r.index].converted), row.note)
        if r.summary_of:  # a district's summary, collected by the city: said, and summed as a unit
            row.note = join_notes(f"下级汇总数据（{r.summary_of}，正文未填不算错误）", units.unnamed(r), row.note)
        if r.index in units.suspects and d.status in (select.PASSED, select.ERRORS):
            row.note = join_notes(row.note, units.suspects[r.index])
            if d.status == select.PASSED:
                row.status = select.SUSPECT
        rows.append(row)

    _flag_summed_twice(ordered, rows, units)
    _flag_copies(ordered, rows, units)
    drafts = _returns(ordered, rows, returns_dir, mail, lambda r: units.address(r, items))
    drafts += _notices(ordered, rows, items, units, returns_dir, mail, notices or {}, batch_year)
    shutil.rmtree(staging, ignore_errors=True)
    notes: list[str] = list(roster.notes) if roster is not None else []
    if prev is not None and (line := unmatched_note((r.previous_note for r in ordered), "工作簿")):
        notes.append(line)
    unread = [row.file_name for row, item in zip(rows, items, strict=False) if item.unread]
    if unread:
        more = "等" if len(unread) > 3 else ""
        notes.append(f"输入的文件夹中有{len(unread)}个文件不是本程序能读取的报表，未读取（见{STATUS_FILE}中各自的一行）："
                     f"{'、'.join(unread[:3])}{more}")
    if skipped:
        notes.append(skipped_note(skipped, "单位报表")
                     + f"（要把下级的{SUMMARY_FILE}计入，请直接给出该文件或其输出文件夹）")

    # The summary of the units that passed.
    passed = {row.origin: row.numbers for row in rows if row.status == select.PASSED and row.numbers is not None}
    summed = [name for row in rows if row.origin in passed
              for name in (ordered[row.index].summary_units or (row.unit or row.file_name,))]
    summary_path = None
    summary_errors = summary_w9 = 0
    summary_note = ""
    # What the office wrote into an earlier summary here (its 正文) is kept, the file backed up.
    earlier = summary.earlier_summary(outdir / SUMMARY_FILE, batch_year)
    if unit:
        earlier.values.pop("meta.unit", None)
    target = outdir / SUMMARY_FILE
    if earlier.blocked:  # the office's work could not be backed up: it is not overwritten
        target = target.with_name(f"{target.stem}_{dt.datetime.now():%H%M%S}{target.suffix}")
    if passed:
        try:
            check, summary_path = summary.write_summary(
                target, passed, unit=unit or DEFAULT_SUMMARY_UNIT, year=batch_year, kept=earlier.values,
                save=lambda path, content: _save(path, content, notes), units=list(dict.fromkeys(summed)))
            summary_errors = len(check.errors)
            summary_w9 = sum(1 for f in check.findings if f.rule == "W9")
        except summary.SummaryNotWritten as exc:
            summary_note = f"未生成{SUMMARY_FILE}：{exc}"
    if summary_path is None and earlier.backup is not None:
        earlier.note = f"原有的{SUMMARY_FILE}中有填写的内容，已备份到 {earlier.backup}"
    if earlier.note:
        notes.append(earlier.note)
    if summary_path is None and not earlier.blocked:
        stale = outdir / SUMMARY_FILE
        try:
            stale.unlink(missing_ok=True)  # an old run's summary must not pass for this batch's
        except OSError as exc:
            notes.append(f"上次生成的{SUMMARY_FILE}无法删除（{os_reason(exc)}）：它不是本批次的汇总，请勿使用")

    # Without a year (every file unreadable) no "…年…年度报告" title with a hole in it.
    title = (spec.title({"meta.unit": unit, "meta.year": batch_year}) if batch_year
             else f"{unit or ''}{spec.REPORT_NAME}") + " 报送情况"
    status_path = _save(outdir / STATUS_FILE, status.status_workbook(rows, title, summary_note), notes)

    worker_rss = [r.rss_kib for r in ordered if r.rss_kib]
    first_by_pid: dict[int, int] = {}
    for r in sorted((r for r in ordered if r.rss_kib), key=lambda r: r.index):
        first_by_pid.setdefault(r.pid, r.rss_kib)
    result = CollectSummary(
        outdir, batch_year, rows, status_path, outdir / FINDINGS_FILE, summary_path,
        summary_errors, summary_w9, drafts, len(prev.by_unit) if prev else 0, prev.notes if prev else [],
        time.perf_counter() - started,
        max(worker_rss, default=0) / 1024, max(first_by_pid.values(), default=0) / 1024, notes,
        summary_note, sum(1 for k in earlier.values if k in spec.TEXT_KEYS) if summary_path else 0)
    _write_findings(result)
    result.seconds = time.perf_counter() - started
    return result


def _returns(ordered: list, rows: list[FileStatus], returns_dir: Path, mail, address) -> list[Path]:
    """Move the chosen file of each unit with errors from staging to 退回/ with its draft.
    Other staged copies are dropped. A unit whose copy or draft cannot be made gets a note on
    its line; the others go on."""
    from . import batch, select
    drafts: list[Path] = []
    used: set[str] = set()
    for r, row in zip(ordered, rows, strict=False):
        if row.status != select.ERRORS:
            continue
        if not r.staged:
            row.returned_note = r.staged_note
            continue
        base = r.return_stem or batch.return_stem(r)
        stem, n = base, 1
        while stem.casefold() in used:
            n += 1
            stem = f"{base}({n})"
        used.add(stem.casefold())
        copy_name, draft_name = batch.return_names(stem, Path(r.staged).suffix)
        copy, eml = returns_dir / copy_name, returns_dir / draft_name
        try:
            os.replace(r.staged, copy)
        except OSError as exc:
            row.returned_note = join_notes(r.staged_note,
                                           f"未能把退回副本放入“{RETURNS_DIR}”文件夹（{os_reason(exc)}）")
            continue
        r.staged = str(copy)
        row.returned, row.returned_note = str(copy), r.staged_note
        to, reply = address(r)
        row.to = to
        # The worker's draft stands unless the name, the address or the findings changed (W13
        # across the batch is found here, after the workers: its warnings belong in the e-mail).
        try:
            if (r.staged_draft and stem == r.return_stem and to == r.draft_to and reply == r.draft_reply
                    and row.findings == r.findings):
                os.replace(r.staged_draft, eml)
            else:
                eml.write_bytes(batch.make_draft(r, mail, stem, to=to, reply=reply, findings=row.findings))
        except OSError as exc:
            row.returned_note = join_notes(row.returned_note, f"未能保存退回邮件草稿（{os_reason(exc)}）")
            continue
        except Exception as exc:  # noqa: BLE001 - this unit's data in the district's template
            log.debug("e-mail draft for %s failed", r.origin, exc_info=True)
            row.returned_note = join_notes(row.returned_note, f"未能生成退回邮件草稿（{type(exc).__name__}：{exc}），"
                                                              "请手工发送退回副本")
            continue
        row.draft = str(eml)
        drafts.append(eml)
    return drafts


UNLISTED_SUMMARY = ("此下级汇总数据没有列出所汇总的单位（由旧版 nianbao 生成），"
                    "无法检查其中的单位是否也直接报送了，请人工核对")


def _flag_summed_twice(ordered: list, rows: list[FileStatus], units) -> None:
    """A lower level's summary lists the units it sums (``summary.write_summary``): a unit of this
    batch that one of them lists is summed there and is not summed again (被替代); two summaries
    listing the same units are neither summed (疑似同一单位) until the user sees why."""
    from .batch import FileResult
    from .select import ERRORS, PASSED, SUPERSEDED, SUSPECT
    for r in ordered:
        if r.summary_of and not r.summary_units and len(ordered) > 1:
            rows[r.index].note = join_notes(rows[r.index].note, UNLISTED_SUMMARY)
    summaries = [r for r in ordered if r.summary_units and rows[r.index].status in (PASSED, ERRORS)]
    if not summaries:
        return
    norm = units.names.norm
    inside: dict[str, FileResult] = {}
    for s in summaries:
        for name in s.summary_units:
            inside.setdefault(norm(name), s)
    for r in ordered:
        row = rows[r.index]
        s = inside.get(norm(r.unit or "")) if r.unit and not r.summary_units else None
        if s is not None and row.status in (PASSED, ERRORS, SUSPECT):
            where = rows[s.index]
            row.status = SUPERSEDED
            row.note = join_notes(f"此单位已计入下级汇总数据“{where.unit or ''}”（{where.file_name}），"
                                  "不再单独计入汇总", row.note)
    for i, a in enumerate(summaries):
        mine = {norm(n) for n in a.summary_units}
        for b in summaries[i + 1:]:
            shared = [n for n in b.summary_units if norm(n) in mine]
            if not shared:
                continue
            more = f"等{len(shared)}个单位" if len(shared) > 3 else ""
            for x, y in ((a, b), (b, a)):
                row, other = rows[x.index], rows[y.index]
                row.status = SUSPECT
                row.note = join_notes(row.note, f"与下级汇总数据“{other.unit or ''}”（{other.file_name}）都汇总了"
                                      f"{'、'.join(shared[:3])}{more}，均未计入汇总，以免重复计算；请核实各自汇总的单位")


def _flag_copies(ordered: list, rows: list[FileStatus], units) -> None:
    """W13 across the batch (``rules.copies``): a section of 一 or 五 80 % or more the same as
    another unit's is a warning on both, naming the other unit and the share. Only the copy that
    stands for each unit is compared (a unit's re-sent copies are not each other's copies)."""
    from ..rules.copies import copy_finding, find_copies
    from .batch import COPY_KEYS
    from .select import ERRORS, PASSED, SUSPECT, WORD_ONLY
    standing = [r for r in ordered if r.texts and rows[r.index].status in (PASSED, ERRORS, SUSPECT, WORD_ONLY)]
    for c in find_copies(((r.index, units.key(r), r.texts) for r in standing), COPY_KEYS):
        row, other = rows[c.index], rows[c.other]
        row.findings += (copy_finding(c, other.unit or "", other.file_name),)


def _unread(item, d, name: str | None, standing: str | None):
    """The decision for a file that could not be read, when it is one found but not read (a .rar,
    a note): 其他文件 beside the report its unit sent (``standing``), or when it names no unit and
    is no kind a report comes in; else it stays 无法读取 (the unit is asked to send again)."""
    from .gather import NOT_REPORT
    from .select import OTHER_FILE, Decision
    if not item.unread:
        return d
    if standing:
        return Decision(OTHER_FILE, join_notes(item.error, f"同一单位报送的{standing}已读取，以其为准"))
    if item.unread == NOT_REPORT and not name:
        return Decision(OTHER_FILE, item.error)
    return d


def _notices(ordered: list, rows: list[FileStatus], items: list, units, returns_dir: Path, mail,
             templates: dict[str, str], year: int | None) -> list[Path]:
    """Drafts without attachment: "please send the standard workbook again" for each e-mail that
    held no usable workbook, and for each unit whose files (from folders) could not be used, were
    only its report document or last year's workbook, unless another of its files stands; and a
    reminder (催报) for each roster unit that sent nothing (its row is added to ``rows`` as 未报送)."""
    from . import returns, select
    from .gather import SAVED_MAIL
    resend = (select.UNUSABLE, select.WORD_ONLY, select.OTHER_YEAR)
    drafts: list[Path] = []
    standing = {units.key(r) for r in ordered if rows[r.index].status in (select.PASSED, select.ERRORS, select.SUSPECT)}
    groups: dict[object, list[int]] = {}
    mail_of: dict[str, object] = {}  # a unit's key -> the group of the e-mail it sent
    for r in ordered:
        m = items[r.index].mail
        if m is not None:
            groups.setdefault(m.origin, []).append(r.index)
            mail_of.setdefault(units.key(r), m.origin)
    for r in ordered:  # files from folders: with the unit's e-mail, else by unit, else alone
        if items[r.index].mail is None and rows[r.index].status in resend:
            k = units.key(r)
            groups.setdefault(mail_of.get(k, k) if k else r.index, []).append(r.index)
    for indices in groups.values():
        # a mail the district saved as .msg is the district's to open, not the unit's to resend
        group = [(ordered[i], rows[i]) for i in indices
                 if rows[i].status != select.OTHER_FILE and items[i].unread != SAVED_MAIL]
        if not group or any(rw.status not in resend for _, rw in group):
            continue
        if any(k in standing for r, _ in group if (k := units.key(r))):
            continue  # the unit's report came in another file
        r, row = group[0]
        to, reply = units.address(r, items)
        if not to:
            continue
        reasons: list[str] = []
        for _, rw in group:  # each said once: a file saved from the e-mail is told by the e-mail's
            if not any(rw.file_name in said for said in reasons):
                reasons.append(_resend_reason(rw, year))
        reason = "；".join(dict.fromkeys(reasons))
        origin = items[r.index].mail.origin if items[r.index].mail else ""
        names = "、".join(dict.fromkeys(rw.file_name for _, rw in group if rw.origin != origin))
        who = row.unit or to
        m = items[r.index].mail
        for _, rw in group:
            rw.to = to
        drafts += _draft(returns_dir, who, "请重新报送", returns.notice(
            template=templates[returns.RESEND_FILE], unit=who, year=year or _year_in(m.subject if m else ""),
            to=to, district=mail.district,
            district_email=mail.district_email, reason=reason, file_name=names, reply=reply),
            [rw for _, rw in group])
    if units.roster is None:
        return drafts
    covered, undecided = units.covered(), units.undecided()
    for entry in units.roster.entries:
        if unit_key(entry.name) in covered:
            continue
        row = FileStatus(len(rows), "", "", select.MISSING, "单位名单中有此单位，但未收到其报送的文件",
                         entry.name, roster="名单内", to=entry.email)
        rows.append(row)
        alike = undecided.get(unit_key(entry.name))
        if alike:  # it may be the unit that sent them: no reminder until that is settled
            row.note = ("收到机关名称相近的“" + "”“".join(dict.fromkeys(alike)) + "”的报表，无法确定是否为此单位"
                        "（见其所在行），未生成催报邮件")
            continue
        if not entry.email:
            row.returned_note = "单位名单中没有此单位的邮箱，未生成催报邮件"
            continue
        drafts += _draft(returns_dir, entry.name, "催报", returns.notice(
            template=templates[returns.REMINDER_FILE], unit=entry.name, year=year, to=entry.email,
            district=mail.district, district_email=mail.district_email), [row])
    return drafts


def _draft(returns_dir: Path, who: str, kind: str, content: bytes, rows: list[FileStatus]) -> list[Path]:
    """Save a notice ``退回/{who}（{kind}）.eml`` and mark ``rows`` with it, or with why it could
    not be saved; the saved draft, to be counted among the drafts ([] when none was)."""
    path = _unique(returns_dir, f"{_stem(who)}（{kind}）.eml")
    note = _write_notice(path, content)
    for row in rows:
        if note:
            row.returned_note = note
        else:
            row.draft = str(path)
    return [] if note else [path]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _year_in(subject: str) -> int | None:
    """The report year an e-mail's subject names (“辛街道2024年报”), for a batch whose year is
    not known from any workbook: the draft then names it instead of a hole before 年."""
    m = re.search(r"(20\d\d)\s*年", subject or "")
    return int(m.group(1)) if m else None


def _resend_reason(row: FileStatus, year: int | None = None) -> str:
    """What was wrong with what a unit sent, for its "please send again" draft."""
    from .select import OTHER_YEAR, WORD_ONLY
    if row.status == OTHER_YEAR:
        return (f"报送的是{row.year}年度的工作簿，本次汇总的是{year}年度，请报送{year}年度的工作簿" if year and row.year
                else row.note)
    if row.status != WORD_ONLY:
        return row.note
    found = f"，按其中的表格校验有 {row.n_errors} 处错误" if row.n_errors else ""
    return f"只收到报告文档（{row.file_name}），没有标准填报工作簿（.xlsx）{found}，无法汇总"


def _stem(name: str) -> str:
    from .batch import RETURN_STEM_BYTES
    from .gather import safe_name
    return safe_name(name, "未填机关名称", max_bytes=RETURN_STEM_BYTES)


def _unique(folder: Path, name: str) -> Path:
    path, n = folder / name, 1
    while path.exists():
        n += 1
        stem, _, rest = name.partition("（")
        path = folder / f"{stem}({n})（{rest}"
    return path


def _write_notice(path: Path, content: bytes) -> str:
    try:
        path.write_bytes(content)
    except OSError as exc:
        return f"未能保存邮件草稿（{os_reason(exc)}）"
    return ""


def _save(path: Path, content: bytes, notes: list[str]) -> Path:
    """Write an output atomically. If it is open elsewhere by now (opened during the run), the
    batch's work is not lost: it goes to a name with the time, and a note says so."""
    from ..fileio import atomic_write
    reason = ""
    if lock_files(path):
        reason = "正被其他程序打开"
    else:
        try:
            atomic_write(path, content)
            return path
        except UnusableFile as exc:
            reason = str(exc)
    other = path.with_name(f"{path.stem}_{dt.datetime.now():%H%M%S}{path.suffix}")
    atomic_write(other, content)  # a failure here is the folder's: UnusableFile stops the run
    notes.append(f"{path.name} 未能写入（{reason}），本次结果已写入 {other.name}")
    return other


def _clear_previous_run(outdir: Path) -> None:
    """Remove what an earlier run into this OUTDIR extracted and returned: the new run makes them
    again from its inputs, and stale drafts must not be sent. Only our own names are touched."""
    clear_extracted(outdir)
    shutil.rmtree(outdir / RETURNS_DIR / ".staging", ignore_errors=True)
    folder = outdir / RETURNS_DIR
    if folder.is_dir():
        for p in folder.iterdir():
            if p.is_file() and ("（退回修改）" in p.name or p.name.endswith(("（退回通知）.eml", "（催报）.eml",
                                                                        "（请重新报送）.eml"))):
                try:
                    p.unlink()
                except OSError as exc:
                    raise OutputBlocked(f"上次退回的文件无法删除（{os_reason(exc)}，可能正被打开），"
                                       f"请关闭后重试：{p}") from None


def _write_findings(s: CollectSummary) -> None:
    from .select import STATUS_CODE
    obj = {
        "year": s.year,
        "summary": str(s.summary_path) if s.summary_path else None,
        "summary_note": s.summary_note or None,
        "counts": {STATUS_CODE[k]: s.count(k) for k in STATUS_CODE},
        "worker_peak_rss_mib": round(s.worker_peak_rss_mib, 1),
        "worker_first_rss_mib": round(s.worker_first_rss_mib, 1),
        "files": [{
            "file": f.origin, "path": f.path, "status": STATUS_CODE[f.status], "status_text": f.status,
            "reason": f.note, "unit": f.unit, "year": f.year, "errors": f.n_errors,
            "warnings": f.n_warnings, "returned": f.returned or None, "draft": f.draft or None,
            "returned_note": f.returned_note or None, "roster": f.roster or None, "to": f.to or None,
            "date": f.dated or None, "date_by": f.dated_by or None,
            "findings": [x.to_dict() for x in f.findings]} for f in s.files],
    }
    text = json_text(obj)
    s.findings_path = _save(s.findings_path, text.encode("utf-8"), s.notes)

