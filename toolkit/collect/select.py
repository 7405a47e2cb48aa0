"""Decide each file's status in the batch: which year the batch is, which file stands for each
unit (the newest), and which files are superseded or of another year.

Units are identified by ``meta.unit`` inside the workbook, never by the file name: senders
rename files, and two files of one unit may carry any names.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ..previous import saved_timestamp, unit_key
from .batch import FileResult

# Statuses as the status list shows them, in the order it lists them (errors first).
ERRORS, UNUSABLE, OTHER_YEAR, SUPERSEDED, PASSED = "有错误", "无法读取", "年度不符", "被替代", "通过"
MISSING, SUSPECT = "未报送", "疑似同一单位"  # a roster unit that sent nothing; two names, maybe one unit
WORD_ONLY = "仅报送Word"  # a unit that sent only its report document: imported and checked, not summed
# A file found among the inputs that is not a unit's report (a note, a picture), or one beside the
# report its unit sent (a .rar besides its workbook): listed, not read, no error.
OTHER_FILE = "其他文件"
STATUS_ORDER = (ERRORS, UNUSABLE, MISSING, WORD_ONLY, SUSPECT, OTHER_YEAR, SUPERSEDED, PASSED, OTHER_FILE)
STATUS_CODE = {ERRORS: "errors", UNUSABLE: "unusable", MISSING: "missing", WORD_ONLY: "word_only",
               SUSPECT: "same_unit", OTHER_YEAR: "other_year", SUPERSEDED: "superseded", PASSED: "passed",
               OTHER_FILE: "other_file"}
# Why a unit's report document is checked but not summed (said on its row).
WORD_ONLY_NOTE = ("只收到报告文档，没有标准填报工作簿：已导入并校验，未计入汇总（文档中印的数字和合计可能有误，"
                  "汇总只用标准工作簿），请其报送标准填报工作簿")
# Which date stood for a copy when the newest was chosen.
BY_MAIL, BY_SAVED, BY_FILE = "邮件日期", "工作簿保存时间", "文件时间"


@dataclass
class Decision:
    """Whether a file of the batch counts, and why not when it does not."""

    status: str
    note: str = ""  # why (superseded by which file, which year)
    superseded_by: int | None = None  # index of the file that replaced this one


def batch_year(results: list[FileResult], year: int | None = None) -> int | None:
    """The batch's report year: as given, else the most common year among readable files
    (the latest of equally common ones)."""
    if year is not None:
        return year
    counts = Counter(r.year for r in results if r.state != "unusable" and r.year is not None)
    if not counts:
        return None
    best = max(counts.values())
    return max(y for y, n in counts.items() if n == best)


def dated(res: FileResult) -> tuple[float, str]:
    """(the time that says how new a copy is, which time it is): for an e-mailed workbook the
    e-mail's Date (a correction re-sent keeps its first save stamp), else the workbook's own save
    stamp, else the file time."""
    if res.mail_date is not None:
        return res.mail_date, BY_MAIL
    saved = saved_timestamp(res.saved_at)
    if saved is not None:
        return saved, BY_SAVED
    return res.mtime, BY_FILE


def when_text(stamp: float, seconds: bool = False) -> str:
    """A time as the district reads it (local time), or "" for none; to the second when asked
    (two copies of the same minute)."""
    if not stamp:
        return ""
    try:
        return dt.datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    except (ValueError, OverflowError, OSError):
        return ""


def newest_key(res: FileResult) -> tuple:
    """A workbook before a report document (whatever their dates: the document's numbers are
    read from its layout), then newest first by ``dated``, the file time, input order."""
    return (not res.document, dated(res)[0], res.mtime, res.index)


def decide(results: list[FileResult], year: int | None,
           key: Callable[[FileResult], str] | None = None) -> dict[int, Decision]:
    """index -> Decision for every result. ``key``: which unit a result stands for (by default
    its name as ``unit_key``; a roster or ``--same`` joins names)."""
    key = key or (lambda r: unit_key(r.unit))
    out: dict[int, Decision] = {}
    groups: dict[str, list[FileResult]] = {}
    for r in results:
        if r.state == "unusable":
            out[r.index] = Decision(UNUSABLE, r.reason)
        elif year is not None and r.year is not None and r.year != year:
            out[r.index] = Decision(OTHER_YEAR, f"报告年度为{r.year}年，本批汇总的是{year}年度，未计入汇总")
        elif not r.unit:
            # no unit name: cannot be matched to anything, stands alone (E7 reports it)
            out[r.index] = (Decision(WORD_ONLY, WORD_ONLY_NOTE) if r.document else
                            Decision(PASSED if r.state == "passed" else ERRORS))
        else:
            groups.setdefault(key(r), []).append(r)
    for members in groups.values():
        members.sort(key=newest_key, reverse=True)
        keep = members[0]
        out[keep.index] = (Decision(WORD_ONLY, WORD_ONLY_NOTE) if keep.document else
                           Decision(PASSED if keep.state == "passed" else ERRORS))
        stamp, why = dated(keep)
        for r in members[1:]:
            mine, my_why = dated(r)
            if r.document and not keep.document:
                note = f"同一单位报送了填报工作簿：{keep.origin}，以工作簿为准"
            else:
                note = _newer_note(keep, r)
            out[r.index] = Decision(SUPERSEDED, note, superseded_by=keep.index)
    return out


def _newer_note(keep: FileResult, r: FileResult) -> str:
    """Why ``r`` gave way to ``keep`` (both of one unit): their dates, to the second when they
    share the minute, and the rule that decided when even the seconds tie."""
    (stamp, why), (mine, my_why) = dated(keep), dated(r)
    seconds = why == my_why and when_text(stamp) == when_text(mine)
    new, old = when_text(stamp, seconds), when_text(mine, seconds)
    if not seconds or new != old:
        return f"同一单位有更新的文件：{keep.origin}（{why} {new}，本文件{my_why} {old}）"
    rule = ("两者相差不到1秒，取较晚的一份" if stamp != mine
            else "按文件时间取较新的一份" if keep.mtime != r.mtime else "按收到（输入）顺序取后一份")
    return f"同一单位另有一份{why}相同的文件：{keep.origin}（都是 {new}，{rule}）"
