"""Read, check and (for errors) annotate every gathered file, in worker processes.

The pool is started once and fed chunks of tasks: start-up (imports) costs more than checking a
workbook, so it must not be paid per file. Each worker returns a small picklable ``FileResult``
(the findings and the numbers, not the Report with its raw data), so neither the workers nor the
main process grow with the batch beyond what the status list needs.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .. import source, spec
from ..errors import UnusableFile
from ..fileio import is_workbook, os_reason
from ..importers import DOCUMENT_SUFFIXES
from ..limits import COLLECT_TIMEOUT
from ..log import Logger
from ..previous import PreviousYear
from ..rules import Finding, check
from ..rules.copies import COPY_MIN_CHARS

if TYPE_CHECKING:
    from ..ooxml.workbook import Book
    from .returns import Reply
    from .roster import Roster

log = Logger(__name__)

# The figures charted per unit in the status list: key -> label.
FIGURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("本年新收申请", ("t3.new.total",)),
    ("办结（总计）", ("t3.total.total",)),
    ("结转下年度", ("t3.carry_forward.total",)),
    ("行政复议", ("t4.review.total",)),
    ("行政诉讼", ("t4.suit_direct.total", "t4.suit_after_review.total")),
)
NUMBER_INDEX = {k: i for i, k in enumerate(spec.NUMBER_KEYS)}
# W13 across the batch compares the sections assessments look at for copies: 一 and 五.
COPY_KEYS = tuple(p.key for p in spec.TEXT_PARTS if p.section in ("一", "五"))
# A last resort, for what no specific reason covers (the exception goes to the log, --debug).
RULE_FAILED = "此文件中有校验规则无法处理的数据，未能完成校验：请把此文件发给 nianbao 的维护者"
# A worker process that died (killed for memory, a crash in a C library) on this file.
WORKER_DIED = "检查此文件时校验进程意外退出（文件可能异常或过大），无法读取"
R = TypeVar("R")


class FindingCounts:
    """``n_errors`` / ``n_warnings`` of anything with ``findings``: the worker's result and the
    status line share them."""

    findings: tuple[Finding, ...]

    @property
    def n_errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def n_warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


@dataclass
class FileResult(FindingCounts):
    """One file's outcome, as the worker sends it back."""

    index: int
    path: str
    origin: str
    sender: str = ""
    mtime: float = 0.0
    state: str = "unusable"  # passed | errors | unusable
    reason: str = ""  # why it could not be used (unusable)
    unit: str | None = None
    year: int | None = None
    saved_at: str | None = None
    findings: tuple[Finding, ...] = ()
    numbers: tuple[object, ...] | None = None  # spec.NUMBER_KEYS order, None where invalid
    staged: str = ""  # the annotated copy written for the return, if any
    staged_note: str = ""  # how the copy was made, when not by write-back
    staged_draft: str = ""  # its e-mail draft, naming the copy ``return_stem``（退回修改）
    return_stem: str = ""
    previous_used: bool = False
    previous_note: str = ""  # how last year's report was found, or why there is none (--previous)
    rss_kib: int = 0  # the worker's peak memory after this file (for the benchmark)
    pid: int = 0
    mail_date: float | None = None  # the Date of the e-mail it came in (set by the main process)
    texts: dict[str, str] = field(default_factory=dict)  # sections 一 and 五, for W13 across the batch
    summary_of: str = ""  # a district's summary workbook, collected by the city: what it sums
    summary_units: tuple[str, ...] = ()  # ... and the units it sums, as it lists them
    draft_to: str = ""  # the address the worker's draft was made for
    draft_reply: Reply | None = None  # the e-mail it answers
    unread: int = 0  # table values its source did not give (data imported from a document: pictures)

    @property
    def document(self) -> bool:
        """A report document (Word, PDF, web page) rather than a workbook or JSON data, or JSON
        data imported from one whose tables were not all read: checked and listed, never summed
        (its blanks are not the unit's zeros), its workbook asked for."""
        return os.path.splitext(self.path)[1].lower() in DOCUMENT_SUFFIXES or self.unread > 0  # (no Path: 2,000 calls)

    def number(self, key: str) -> object:
        return None if self.numbers is None else self.numbers[NUMBER_INDEX[key]]

    def figures(self) -> list[float | None]:
        out: list[float | None] = []
        for _, keys in FIGURES:
            values = [self.number(k) for k in keys]
            numbers = [v for v in values if isinstance(v, (int, float))]
            out.append(None if len(numbers) != len(values) else sum(numbers))
        return out


@dataclass
class Task:
    """One file of the batch, as a worker receives it."""

    index: int
    path: str
    origin: str
    sender: str
    mtime: float
    reply: Reply | None = None  # the e-mail a draft answers (without a roster)


@dataclass
class MailSetup:
    """What a return e-mail is written from: the template and the district's name and address."""

    template: str  # the Jinja2 template's text
    district: str = ""
    district_email: str = ""


@dataclass
class WorkerSetup:
    """What every worker needs, sent once when the pool starts."""

    staging: str  # folder for annotated copies (OUTDIR/退回/.staging)
    previous: PreviousYear | None = None  # last year's reports (--previous), by unit
    mail: MailSetup | None = None  # for the return drafts, written by the workers too
    roster: Roster | None = None  # addresses the drafts, as the main process will (units.Units.address)
    same: list[tuple[str, str]] = field(default_factory=list)  # --same pairs, for the roster match


_SETUP: WorkerSetup | None = None


def _init(setup: WorkerSetup) -> None:
    global _SETUP
    _SETUP = setup
    # Import the workbook reader now, once per worker, not inside the first task.
    import toolkit.workbook.read  # noqa: F401


def process(task: Task) -> FileResult:
    """Read and check one file; for errors, write its annotated copy to the staging folder."""
    assert _SETUP is not None
    res = FileResult(task.index, task.path, task.origin, task.sender, task.mtime, pid=os.getpid())
    try:
        report, book = source.read_source(task.path)
    except UnusableFile as exc:
        res.reason = str(exc)
        return _done(res)
    except Exception:  # one bad file never stops the batch (read_report has said what it could)
        log.debug("reading %s", task.origin, exc_info=True)
        res.reason = source.UNREADABLE
        return _done(res)
    values = report.values
    unit = values.get("meta.unit")
    res.unit = str(unit).strip() if unit else None
    year = values.get("meta.year")
    res.year = year if isinstance(year, int) else None
    res.saved_at = report.saved_at
    res.summary_of = report.summary_of or ""
    res.summary_units = report.summary_units
    res.unread = len(report.unread)
    previous, res.previous_note = _SETUP.previous.match(report) if _SETUP.previous else (None, "")
    res.previous_used = previous is not None
    try:
        result = check(report, previous, rollup=True)
    except Exception:  # a rule crashing on odd data must not lose the other files
        log.debug("checking %s", task.origin, exc_info=True)
        res.reason = RULE_FAILED
        return _done(res)
    res.findings = tuple(result.findings)
    res.numbers = tuple(values.get(k) for k in spec.NUMBER_KEYS)
    res.texts = {k: v for k in COPY_KEYS if isinstance(v := values.get(k), str) and len(v) >= COPY_MIN_CHARS}
    res.state = "passed" if result.passed else "errors"
    if not result.passed and not res.document:  # a document is not returned: the workbook is asked for
        dest = Path(_SETUP.staging) / f"{task.index:06d}{Path(task.path).suffix.lower()}"
        try:
            res.staged_note = annotated_copy(Path(task.path), result, dest, book)
            res.staged = str(dest)
        except UnusableFile as exc:
            res.staged_note = f"未能生成退回副本：{exc}"
        except OSError as exc:
            res.staged_note = f"未能生成退回副本（{os_reason(exc)}）"
        if res.staged and _SETUP.mail:
            # The draft is made here, in parallel, under the name the copy will most likely
            # get; the main process redoes it only when two units' names collide.
            res.return_stem = return_stem(res)
            draft = dest.with_suffix(".eml")
            if _SETUP.roster is not None:
                res.draft_to = _SETUP.roster.address(res.unit, _SETUP.same) or task.sender
            else:
                res.draft_to, res.draft_reply = task.sender, task.reply
            try:
                draft.write_bytes(make_draft(res, _SETUP.mail, res.return_stem, res.draft_to, res.draft_reply))
                res.staged_draft = str(draft)
            except Exception:  # the main process makes it again and reports what is wrong
                log.debug("e-mail draft for %s failed in the worker", task.origin, exc_info=True)
    return _done(res)


RETURN_STEM_BYTES = 90  # + "（退回修改）.xlsx" + "(n)" stays far below 255 bytes and Windows' 260-char paths


def return_stem(res: FileResult) -> str:
    from .gather import safe_name
    return safe_name(res.unit or Path(res.origin.rsplit(" › ", 1)[-1]).stem, "未填机关名称",
                     max_bytes=RETURN_STEM_BYTES)


def return_names(stem: str, suffix: str) -> tuple[str, str]:
    """(annotated copy, e-mail draft) file names in 退回/."""
    return f"{stem}（退回修改）{suffix}", f"{stem}（退回通知）.eml"


def make_draft(res: FileResult, mail: MailSetup, stem: str, to: str | None = None, reply=None,
               findings: tuple[Finding, ...] | None = None) -> bytes:
    """The return draft of ``res`` (its own findings, or ``findings``: those the batch added)."""
    from . import returns
    copy_name = return_names(stem, Path(res.staged).suffix)[0]
    file_name = res.origin.replace("\\", "/").rsplit("/", 1)[-1].rsplit(" › ", 1)[-1]
    return returns.draft(template=mail.template, unit=res.unit or "（未填机关名称）", year=res.year,
                         file_name=file_name, findings=res.findings if findings is None else findings,
                         attachment=Path(res.staged),
                         attachment_name=copy_name, to=res.sender if to is None else to,
                         district=mail.district, district_email=mail.district_email, reply=reply)


def _done(res: FileResult) -> FileResult:
    try:
        import resource
        res.rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except (ImportError, OSError):  # Windows has no resource module
        pass
    return res


def annotated_copy(src: Path, result, dest: Path, book: Book | None = None) -> str:
    """A copy of ``src`` at ``dest`` with the check's results written back into it (marks, the
    results sheet, the verdict), so the unit sees its errors where it types. Returns "" when
    written back, else a note saying what was done instead. ``book``: ``src`` as the check read
    it (``source.read_source``), edited rather than read and parsed again.

    Uses write-back's renderer (``toolkit.writeback.render_workbook_bytes``) rather than
    ``write_back``: the copy goes to our staging folder, and when write-back cannot keep the
    workbook intact, the unit must get its own file back unchanged, not a damaged copy (and
    nothing may be written beside the sender's file). A JSON data file is copied as it is."""
    if not is_workbook(src):
        shutil.copyfile(src, dest)
        return "原样复制（JSON 数据文件）"
    from ..writeback import render_workbook_bytes
    from ..writeback.patch import LossDetected
    try:
        content = render_workbook_bytes(book if book is not None else src, result)
    except LossDetected as exc:
        shutil.copyfile(src, dest)
        return f"原样复制（写回可能改变工作簿内容：{exc}）"
    except UnusableFile as exc:
        shutil.copyfile(src, dest)
        return f"原样复制（{exc}）"
    except Exception:  # noqa: BLE001 - one bad file never stops the batch
        log.debug("writing back into %s", src, exc_info=True)
        shutil.copyfile(src, dest)
        return "原样复制（无法把校验结果写回此工作簿）"
    dest.write_bytes(content)
    return ""


MAX_FAILED_STARTS = 3  # workers dying before their first file: something is wrong with all


def run(tasks: list[Task], setup: Any, workers: int,
        progress: Callable[[int, int], None] | None = None, *,
        func: Callable[[Task], R] = process, init: Callable[[Any], None] = _init,  # type: ignore[assignment]
        died: Callable[[Task, str], R] | None = None,
        timeout: float | None = COLLECT_TIMEOUT) -> list[R]:
    """Every task's result, in the order they finish. Each file is checked in a worker process,
    never in this one: a file that takes longer than ``timeout`` seconds (a reader looping on a
    malformed formula) or that kills its worker (memory, a C library) is that file's line in the
    status list, and the batch goes on. ``func`` (a module-level function: it is sent to the
    workers) checks one file, after ``init(setup)`` ran once in each worker; ``died(task, reason)``
    makes the result of a file that could not be finished. Collect uses the defaults; the audit of
    published reports passes its own."""
    total = len(tasks)
    out: list[R] = []
    if progress:
        progress(0, total)
    pool: _Pool[R] = _Pool(setup, max(1, min(workers, total)), timeout, func, init,
                           died or _died)  # type: ignore[arg-type]
    for res in pool.results(tasks):
        out.append(res)
        if progress:
            progress(len(out), total)
    return out


def _died(task: Task, reason: str) -> FileResult:
    return FileResult(task.index, task.path, task.origin, task.sender, task.mtime, reason=reason)


def timed_out(seconds: float) -> str:
    return (f"检查此文件用时超过 {seconds:g} 秒，已停止（文件可能异常，或过大）；"
            "如确需更长时间，可用 --timeout 放宽时限")


# A worker sends its results a few at a time, in one message: one message (a system round trip,
# a wake-up of this process and a pickle's class look-ups) per file made this process's CPU ten
# times ca63ae5's, whose pool answered in chunks. It sends when it has SEND_EVERY, when it has no
# file left to check, or when the oldest result has waited SEND_AFTER seconds (a live progress).
SEND_EVERY = 8
SEND_AFTER = 0.25
# Files sent to a worker ahead, not answered: enough that it never waits for this process (busy,
# or not scheduled on a loaded machine) while its results travel and the next files come back.
AHEAD = 2 * SEND_EVERY
# A worker's shared state (no message): [files it has started, when it started the file it is
# on (time.monotonic, the same clock in every process), 0 while it is on none].
STARTED, SINCE = 0, 1


def _worker_main(conn: Connection, state: Any, setup: Any, func: Callable[[Task], Any],
                 init: Callable[[Any], None]) -> None:
    """A worker: set up once, say so, then check the files it is sent, in the order sent."""
    init(setup)
    # A file's parsed parts (thousands of elements) are freed by their reference counts when it
    # is done; collecting every 700 new objects walked each of them while they were alive, 2 % of
    # a worker's instructions. Cyclic garbage is still collected, every 100,000 objects.
    gc.set_threshold(100_000, 50, 100)
    conn.send(None)
    queue: deque[Task] = deque()
    done: list[Any] = []
    oldest = 0.0
    while True:
        try:
            while not queue or conn.poll():  # take what was sent; wait for it only with nothing to do
                if done and not queue:
                    _send(conn, done)
                    done = []
                msg = conn.recv()
                if msg is None:
                    return
                queue.extend(msg)
        except (EOFError, OSError):
            return
        task = queue.popleft()
        state[SINCE] = time.monotonic()
        state[STARTED] += 1
        res = func(task)
        state[SINCE] = 0.0
        if not done:
            oldest = time.monotonic()
        done.append(res)
        if len(done) >= SEND_EVERY or time.monotonic() - oldest >= SEND_AFTER:
            _send(conn, done)
            done = []


class _Unsent:
    """In a worker's results, in place of one that could not be pickled (its file is marked as
    if the worker had died on it, as when each result was a message of its own)."""


def _send(conn: Connection, results: list[Any]) -> None:
    try:
        conn.send(results)
    except (OSError, EOFError):
        raise
    except Exception:  # pickling: nothing was written, the pipe is intact
        log.debug("a result could not be sent", exc_info=True)
        conn.send([r if _picklable(r) else _Unsent() for r in results])


def _picklable(obj: object) -> bool:
    import pickle
    try:
        pickle.dumps(obj)
    except Exception:
        log.debug("a %s result cannot be pickled", type(obj).__name__, exc_info=True)
        return False
    return True


@dataclass(eq=False)
class _Worker:
    """One worker process of the pool and the files sent to it."""

    proc: BaseProcess
    conn: Connection
    state: Any  # _worker_main's shared state
    ready: bool = False
    tasks: deque[Task] = field(default_factory=deque)  # sent, not answered, in the order sent
    answered: int = 0  # files answered (the results received)

    def current(self) -> tuple[int, float] | None:
        """(position in ``tasks``, since when) of the file it is checking now, if any."""
        since = self.state[SINCE]
        if not since:
            return None
        i = int(self.state[STARTED]) - self.answered - 1
        return (i, since) if 0 <= i < len(self.tasks) else None


class _Pool(Generic[R]):
    """Worker processes fed a few files at a time, each watched against the time limit.

    ``concurrent.futures`` cannot stop a task that runs too long (only the whole pool, losing
    every other file in flight), hence this small pool: a worker that overruns or dies is
    replaced, and only the file it was on is marked (the others it had are checked by another
    worker; shared state, not messages, says which file it is on). Start-up (imports) is paid once
    per worker."""

    def __init__(self, setup: Any, size: int, timeout: float | None, func: Callable[[Task], R],
                 init: Callable[[Any], None], died: Callable[[Task, str], R]) -> None:
        self.setup = setup
        self.size = size
        self.timeout = timeout
        self.func, self.init, self.died = func, init, died
        self.ctx = multiprocessing.get_context()

    def _start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        state = self.ctx.RawArray("d", 2)
        proc = self.ctx.Process(target=_worker_main, args=(child, state, self.setup, self.func, self.init),
                                daemon=True)
        # A forked worker inherits this process's objects (modules, the batch's files, the
        # roster): frozen, its garbage collector never walks them (each full collection of a
        # worker walked ~600,000 of them, ~75 ms) nor writes into their pages (copy-on-write).
        gc.freeze()
        try:
            proc.start()
        finally:
            gc.unfreeze()
        child.close()
        return _Worker(proc, parent, state)

    @staticmethod
    def _stop(w: _Worker, polite: bool = False) -> None:
        if polite:
            try:
                w.conn.send(None)  # "no more files": it returns
                w.proc.join(5)
            except OSError:
                pass
        if w.proc.is_alive():
            w.proc.kill()
        w.proc.join(5)
        w.conn.close()

    def results(self, tasks: list[Task]) -> Iterator[R]:
        pending = deque(tasks)
        pool = [self._start() for _ in range(min(self.size, len(tasks)))]
        failed_starts = 0  # workers that died before they were ready, in a row

        def lost(w: _Worker, reason: str) -> Iterator[R]:
            """``w`` is gone: the file it was on is marked, the others it had go back to the queue
            (checked, not yet answered, or not begun)."""
            on = w.current()
            if on is not None:
                yield self.died(w.tasks[on[0]], reason)
                del w.tasks[on[0]]
            pending.extendleft(reversed(w.tasks))
            w.tasks.clear()

        try:
            while True:
                for w in pool:
                    # each its share of what is left, so that all finish together
                    n = min(AHEAD - len(w.tasks), -(-len(pending) // len(pool)))
                    if w.ready and n > 0 and (not w.tasks or n >= SEND_EVERY or len(pending) < SEND_EVERY):
                        sent = [pending.popleft() for _ in range(n)]
                        try:
                            w.conn.send(sent)
                        except OSError:  # it died: found below, where its pipe says so
                            pending.extendleft(reversed(sent))
                            continue
                        w.tasks.extend(sent)
                if not pending:  # nothing left to hand out: idle workers can go
                    for w in [w for w in pool if w.ready and not w.tasks]:
                        pool.remove(w)
                        self._stop(w, polite=True)
                if not pool:
                    return
                deadlines = [on[1] + self.timeout for w in pool if self.timeout and (on := w.current())]
                ready = wait([w.conn for w in pool],
                             max(0.0, min(deadlines) - time.monotonic()) if deadlines else
                             # a worker begins its next file without a message: looked at again soon
                             min(self.timeout, 1.0) if self.timeout and any(w.tasks for w in pool) else None)
                now = time.monotonic()
                for w in list(pool):
                    if w.conn in ready:
                        try:
                            msg = w.conn.recv()
                        except (EOFError, OSError):  # the worker died (killed for memory, a crash)
                            if not w.ready:
                                failed_starts += 1
                            yield from lost(w, WORKER_DIED)
                            self._replace(pool, w, bool(pending) and failed_starts < MAX_FAILED_STARTS)
                            continue
                        if not w.ready:
                            w.ready, failed_starts = True, 0
                        else:
                            for res in msg:
                                task = w.tasks.popleft()
                                w.answered += 1
                                yield self.died(task, WORKER_DIED) if isinstance(res, _Unsent) else res
                    elif self.timeout and (on := w.current()) and now - on[1] > self.timeout:
                        yield from lost(w, timed_out(self.timeout))
                        self._replace(pool, w, bool(pending))
                if failed_starts >= MAX_FAILED_STARTS and not any(w.ready for w in pool):
                    while pending:  # workers cannot even start: every file says so
                        yield self.died(pending.popleft(), WORKER_DIED)
        finally:
            for w in pool:
                self._stop(w)

    def _replace(self, pool: list[_Worker], w: _Worker, again: bool) -> None:
        """Stop ``w``; start a fresh worker in its place when there is work left for it."""
        i = pool.index(w)
        self._stop(w)
        if again:
            pool[i] = self._start()
        else:
            del pool[i]
