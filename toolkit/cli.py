"""The ``nianbao`` command: a thin shell over ``toolkit.api``.

Each subcommand imports what it needs when it runs, so that ``nianbao check`` starts without
loading XlsxWriter, docxtpl or jinja2. Exit codes: 0 passed (warnings allowed), 1 errors found,
2 a file could not be used or the command was wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2


class Parser(argparse.ArgumentParser):
    """argparse, with usage errors in Chinese and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"nianbao：命令参数有误：{message}", file=sys.stderr)
        raise SystemExit(EXIT_UNUSABLE)


def _out(text: str = "") -> None:
    print(text, flush=True)


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- commands -------------------------------------------------------------------------------------

def cmd_new(args: argparse.Namespace) -> int:
    from .api import new_workbook
    path = new_workbook(args.out, unit=args.unit, year=args.year, data=args.data)
    _out(f"已生成标准工作簿：{path}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from .api import check_file, read_report
    from .output import render_result, render_unusable, result_json, unusable_json
    from .report import UnusableFile

    previous = None
    if args.previous:
        try:
            previous = read_report(args.previous)
        except UnusableFile as exc:
            _err(render_unusable(args.previous, f"上年数据无法读取：{exc}"))
            return EXIT_UNUSABLE
    worst = EXIT_OK
    results = []
    for name in args.files:
        try:
            result = check_file(name, previous)
        except UnusableFile as exc:
            worst = max(worst, EXIT_UNUSABLE)
            results.append(unusable_json(name, str(exc)))
            if not args.json:
                _out(render_unusable(name, str(exc)))
            continue
        worst = max(worst, EXIT_OK if result.passed else EXIT_ERRORS)
        results.append(result_json(result))
        if not args.json:
            _out(render_result(result))
    if args.json:
        _out(json.dumps(results if len(args.files) > 1 else results[0], ensure_ascii=False,
                        indent=1, default=str))
    return worst


def cmd_export(args: argparse.Namespace) -> int:
    from .api import export_data
    text = json.dumps(export_data(args.file), ensure_ascii=False, indent=1, default=str) + "\n"
    if args.output:
        from .fileio import atomic_write
        atomic_write(Path(args.output), text.encode("utf-8"))
        _out(f"已导出：{args.output}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    from .docs import rules_markdown
    sys.stdout.write(rules_markdown())
    return EXIT_OK


# --- the parser ----------------------------------------------------------------------------------

def build_parser() -> Parser:
    p = Parser(prog="nianbao", description="政府信息公开工作年度报告：标准工作簿、校验、生成 Word 报告。")
    p.add_argument("--version", action="version", version=f"nianbao {__version__}")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=Parser)

    s = sub.add_parser("new", help="生成标准填报工作簿", description="生成受保护的标准填报工作簿（.xlsx）。")
    s.add_argument("out", metavar="OUT.xlsx", help="输出的工作簿")
    s.add_argument("--unit", help="机关名称")
    s.add_argument("--year", type=int, help="报告年度，如 2024")
    s.add_argument("--data", metavar="DATA.json", help="用 JSON 数据文件填好各项（见 FORMAT.md）")
    s.set_defaults(func=cmd_new)

    s = sub.add_parser("check", help="校验工作簿或 JSON 数据",
                       description="按 FORMAT.md 的全部规则校验；退出码 0 通过，1 有错误，2 文件无法使用。")
    s.add_argument("files", nargs="+", metavar="FILE", help="工作簿（.xlsx/.xlsm）或 JSON 数据文件")
    s.add_argument("--json", action="store_true", help="以 JSON 输出校验结果")
    s.add_argument("--no-write-back", action="store_true", help="只读取，不把结果写回工作簿")
    s.add_argument("--previous", metavar="FILE", help="上年的工作簿或 JSON 数据（启用规则 W1、W2、W8）")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("export", help="把工作簿的数据导出为 JSON",
                       description="输出报告数据（FORMAT.md 的 JSON 格式），可存档、比对，或用 new --data 重建工作簿。")
    s.add_argument("file", metavar="FILE")
    s.add_argument("-o", "--output", metavar="OUT.json", help="写入文件（默认输出到屏幕）")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("rules", help="列出全部校验规则（Markdown）")
    s.set_defaults(func=cmd_rules)
    return p


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # A Windows console in GBK cannot print every character of a report: never crash on it.
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_UNUSABLE
    from .report import UnusableFile
    try:
        return args.func(args)
    except UnusableFile as exc:
        _err(f"nianbao：{exc}")
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        _err("nianbao：已中断")
        return 130
