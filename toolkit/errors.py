"""Errors as data: what stops a command, as typed exceptions with stable codes.

Every exception nianbao raises for the user carries a ``code`` (stable, English, for programs and
tests: ``--json`` output, the exit code) and a message in Chinese (``str(exc)``, naming the file,
what was found and what is expected). ``KINDS`` maps each code to its exit code and a short
Chinese description, in this one place; the CLI, the GUI and the Excel button present errors
through ``exit_code`` and ``describe``, and code tells errors apart by class or ``code``, never by
the words of a message.

Exit codes: 0 passed (warnings allowed), 1 the data has errors, or a published report's tables
were not (all) read, so not every number was checked (CheckResult.verdict: 未能审核表格, 部分审核),
2 a file, a template or an argument could not be used, 130 interrupted.

This module imports nothing of toolkit: every layer may raise these.
"""

from __future__ import annotations

from typing import Any, ClassVar, NamedTuple

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE, EXIT_INTERRUPTED = 0, 1, 2, 130


class Kind(NamedTuple):
    """What a code means for the user: the exit code and a short description in Chinese. (A named
    tuple, not a dataclass: made at every start, it costs a tenth.)"""

    exit_code: int
    title: str


# code -> Kind. The single table of codes, exit codes and the words for them.
KINDS: dict[str, Kind] = {
    "error": Kind(EXIT_UNUSABLE, "无法完成"),
    "unusable": Kind(EXIT_UNUSABLE, "文件无法使用"),
    "unreadable": Kind(EXIT_UNUSABLE, "文件无法读取"),
    "not_workbook": Kind(EXIT_UNUSABLE, "不是 Excel 工作簿"),
    "damaged": Kind(EXIT_UNUSABLE, "文件已损坏"),
    "encrypted": Kind(EXIT_UNUSABLE, "文件设置了密码"),
    "old_excel": Kind(EXIT_UNUSABLE, "Excel 97-2003 格式（.xls）的文件"),
    "old_format": Kind(EXIT_UNUSABLE, "2019年旧格式的报告"),
    "not_template": Kind(EXIT_UNUSABLE, "不是 nianbao 标准模板"),
    "template_version": Kind(EXIT_UNUSABLE, "模板格式或版本不符"),
    "bad_data": Kind(EXIT_UNUSABLE, "数据文件有误"),
    "bad_argument": Kind(EXIT_UNUSABLE, "命令参数有误"),
    "output_exists": Kind(EXIT_UNUSABLE, "输出文件已存在，未覆盖"),
    "output_blocked": Kind(EXIT_UNUSABLE, "输出文件无法写入"),
    "template_problem": Kind(EXIT_UNUSABLE, "模板有问题"),
    "missing_program": Kind(EXIT_UNUSABLE, "缺少所需的程序"),
    "conversion_failed": Kind(EXIT_UNUSABLE, "转换失败"),
    "checks_failed": Kind(EXIT_ERRORS, "数据未通过校验"),
    "unexpected": Kind(EXIT_UNUSABLE, "意外错误"),
}


class NianbaoError(Exception):
    """The base of every error nianbao raises for the user; ``str(exc)`` is the Chinese message."""

    code: ClassVar[str] = "error"

    def __init__(self, message: str = "", *, path: object = None) -> None:
        super().__init__(message or KINDS[self.code].title)
        self.path = None if path is None else str(path)  # the file concerned, when known

    @property
    def exit_code(self) -> int:
        return KINDS[self.code].exit_code

    @property
    def title(self) -> str:
        return KINDS[self.code].title

    def where(self) -> str:
        """The message naming its file: ``path：message`` (as ``check`` shows an unusable file),
        unless the message names it already. A command given several files (``new --data``,
        ``build --template``) then says which one is meant."""
        message = str(self)
        if self.path is None or self.path in message or _name(self.path) in message:
            return message
        return f"{self.path}：{message}"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "reason": str(self), "path": self.path}


class UnusableFile(NianbaoError):
    """A file, a template or an argument that cannot be used at all (exit code 2). The base of
    every exit-2 error, so ``except UnusableFile`` catches them all."""

    code = "unusable"


class UnreadableFile(UnusableFile):
    """The file cannot be read: not found, no permission, an error of the system."""

    code = "unreadable"


class NotAWorkbook(UnusableFile):
    """Not an .xlsx workbook (nor JSON data): another kind of file, a folder, far too large."""

    code = "not_workbook"


class DamagedFile(UnusableFile):
    """A workbook whose package or XML is broken (or unsafe to parse)."""

    code = "damaged"


class EncryptedFile(UnusableFile):
    """A workbook protected by an opening password."""

    code = "encrypted"


class OldExcelFile(UnusableFile):
    """An Excel 97-2003 (.xls) file."""

    code = "old_excel"


class OldFormat(UnusableFile):
    """A report or workbook of the 2019 format (国办公开办函〔2019〕60号): refused, and counted
    apart from unreadable files in an audit."""

    code = "old_format"


class NotOurTemplate(UnusableFile):
    """A workbook that is not nianbao's standard workbook, or whose names were removed."""

    code = "not_template"


class TemplateVersion(UnusableFile):
    """A standard workbook of another report format or template version."""

    code = "template_version"


class BadData(UnusableFile):
    """JSON data (or data given to ``new``) that is not report data, or whose totals disagree."""

    code = "bad_data"


class BadArgument(UnusableFile):
    """An argument of the command that cannot be used (a file suffix, a year, an e-mail address)."""

    code = "bad_argument"


class OutputBlocked(UnusableFile):
    """An output that cannot be written: open in Excel/WPS, read-only, no folder, a run in progress."""

    code = "output_blocked"


class OutputExists(OutputBlocked):
    """An output file that exists and is not replaced without ``--force``."""

    code = "output_exists"


class TemplateProblem(UnusableFile):
    """A Word template or an e-mail template that cannot be used (the message says where)."""

    code = "template_problem"


class MissingProgram(UnusableFile):
    """A program or package the command needs is not installed (LibreOffice, xlwings, a display)."""

    code = "missing_program"


class ConversionFailed(UnusableFile):
    """A conversion by another program (the PDF by LibreOffice) failed."""

    code = "conversion_failed"


class ChecksFailed(NianbaoError):
    """The data has errors and the command does not go on (exit code 1); ``result`` is the check."""

    code = "checks_failed"

    def __init__(self, result: Any) -> None:
        super().__init__(f"{len(result.errors)} 个错误" if result.errors else result.verdict)
        self.result = result


def _name(path: str) -> str:
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or path


def exit_code(exc: BaseException) -> int:
    """The exit code for an exception reaching the top of a command."""
    if isinstance(exc, NianbaoError):
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    return KINDS["unexpected"].exit_code


def describe(exc: BaseException) -> str:
    """The message for the user, in Chinese, for any exception reaching the top of a command."""
    if isinstance(exc, NianbaoError):
        return exc.where()
    if isinstance(exc, KeyboardInterrupt):
        return "已中断"
    return (f"{KINDS['unexpected'].title}（{type(exc).__name__}：{exc}）。"
            "请加 --debug 重新运行，把显示的全部内容发给信息化负责人")


def all_error_classes() -> list[type[NianbaoError]]:
    """Every class of the hierarchy (for the test that each code has its exit code and words)."""
    out: list[type[NianbaoError]] = []
    todo: list[type[NianbaoError]] = [NianbaoError]
    while todo:
        cls = todo.pop()
        out.append(cls)
        todo.extend(cls.__subclasses__())
    return out
