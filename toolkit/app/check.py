"""Checking: ``nianbao check`` (``check_files``) and the one-click doors (``check_and_annotate``
for the launcher and the demo, ``check_book`` for the Excel button): read, check, write the
results back into the workbook, and build the Word report of a report that passed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EXIT_OK, EXIT_UNUSABLE, UnusableFile
from ..fileio import is_lock_file, is_workbook
from ..report import Report
from ..rules import CheckResult, check
from ..source import read_report

if TYPE_CHECKING:
    from ..previous import PreviousYear


def check_file(path: Path | str, previous: Path | str | Report | PreviousYear | None = None) -> CheckResult:
    """Read and check one file; ``previous`` is last year's workbook or JSON (rules W1, W2, W8),
    or several years' files by unit (``PreviousYear``: the file's own unit's is used)."""
    if previous is None:  # (the usual case: last year's files and their module not loaded)
        return _say_unread(check(read_report(path)))
    from ..previous import PreviousYear, usable
    if not isinstance(previous, (Report, PreviousYear)):
        previous = read_report(previous)
    report = read_report(path)
    why_not: str | None
    if isinstance(previous, PreviousYear):  # its unit's, found as names are matched, or why none
        previous, why_not = previous.match(report)
    else:
        previous, why_not = usable(report, previous)
    result = _say_unread(check(report, previous))
    if why_not:
        result.notes.append(why_not)
    return result


def _say_unread(result: CheckResult) -> CheckResult:
    """A document (or its JSON data) whose tables were not all read: which, beside the verdict."""
    if note := result.report.unread_note():
        result.notes.append(note)
    return result


def load_previous(files: Sequence[Path | str]) -> tuple[Report | PreviousYear | None, list[str]]:
    """Last year's data for ``check``: one file serves every file checked (it must be readable:
    an UnusableFile otherwise); several are matched by unit, and the unusable ones are noted."""
    if not files:
        return None, []
    if len(files) == 1:
        try:
            return read_report(files[0]), []
        except UnusableFile as exc:
            raise type(exc)(f"上年数据无法读取：{files[0]}：{exc}", path=files[0]) from exc
    from ..previous import PreviousYear
    previous = PreviousYear.load(files)
    return previous, list(previous.notes)


@dataclass(eq=False)  # (compared by identity: one method fewer to compile at each start)
class FileCheck:
    """One file of ``check_files``: its result, or why it was not checked."""

    path: str
    result: CheckResult | None = None
    error: UnusableFile | None = None  # the file cannot be used
    skipped: str = ""  # not a file to check (a lock file): why
    write_back: Any = None  # toolkit.writeback.WriteOutcome, when the results were written back

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return self.error.exit_code
        if self.result is None:
            return EXIT_OK
        return self.result.exit_code


@dataclass(eq=False)  # (compared by identity: one method fewer to compile at each start)
class CheckRun:
    """The files of one ``check_files`` call, in the order given."""

    files: list[FileCheck]
    previous_notes: list[str] = field(default_factory=list)  # last year's files not used, and why

    @property
    def checked(self) -> list[FileCheck]:
        """The files that were not skipped."""
        return [f for f in self.files if not f.skipped]

    @property
    def exit_code(self) -> int:
        """0 passed, 1 errors, 2 a file could not be used, or nothing to check."""
        if not self.checked:
            return EXIT_UNUSABLE
        return max(f.exit_code for f in self.checked)


def check_files(files: Sequence[Path | str], *, previous: Sequence[Path | str] = (),
                write_back: bool = True, each: Callable[[FileCheck], None] | None = None) -> CheckRun:
    """Check every file; write the results into each workbook unless ``write_back`` is false.

    A file that cannot be used is that file's error, never the end of the run; a workbook that
    cannot be written (open in Excel/WPS, read-only...) keeps its check, and ``write_back`` says
    why it was not written. Last year's data that cannot be read stops the run (UnusableFile).
    ``each`` is called with every file's outcome as soon as it is known (to show progress)."""
    last_year, notes = load_previous(previous)
    run = CheckRun([], notes)
    for name in files:
        item = FileCheck(str(name))
        run.files.append(item)
        if is_lock_file(Path(name)):  # `*.xlsx` also matches Excel's ~$name.xlsx while it is open
            item.skipped = "这是 Excel/WPS/LibreOffice 打开工作簿时产生的锁文件，不是工作簿"
        else:
            try:
                item.result = check_file(name, last_year)
            except UnusableFile as exc:
                item.error = exc
            if item.result is not None and write_back and is_workbook(name):
                # Imported here: `check --no-write-back` and JSON files need none of write-back's code.
                from ..writeback import write_back as write_results
                item.write_back = write_results(Path(name), item.result)
        if each is not None:
            each(item)
    return run


@dataclass(eq=False)  # (compared by identity: one method fewer to compile at each start)
class Annotated:
    """What a one-click door did: the check, the results written back, the Word report."""

    result: CheckResult
    write_back: Any = None  # WriteOutcome (a file) or the applied Plan (a live book)
    report: Path | None = None  # the Word report made, if any
    report_problem: str = ""  # why the report was not made although the data passed
    pdf: Path | None = None
    pdf_problem: str = ""


def _build(done: Annotated, source: Path | str, pdf: bool) -> Annotated:
    if done.result.not_final:  # errors, or a document's tables not read (they would be blank)
        return done
    from .build import build_beside, make_pdf  # (not at the top: `nianbao check` never builds)
    try:
        done.report = build_beside(done.result, source)
    except UnusableFile as exc:
        done.report_problem = str(exc)
        return done
    if pdf:
        done.pdf, done.pdf_problem = make_pdf(done.report)
    return done


def check_and_annotate(path: Path | str, *, build: bool = True, pdf: bool = False,
                       backup: bool = True) -> Annotated:
    """Check one file, write the results into it (a workbook), and build its Word report beside
    it when it passed. Raises UnusableFile when the file cannot be used; whatever happens after
    the check is said in the outcome."""
    from ..writeback import write_back
    path = Path(path)
    result = check_file(path)
    done = Annotated(result)
    if is_workbook(path):
        done.write_back = write_back(path, result, backup=backup)
    return _build(done, path.absolute(), pdf) if build else done


def check_book(book: Any) -> Annotated:
    """The Excel button: check the open workbook (live values, unsaved edits included), write the
    results into it through xlwings (Excel saves it as usual), build the Word report beside it when
    it passed. ``book`` is an xlwings Book (or the tests' fake). Raises UnusableFile."""
    from ..excel.apply import write_results
    from ..excel.live import name_targets, read_live
    result = check(read_live(book))
    done = Annotated(result, write_results(book, result, name_targets(book)))
    return _build(done, book.fullname, pdf=False)
