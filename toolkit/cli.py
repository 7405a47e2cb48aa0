"""The ``nianbao`` command: it parses the arguments, calls ``toolkit.app`` and prints the results.

Each subcommand imports what it needs when it runs, so that ``nianbao check`` starts without
loading XlsxWriter, docxtpl or jinja2. Exit codes (``toolkit.errors``): 0 passed (warnings
allowed), 1 errors found, 2 a file could not be used or the command was wrong, 130 interrupted.
Every command takes ``--debug``: the full traceback of an error, and the library's log.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_UNUSABLE, describe, exit_code
from .lazyre import lazy
from .limits import COLLECT_TIMEOUT
from .log import debug_to_stderr

# argparse's own messages (English, through gettext) in Chinese: matched here, in our parser, so
# that nothing of argparse itself is patched. The first matching pattern translates a message;
# ``{n}`` is the n-th group, itself translated again (an ``argument X: …`` wraps another message).
# Compiled at the first error (``lazy``): a command that parses cleanly never needs them.
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple((lazy(p, re.S), t) for p, t in (
    (r"^argument (.+?): (.*)$", "参数 {0}：{1}"),
    (r"^the following arguments are required: (.*)$", "缺少参数：{0}"),
    (r"^unrecognized arguments: (.*)$", "无法识别的参数：{0}"),
    (r"^invalid choice: (.*?) \(choose from (.*)\)$", "没有这个命令或选项值：{0}（可选：{1}）"),
    (r"^invalid \S+ value: (.*)$", "参数值不对：{0}"),
    (r"^expected one argument$", "需要一个参数值"),
    (r"^expected at least one argument$", "需要至少一个参数值"),
    (r"^expected at most one argument$", "最多一个参数值"),
    (r"^expected (\d+) arguments?$", "需要 {0} 个参数值"),
    (r"^ambiguous option: (.*) could match (.*)$", "选项 {0} 不明确，可能是 {1}"),
    (r"^not allowed with argument (.*)$", "不能与 {0} 同时使用"),
    (r"^ignored explicit argument (.*)$", "多余的参数值：{0}"),
    (r"^one of the arguments (.*) is required$", "须给出其中之一：{0}"),
))


def translate(message: str) -> str:
    """An argparse message in Chinese (unknown ones are left as they are)."""
    for pattern, template in _MESSAGES:
        m = pattern.match(message)
        if m:
            return template.format(*(translate(g) if i else g for i, g in enumerate(m.groups())))
    return message


class Formatter(argparse.HelpFormatter):
    """argparse's help layout, with its words in Chinese."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def _format_action(self, action: argparse.Action) -> str:
        # The commands' group lists the commands themselves, without a first line repeating its
        # metavar ("命令:" then "  命令" in argparse's layout).
        if isinstance(action, argparse._SubParsersAction):
            return "".join(self._format_action(a) for a in action._get_subactions())
        return super()._format_action(action)


class Parser(argparse.ArgumentParser):
    """argparse in Chinese (help, usage and errors), with usage errors exiting with code 2."""

    def __init__(self, *args: Any, add_help: bool = True, parents: Any = (), **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        kwargs["add_help"] = False  # ours, with Chinese words, below
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")
        # The parents' options join ours only now that the groups have their Chinese titles:
        # argparse puts a parent's option in the group of the same title, a second "选项" otherwise.
        for parent in parents:
            self._add_container_actions(parent)
            self._defaults.update(parent._defaults)

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        """argparse's, but an argument nobody takes is refused with the usage of the command it
        was given to (``check --bogus x.xlsx``: check's usage, not every command's)."""
        argv = list(sys.argv[1:] if args is None else args)
        ns, extras = self.parse_known_args(argv, namespace)
        if extras:
            command = getattr(ns, "command", None)
            after = command in argv and extras[0] in argv[argv.index(command) + 1:]  # not `--bogus check`
            parser = next((a.choices[command] for a in self._actions
                           if after and isinstance(a, argparse._SubParsersAction) and command in a.choices), self)
            parser.error(f"unrecognized arguments: {' '.join(extras)}")
        return ns

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        # What this parser (a command's, when argparse hands it the rest) was given: its error
        # says which of those it could not use.
        self._given = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"nianbao：命令参数有误：{translate(message)}{self._unknown_too(message)}{self._greedy_hint(message)}",
              file=sys.stderr)
        raise SystemExit(EXIT_UNUSABLE)

    def _given_options(self) -> list[str]:
        """The options given to this parser, as typed (``--x=1`` as ``--x``)."""
        return [g.split("=", 1)[0] for g in getattr(self, "_given", []) if g.startswith("-") and g != "-"]

    def _unknown_too(self, message: str) -> str:
        """argparse reports missing arguments before options it does not know (``audit --bogus``):
        those are named too, so the user sees both mistakes at once."""
        if not message.startswith("the following arguments are required"):
            return ""
        known = [o for a in self._actions for o in a.option_strings]
        # an abbreviation argparse would accept (--prev for --previous) is not unknown
        unknown = [g for g in self._given_options()
                   if not any(o == g or (g.startswith("--") and o.startswith(g)) for o in known)]
        return f"；无法识别的参数：{' '.join(dict.fromkeys(unknown))}" if unknown else ""

    def _greedy_hint(self, message: str) -> str:
        """Why a positional is missing when an option taking several values came before it
        (``audit --previous 去年/ 今年/ -o 输出``: argparse gives 今年/ to --previous too); only
        when such an option was given."""
        if not message.startswith("the following arguments are required"):
            return ""
        given = self._given_options()
        greedy = [a.option_strings[-1] for a in self._actions if a.option_strings and a.nargs == "+"
                  and any(o == g or (g.startswith("--") and o.startswith(g)) for o in a.option_strings for g in given)]
        missing = [a.metavar for a in self._actions
                   if not a.option_strings and isinstance(a.metavar, str) and a.metavar in message]
        if not greedy or not missing:
            return ""
        return (f"（{greedy[0]} 会把其后的路径都当作它的值：给了 {greedy[0]} 时，请把 {missing[0]} 写在它前面，"
                f"或把 {greedy[0]} 及其文件放在命令最后）")


def number(convert: Callable[[str], float], minimum: float, maximum: float, expected: str) -> Callable[[str], float]:
    """The type of a numeric option: a number within bounds, else a usage error saying in Chinese
    what is expected (exit code 2, before any work). Every numeric option of every command uses it."""

    def parse(text: str) -> float:
        try:
            value = convert(text.strip())
        except ValueError:
            value = None
        if value is None or not minimum <= value <= maximum:  # (NaN fails both)
            raise argparse.ArgumentTypeError(f"“{text}”不对：{expected}")
        return value

    return parse


WORKERS = number(int, 1, 10_000, "应为大于0的整数（并行进程数）")
TIMEOUT = number(float, 0, math.inf, "应为不小于0的秒数（0 为不限）")


def year_type() -> Callable[[str], float]:
    from . import spec
    return number(int, spec.FIRST_YEAR, spec.LAST_YEAR,
                  f"应为四位年份，如2024（本格式自{spec.FIRST_YEAR}年度起使用）")


def _out(text: str = "") -> None:
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # The reader went away (`nianbao check … | head -1`): the rest of the output goes nowhere,
        # but the work (writing the results back) goes on.
        _stdout_to_devnull()


def _stdout_to_devnull() -> None:
    """Point stdout at devnull, so that later prints and Python's final flush are silent."""
    import os
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _trace(args: argparse.Namespace, exc: BaseException) -> None:
    """With --debug, the traceback of an error that became a message."""
    if getattr(args, "debug", False):
        import traceback  # only with --debug
        traceback.print_exception(exc)


# --- commands -------------------------------------------------------------------------------------

def cmd_new(args: argparse.Namespace) -> int:
    if args.from_:
        from .app.importing import new_from
        made = new_from(args.out, args.from_, unit=args.unit, year=args.year, overwrite=args.force)
        for note in made.notes:
            _err(f"nianbao：{note}")
        _out(f"已生成{made.year or ''}年度的标准工作簿：{made.out}（机关名称、类别和上年结转取自 {args.from_}；"
             "正文留空，请按本年情况撰写）")
        return EXIT_OK
    from .app import new_workbook
    path = new_workbook(args.out, unit=args.unit, year=args.year, data=args.data,
                        overwrite=args.force)
    _out(f"已生成标准工作簿：{path}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from .app import FileCheck, check_files
    from .output import render_result, render_unusable, result_json, unusable_json

    results: list[dict] = []

    def show(item: FileCheck) -> None:  # as each file is done, so a long run shows its progress
        if item.skipped:
            if not args.json:
                _out(f"【跳过】{item.path}：{item.skipped}")
            return
        if item.error is not None:
            _trace(args, item.error)
            results.append(unusable_json(item.path, str(item.error), item.error.code))
            if not args.json:
                _out(render_unusable(item.path, str(item.error)))
            return
        assert item.result is not None
        results.append(result_json(item.result))
        if not args.json:
            _out(render_result(item.result))
        outcome = item.write_back
        if outcome is not None:
            results[-1]["write_back"] = {"written": str(outcome.written) if outcome.written else None,
                                         "backup": str(outcome.backup) if outcome.backup else None,
                                         "reason": outcome.reason}
            if not args.json:
                _out("  " + outcome.message())

    run = check_files(args.files, previous=args.previous or (), write_back=not args.no_write_back,
                      each=show)
    for note in run.previous_notes:
        _err(f"上年数据未使用：{note}")
    if args.json:
        one = len(args.files) == 1 and len(results) == 1  # one file named: its object, else a list
        _out(json.dumps(results[0] if one else results, ensure_ascii=False, indent=1, default=str))
    if not run.checked:
        _err("nianbao：没有可校验的文件（只有锁文件）")
    return run.exit_code


def cmd_export(args: argparse.Namespace) -> int:
    from .app.workbook import export_text, write_export
    if args.output and args.output != "-":  # "-": standard output, as usual for commands
        write_export(args.file, args.output, overwrite=args.force)
        _out(f"已导出：{args.output}")
    else:
        sys.stdout.write(export_text(args.file))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from .app.importing import import_report
    from .output import render_result
    outcome = import_report(args.file, args.output, unit=args.unit, year=args.year, force=args.force)
    show = _err if outcome.out is None else _out  # `-o -`: the JSON alone on standard output
    show(render_result(outcome.result))
    for line in outcome.total_notes:
        show(f"  注意：{line}")
    if outcome.out is None:
        sys.stdout.write(outcome.text)
    else:
        show(f"已导入：{outcome.out}")
    if outcome.backup and outcome.out:
        show(f"  原有的 {outcome.out.name} 已备份到：{outcome.backup}")
    return outcome.result.exit_code


def cmd_audit(args: argparse.Namespace) -> int:
    from .app.audit import audit
    from .progress import Progress
    summary = audit(args.inputs, Path(args.output), previous=args.previous or (), workers=args.workers,
                    progress=Progress("审核"))
    for note in summary.previous_notes:
        _err(f"上年报告未使用：{note}")
    for note in summary.notes:
        _err(f"nianbao：{note}")
    _out(f"审核结果：{summary.book_path}")
    _out(f"各报告的数据：{summary.outdir / '数据'}")
    _out(summary.line())
    return summary.exit_code


def cmd_collect(args: argparse.Namespace) -> int:
    from .app import collect
    from .progress import Progress
    summary = collect(args.inputs, Path(args.output), unit=args.unit, previous=args.previous or (),
                      workers=args.workers, year=args.year, district_email=args.email or "",
                      template=args.template, progress=Progress("校验"), roster=args.roster,
                      same=args.same or (),
                      timeout=args.timeout or None)  # 0: no limit
    for note in summary.previous_notes:
        _err(f"上年数据未使用：{note}")
    for note in summary.notes:
        _err(f"nianbao：{note}")
    _out(f"报送状态：{summary.status_path}")
    if summary.summary_path:
        todo = ("正文为空，请补写正文" if not summary.summary_kept
                else f"已保留上次填写的{summary.summary_kept}段正文，请核对、补全正文")
        _out(f"汇总数据：{summary.summary_path}（{todo}后再用 nianbao build 生成汇总报告）")
    elif summary.summary_note:
        _out(summary.summary_note)
    else:
        _out("没有通过校验的单位，未生成汇总数据")
    if summary.returns:
        _out(f"退回：{len(summary.returns)} 份邮件草稿和工作簿在 {summary.outdir / '退回'}")
    _out(summary.line())
    return summary.exit_code


def cmd_roster_template(args: argparse.Namespace) -> int:
    from .app import roster_template
    _out(f"已生成单位名单模板：{roster_template(args.out, force=args.force)}")
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from .app import build_reports
    from .output import render_result, render_unusable
    run = build_reports(args.files, args.output, html=args.html, pdf=args.pdf, template=args.template,
                        force=args.force)
    for built in run.items:
        if built.error is not None:
            _trace(args, built.error)
        if built.unusable:
            _err(render_unusable(str(built.source), built.refused))
            continue
        if built.check is not None and (built.check.findings or built.refused):
            _out(render_result(built.check))
        if built.refused:
            _err(f"nianbao：{built.source}：{built.refused}")
            continue
        if built.draft:
            _out(f"已生成草稿（数据未通过校验，不得公开）：{built.docx}")
        else:
            _out(f"已生成 Word 报告：{built.docx}")
        if built.backup:
            _out(f"  原有的同名报告在生成后被修改过，已备份到：{built.backup}")
        if built.html:
            _out(f"已生成网页：{built.html}")
        if built.pdf:
            _out(f"已生成 PDF：{built.pdf}")
        for problem in built.problems:
            _err(f"nianbao：{built.source}：{problem}")
    if len(run.items) > 1:
        made = sum(1 for b in run.items if b.docx)
        _out(f"共{len(run.items)}个文件：生成{made}份报告，{sum(1 for b in run.items if b.failed)}个有问题")
    return run.exit_code


def cmd_demo(args: argparse.Namespace) -> int:
    from .app import run_demo
    from .output import demo_lines
    demo = run_demo(args.folder)
    for line in demo_lines(demo):
        _out(line)
    return demo.exit_code


def cmd_rules(args: argparse.Namespace) -> int:
    from .docs import rules_markdown
    sys.stdout.write(rules_markdown())
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from .gui.window import main as gui_main
    return gui_main(args.file)


# --- the parser ----------------------------------------------------------------------------------

DEBUG_HELP = "出错时显示完整的调用栈（traceback）和运行日志，便于报告问题"


def _command(sub: Any, name: str, **kwargs: Any) -> Parser:
    """A command's parser, taking --debug after its name too (SUPPRESS keeps one given before it)."""
    s = sub.add_parser(name, **kwargs)
    s.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
    return s


def _new(sub: Any) -> None:
    year = year_type()
    s = _command(sub, "new", help="生成标准填报工作簿",
                      description="生成受保护的标准填报工作簿（.xlsx）；文件名以 .xlsm 结尾时，"
                      "生成带“校验并生成年报”按钮的启用宏的工作簿（Excel + xlwings）。")
    s.add_argument("out", metavar="OUT.xlsx", help="输出的工作簿（.xlsx，或带按钮的 .xlsm）")
    s.add_argument("--unit", help="机关名称")
    s.add_argument("--year", type=year, help="报告年度，如 2024")
    data = s.add_mutually_exclusive_group()
    data.add_argument("--data", metavar="DATA.json", help="用 JSON 数据文件填好各项（格式见 docs/format.md）")
    data.add_argument("--from", dest="from_", metavar="去年的报告",
                      help="从上年的报告（.docx、.pdf、.html、.xlsx、.json）开始：填好机关名称和类别，年度加一，"
                           "“上年结转”取上年的“结转下年度”；正文留空")
    s.add_argument("--force", action="store_true", help="文件已存在时覆盖它（默认不覆盖：其中可能有已填写的数据）")
    s.set_defaults(func=cmd_new)


def _check(sub: Any) -> None:
    s = _command(sub, "check", help="校验工作簿或 JSON 数据",
                      description="按国家格式的全部规则（docs/format.md、docs/rules.md）校验；"
                      "退出码 0 通过，1 有错误，2 文件无法使用。")
    s.add_argument("files", nargs="+", metavar="FILE", help="工作簿（.xlsx/.xlsm）或 JSON 数据文件")
    s.add_argument("--json", action="store_true", help="以 JSON 输出校验结果")
    s.add_argument("--no-write-back", action="store_true",
                   help="只读取，不把结果写回工作簿（默认把结果写回：标记单元格、写“校验结果”工作表，"
                        "原文件备份在同一文件夹的 nianbao备份 中）")
    s.add_argument("--previous", metavar="FILE", action="append",
                   help="上年的工作簿或 JSON 数据（启用规则 W1、W2、W8）；可重复给出多个，按机关名称对应")
    s.set_defaults(func=cmd_check)


def _export(sub: Any) -> None:
    s = _command(sub, "export", help="把工作簿的数据导出为 JSON",
                      description="输出报告数据（JSON 数据格式，见 docs/format.md），"
                      "可存档、比对，或用 new --data 重建工作簿。")
    s.add_argument("file", metavar="FILE")
    s.add_argument("-o", "--output", metavar="OUT.json", help="写入文件（默认或“-”：输出到屏幕）")
    s.add_argument("--force", action="store_true", help="OUT.json 已存在时覆盖它")
    s.set_defaults(func=cmd_export)


def _build(sub: Any) -> None:
    from . import spec
    s = _command(sub, "build", help="生成 Word 年度报告（可同时生成网页和 PDF）",
                      description="先校验，再按国家格式生成 Word 年度报告（公文格式，可在 Word/WPS 中修改）。"
                      "数据有错误时不生成（退出码 1），加 --force 生成标明“草稿”的报告。"
                      "已有的报告在生成后被修改过时不覆盖；加 --force 覆盖，修改过的原文件先备份到 nianbao备份 中。"
                      f"默认保存在数据文件旁：{{机关名称}}{{年度}}{spec.TITLE_SUFFIX}.docx。"
                      "可一次生成多份：某个文件有问题不影响其他文件，有任何问题时退出码为 1。")
    s.add_argument("files", nargs="+", metavar="FILE", help="工作簿（.xlsx/.xlsm）或 JSON 数据文件，可以有多个")
    s.add_argument("-o", "--output", metavar="OUT",
                   help="一个输入时：输出的 Word 文件（.docx）；多个输入时：输出文件夹")
    s.add_argument("--html", action="store_true",
                   help="同时生成网页（.html，与 Word 报告同名、同文件夹），可直接上传到网站")
    s.add_argument("--pdf", action="store_true", help="同时用 LibreOffice 生成 PDF（与 Word 报告同名、同文件夹）")
    s.add_argument("--template", metavar="T.docx", help="用本单位修改过样式的 Word 模板")
    s.add_argument("--force", action="store_true",
                   help="数据有错误也生成（标明草稿）；也覆盖生成后被修改过的报告，"
                        "覆盖前把它备份到同一文件夹的 nianbao备份 中（同名文件）")
    s.set_defaults(func=cmd_build)


def _demo(sub: Any) -> None:
    s = _command(sub, "demo", help="用内置示例走一遍：生成工作簿、校验、生成 Word 报告",
                      description="把内置示例（锦屏街道2022年报告）写成工作簿，校验，写回结果，"
                      "生成 Word 报告（装有 LibreOffice 时也生成 PDF），并说明生成了什么、在哪里。")
    s.add_argument("folder", nargs="?", metavar="DIR", help="输出文件夹（默认：当前文件夹下的“年报示例”）")
    s.set_defaults(func=cmd_demo)


def _rules(sub: Any) -> None:
    s = _command(sub, "rules", help="列出全部校验规则（Markdown）")
    s.set_defaults(func=cmd_rules)


def _import(sub: Any) -> None:
    year = year_type()
    s = _command(sub, "import", help="导入已发布的报告（Word、网页、PDF、电子表格、文本）",
                      description="读取一份已发布的年度报告（.docx、.html/.htm/.mhtml、有文字层的 .pdf、"
                      "非本模板的 .xlsx、.txt），写出 JSON 数据（含每个数据的出处）或标准工作簿，并校验。"
                      "退出码 0 通过，1 有错误或表格数值没有全部读到（未能审核表格、部分审核），"
                      "2 文件无法读取（扫描件、2019年旧格式、不是年度报告等）。")
    s.add_argument("file", metavar="FILE", help="已发布的报告")
    s.add_argument("-o", "--output", metavar="OUT.json|OUT.xlsx",
                   help="输出文件：.json 为 JSON 数据，.xlsx 为标准工作簿，- 为输出 JSON 到屏幕"
                        "（默认：与报告同名的 .json，在报告旁边）")
    s.add_argument("--unit", help="机关名称（代替标题中的）")
    s.add_argument("--year", type=year, help="报告年度（代替标题中的）")
    s.add_argument("--force", action="store_true", help="输出文件已存在时覆盖它")
    s.set_defaults(func=cmd_import)


def _audit(sub: Any) -> None:
    s = _command(sub, "audit", help="审核：批量检查已发布的报告（Word、网页、PDF……）",
                      description="批量导入并校验已发布的年度报告（文件、文件夹、.zip 均可），输出 审核结果.xlsx"
                      "（每份报告一行，另有全部问题及其在原文中的位置）、findings.json 和 数据/"
                      "（每份报告的 JSON 数据）。"
                      "退出码 0 全部通过，1 有错误、无法读取、未能审核表格或部分审核的报告，2 没有可读取的报告。")
    s.add_argument("inputs", nargs="+", metavar="INPUT", help="报告文件、文件夹或 .zip")
    s.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="输出文件夹")
    s.add_argument("--previous", nargs="+", action="extend", metavar="INPUT",
                   help="上年的报告（文档、工作簿或 JSON 数据，按机关名称对应；启用跨年度规则 W1、W2、W8）")
    s.add_argument("--workers", type=WORKERS, metavar="N", help="并行进程数（默认：CPU 核数）")
    s.set_defaults(func=cmd_audit)


def _collect(sub: Any) -> None:
    year = year_type()
    s = _command(sub, "collect", help="汇总：批量校验各单位报送的工作簿",
                      description="批量校验各单位报送的工作簿（文件夹、.zip 压缩包、.eml 邮件均可），"
                      "输出 汇总状态.xlsx、汇总数据.xlsx、退回/（有错误单位的批注工作簿和邮件草稿）、"
                      "findings.json。退出码 0 全部通过，1 有错误或无法读取的文件，2 没有可读取的文件。")
    s.add_argument("inputs", nargs="+", metavar="INPUT", help="工作簿、文件夹、.zip 或 .eml")
    s.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="输出文件夹")
    s.add_argument("--unit", metavar="NAME", help="汇总机关名称（汇总数据的机关名称、退回邮件的发件人）")
    s.add_argument("--email", metavar="ADDR", help="退回邮件的发件地址")
    s.add_argument("--year", type=year, help="报告年度（默认：多数文件的年度）")
    s.add_argument("--previous", nargs="+", action="extend", metavar="INPUT",
                   help="上年的工作簿或 JSON 数据（按机关名称对应；启用规则 W1、W2、W8）")
    s.add_argument("--workers", type=WORKERS, metavar="N", help="并行进程数（默认：CPU 核数）")
    s.add_argument("--timeout", type=TIMEOUT, metavar="S", default=COLLECT_TIMEOUT,
                   help=f"每个文件最多用时（秒，默认 {COLLECT_TIMEOUT:g}；0 为不限）：超时的文件列为无法读取，其余照常")
    s.add_argument("--template", metavar="FILE.j2", help="退回邮件模板（Jinja2；默认用输出文件夹中的"
                   "“退回邮件模板.txt.j2”或内置模板）")
    s.add_argument("--roster", metavar="单位名单.xlsx", help="应报送单位的名单（.xlsx 或 .csv，列：单位名称、邮箱，"
                   "可选 级别、联系人；模板用 nianbao roster-template 生成）：未报送的单位列为“未报送”并生成催报邮件，"
                   "邮件草稿按名单中的邮箱发送")
    s.add_argument("--same", action="append", metavar="甲=乙", help="两个机关名称是同一单位（可重复；"
                   "无名单时名称相近的单位在确认前不计入汇总）")
    s.set_defaults(func=cmd_collect)


def _roster_template(sub: Any) -> None:
    s = _command(sub, "roster-template", help="生成单位名单模板（供 collect --roster 使用）",
                      description="生成一个单位名单工作簿（列：单位名称、邮箱、级别、联系人），"
                      "填写应报送的单位后用于 nianbao collect --roster。")
    s.add_argument("out", metavar="OUT.xlsx", help="要生成的名单文件")
    s.add_argument("--force", action="store_true", help="文件已存在时覆盖它")
    s.set_defaults(func=cmd_roster_template)


def _gui(sub: Any) -> None:
    s = _command(sub, "gui", help="打开校验窗口（不用命令行）",
                      description="打开一个小窗口：选择工作簿，按一个按钮校验并生成 Word 报告。")
    s.add_argument("file", nargs="?", metavar="FILE", help="打开时就校验的工作簿或 JSON 数据文件")
    s.set_defaults(func=cmd_gui)


# Each command's arguments, in the order of --help.
COMMANDS: dict[str, Callable[[Any], None]] = {
    "new": _new,
    "check": _check,
    "export": _export,
    "build": _build,
    "demo": _demo,
    "rules": _rules,
    "import": _import,
    "audit": _audit,
    "collect": _collect,
    "roster-template": _roster_template,
    "gui": _gui,
}


def build_parser(command: str | None = None) -> Parser:
    """The parser of every command, or (``command``) of that one alone: ``nianbao check …`` need
    not build the parsers of ten other commands at every start (argparse takes ~0.2 ms a parser)."""
    from . import spec
    p = Parser(prog="nianbao", description=f"{spec.REPORT_NAME}：标准工作簿、校验、生成 Word 报告。")
    p.add_argument("--version", action="version", version=f"nianbao {__version__}", help="显示版本号并退出")
    p.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=Parser, title="命令")
    for name, add in COMMANDS.items():
        if command is None or name == command:
            add(sub)
    return p


def command_of(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names, when nothing before it but --debug (anything else, such as
    -h, --version or an abbreviated option, is left to the parser of every command)."""
    for arg in argv:
        if arg != "--debug":
            return arg if arg in COMMANDS else None
    return None


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # A Windows console in GBK cannot print every character of a report: never crash on it.
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(command_of(argv))
    args = parser.parse_args(argv)
    if getattr(args, "debug", False):
        debug_to_stderr()
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_UNUSABLE
    try:
        return args.func(args)
    except KeyboardInterrupt:
        _err("nianbao：已中断")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (`nianbao export … | head`): not an error of ours.
        _stdout_to_devnull()
        return EXIT_OK
    except Exception as exc:  # an error for the user (toolkit.errors), or one nobody foresaw
        _trace(args, exc)
        _err(f"nianbao：{describe(exc)}")
        return exit_code(exc)
