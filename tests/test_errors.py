"""Errors as data: every code has its exit code and its Chinese words in one table; the readers
raise the class that says what is wrong; --debug shows the traceback on every command."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from conftest import run_nianbao

from toolkit import errors
from toolkit.errors import KINDS, NianbaoError, UnusableFile, all_error_classes
from toolkit.source import read_report

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_code_has_an_exit_code_and_chinese_words():
    classes = all_error_classes()
    codes = [cls.code for cls in classes]
    assert len(codes) == len(set(codes)), "two classes share a code"
    assert set(codes) | {"unexpected"} == set(KINDS), "a code without a class, or a class without a code"
    for code, kind in KINDS.items():
        assert re.fullmatch(r"[a-z_]+", code)
        assert kind.exit_code in (errors.EXIT_ERRORS, errors.EXIT_UNUSABLE), code
        assert CJK.search(kind.title), code


def test_exit_codes_and_messages_come_from_the_table():
    for cls in all_error_classes():
        if cls is errors.ChecksFailed:
            from types import SimpleNamespace
            exc: NianbaoError = cls(SimpleNamespace(errors=[1, 2]))
            assert str(exc) == "2 个错误" and exc.exit_code == errors.EXIT_ERRORS
            continue
        exc = cls()
        assert errors.exit_code(exc) == KINDS[cls.code].exit_code
        assert str(exc) == KINDS[cls.code].title  # no message given: the table's words
        assert exc.to_dict()["code"] == cls.code
    assert errors.exit_code(KeyboardInterrupt()) == errors.EXIT_INTERRUPTED
    assert errors.exit_code(ValueError("x")) == KINDS["unexpected"].exit_code
    assert "--debug" in errors.describe(ValueError("x"))


def test_every_exit_2_error_is_an_unusable_file():
    """``except UnusableFile`` (the old single class) still catches every file problem."""
    for cls in all_error_classes():
        if KINDS[cls.code].exit_code == errors.EXIT_UNUSABLE and cls is not NianbaoError:
            assert issubclass(cls, UnusableFile), cls
    from toolkit.report import UnusableFile as old_home
    assert old_home is UnusableFile


@pytest.mark.parametrize("name, content, cls", [
    ("a.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), errors.OldExcelFile),
    ("a.xlsx", b"just text", errors.NotAWorkbook),
    ("a.doc", b"PK", errors.NotAWorkbook),
    ("a.docx", b"PK", UnusableFile),
    ("a.json", b"[1]", errors.BadData),
    ("a.json", b"{", errors.BadData),
])
def test_readers_raise_the_class_that_says_what_is_wrong(tmp_path, name, content, cls):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(cls):
        read_report(path)


def test_a_missing_file_and_a_foreign_workbook(tmp_path):
    with pytest.raises(errors.UnreadableFile):
        read_report(tmp_path / "nowhere.xlsx")
    with pytest.raises(errors.UnreadableFile):
        read_report(tmp_path / "nowhere.json")
    foreign = tmp_path / "foreign.xlsx"
    with zipfile.ZipFile(foreign, "w") as z:
        z.writestr("[Content_Types].xml", "<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'/>")
    with pytest.raises(UnusableFile):
        read_report(foreign)


def test_template_version_and_not_our_template(sample_xlsx, tmp_path):
    """A workbook of another template version, and one whose marker is gone."""
    from toolkit.workbook.read import check_marker
    with pytest.raises(errors.TemplateVersion):
        check_marker("NIANBAO:other-format:v1")
    with pytest.raises(errors.NotOurTemplate):
        check_marker(None)


def test_check_json_says_the_code(tmp_path):
    bad = tmp_path / "old.xlsx"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    proc = run_nianbao("check", bad, "--json")
    assert proc.returncode == 2
    obj = json.loads(proc.stdout)
    assert obj["status"] == "unusable" and obj["code"] == "old_excel" and "97-2003" in obj["reason"]


COMMANDS = {  # every command, with arguments that make it fail on a file that cannot be used
    "new": ["{tmp}/out.txt"],
    "check": ["{tmp}/bad.xlsx", "--no-write-back"],
    "export": ["{tmp}/bad.xlsx"],
    "build": ["{tmp}/bad.xlsx"],
    "collect": ["{tmp}/bad.xlsx", "-o", "{tmp}/out", "--email", "not an address"],
    "demo": ["{tmp}/bad.xlsx/folder"],
    "rules": [],
    "import": ["{tmp}/bad.xlsx", "-o", "-"],
    "gui": ["{tmp}/bad.xlsx"],
}


def test_every_command_takes_debug():
    from toolkit.cli import build_parser
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(COMMANDS) <= set(sub.choices)
    for name, command in sub.choices.items():
        assert any("--debug" in a.option_strings for a in command._actions), name


@pytest.mark.parametrize("command", ["new", "check", "export", "build", "collect", "demo", "import"])
def test_debug_shows_the_traceback(tmp_path, command):
    (tmp_path / "bad.xlsx").write_bytes(b"not a workbook")
    args = [a.format(tmp=tmp_path) for a in COMMANDS[command]]
    plain = run_nianbao(command, *args)
    assert plain.returncode == 2, plain.stderr
    assert "Traceback" not in plain.stderr and CJK.search(plain.stderr + plain.stdout)
    debug = run_nianbao(command, *args, "--debug", traceback_ok=True)
    assert debug.returncode == 2
    assert "Traceback (most recent call last)" in debug.stderr, debug.stderr
    assert "toolkit.errors." in debug.stderr or "Error" in debug.stderr
    before = run_nianbao("--debug", command, *args, traceback_ok=True)  # before the command's name too
    assert "Traceback (most recent call last)" in before.stderr


def test_an_unexpected_error_is_a_message_and_debug_shows_where(tmp_path, monkeypatch, capsys):
    """A bug of ours reaches the user as one line in Chinese with exit code 2, not a traceback;
    --debug shows the traceback."""
    import toolkit.app.workbook as workbook
    from toolkit.cli import main

    def broken(path):
        raise ZeroDivisionError("division by zero")
    monkeypatch.setattr(workbook, "export_data", broken)
    assert main(["export", str(tmp_path / "x.json")]) == 2
    err = capsys.readouterr().err
    assert "意外错误" in err and "ZeroDivisionError" in err and "Traceback" not in err
    assert main(["export", str(tmp_path / "x.json"), "--debug"]) == 2
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_a_caught_exception_is_logged_for_debug(tmp_path, monkeypatch, caplog):
    """Where an exception becomes a reason (a file of the batch), the log keeps its traceback."""
    import logging

    import toolkit.workbook.read as reader
    from toolkit.source import read_report

    def broken(path):
        raise ZeroDivisionError("odd file")
    monkeypatch.setattr(reader, "open_workbook", broken)
    with caplog.at_level(logging.DEBUG, logger="toolkit"):
        with pytest.raises(errors.UnreadableFile, match="无法识别的数据"):
            read_report(tmp_path / "x.xlsx")
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)
