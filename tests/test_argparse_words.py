"""The command's own words (help, usage, errors) are Chinese, through our parser and formatter
subclasses; argparse itself is not patched."""

from __future__ import annotations

import argparse
import re

import pytest
from conftest import run_nianbao

# argparse's English, as it would show through
ENGLISH = re.compile(r"usage:|positional arguments|options:|show this help|show program's|"
                     r"argument |invalid |required|unrecognized|expected |ambiguous|not allowed|"
                     r"error:|choose from")


def test_argparse_is_not_patched():
    import toolkit.cli  # noqa: F401
    assert argparse._("usage: ") == "usage: "


@pytest.mark.parametrize("args", [
    ["--help"], ["check", "--help"], ["new", "--help"], ["collect", "--help"], ["gui", "--help"],
])
def test_help_is_chinese(args):
    proc = run_nianbao(*args)
    assert proc.returncode == 0
    assert not ENGLISH.search(proc.stdout), ENGLISH.search(proc.stdout)
    assert "用法：" in proc.stdout and "选项" in proc.stdout


def test_version_help_is_chinese():
    proc = run_nianbao("--help")
    assert "显示版本号并退出" in proc.stdout


@pytest.mark.parametrize("args, words", [
    (["new", "x.xlsx", "--year", "abc"], ["参数 --year", "“abc”不对：应为四位年份，如2024"]),
    (["nosuch"], ["参数 命令", "没有这个命令"]),
    (["check"], ["缺少参数"]),
    (["check", "a.xlsx", "--nosuch"], ["无法识别的参数"]),
    (["export", "a.xlsx", "-o"], ["需要一个参数值"]),
])
def test_usage_errors_are_chinese(args, words):
    proc = run_nianbao(*args)
    assert proc.returncode == 2
    assert not ENGLISH.search(proc.stderr), proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr


def test_translate_nested():
    from toolkit.cli import translate
    assert translate("argument --year: invalid int value: 'x'") == "参数 --year：参数值不对：'x'"
    assert translate("something new") == "something new"


@pytest.mark.parametrize("command", ["new", "check", "export", "build", "demo", "rules", "import", "audit",
                                     "collect", "roster-template", "gui"])
def test_help_has_one_options_group(command):
    """--debug, shared by every command, is in the command's one 选项 group, not a second one."""
    proc = run_nianbao(command, "--help")
    assert proc.returncode == 0
    assert proc.stdout.count("选项:") == 1, proc.stdout
    assert "--debug" in proc.stdout.split("选项:")[1]


def test_top_help_lists_commands_without_a_stray_line():
    out = run_nianbao("--help").stdout
    after = out.split("命令:")[1].splitlines()
    assert after[1].split()[0] == "new", out  # no "  命令" line repeating the group's title
    assert not any(line.strip() == "命令" for line in out.splitlines()), out


def test_debug_is_accepted_before_and_after_the_command(tmp_path):
    for args in (["--debug", "rules"], ["rules", "--debug"]):
        assert run_nianbao(*args).returncode == 0


@pytest.mark.parametrize("args, option, expected", [
    (["new", "x.xlsx", "--year", "1999"], "--year", "应为四位年份，如2024"),
    (["import", "x.docx", "--year", "24"], "--year", "应为四位年份，如2024"),
    (["collect", "in", "-o", "out", "--year", "1999"], "--year", "应为四位年份"),
    (["collect", "in", "-o", "out", "--workers", "0"], "--workers", "应为大于0的整数"),
    (["collect", "in", "-o", "out", "--workers", "-1"], "--workers", "应为大于0的整数"),
    (["audit", "in", "-o", "out", "--workers", "0"], "--workers", "应为大于0的整数"),
    (["collect", "in", "-o", "out", "--timeout", "-5"], "--timeout", "应为不小于0的秒数"),
    (["collect", "in", "-o", "out", "--timeout", "nan"], "--timeout", "应为不小于0的秒数"),
])
def test_numbers_out_of_range_are_refused_before_any_work(tmp_path, args, option, expected):
    proc = run_nianbao(*args, cwd=tmp_path)
    assert proc.returncode == 2
    assert f"参数 {option}：" in proc.stderr and expected in proc.stderr, proc.stderr
    assert not ENGLISH.search(proc.stderr), proc.stderr
    assert list(tmp_path.iterdir()) == []  # nothing made


def test_numbers_in_range_are_taken():
    from toolkit.cli import TIMEOUT, WORKERS, year_type
    assert (year_type()("2024"), WORKERS("2"), TIMEOUT("0"), TIMEOUT("1.5")) == (2024, 2, 0.0, 1.5)


def test_missing_and_unknown_arguments_are_said_together():
    """argparse stops at the missing arguments; the unknown option is named too, and the hint about
    --previous taking the paths after it comes only when --previous was given."""
    proc = run_nianbao("audit", "--bogus")
    assert proc.returncode == 2
    assert "缺少参数" in proc.stderr and "无法识别的参数：--bogus" in proc.stderr, proc.stderr
    assert "--previous 会把" not in proc.stderr, proc.stderr
    abbreviated = run_nianbao("audit", "--prev", "a", "b")  # argparse accepts --prev for --previous
    assert "无法识别的参数" not in abbreviated.stderr and "--previous 会把" in abbreviated.stderr, abbreviated.stderr
