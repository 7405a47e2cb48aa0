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
    (["new", "x.xlsx", "--year", "abc"], ["参数 --year", "参数值不对"]),
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
