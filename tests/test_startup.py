"""What ``nianbao check`` loads when it starts: only what checking needs.

``nianbao check`` runs once per workbook from batch scripts and the Excel button, so its start-up
is most of its time (issue 9 measures it against version 0.1 with ``scripts/bench_baseline.py``).
These tests guard the import set, not a time: a module that creeps onto the check path shows here
by name, on any machine.
"""

from __future__ import annotations

import json
import zipfile

import pytest
from conftest import run_python

# Run in a child, as a user's command runs: the modules loaded by the end of the command.
CHILD = """
import json, sys
from toolkit.cli import main
code = main(sys.argv[1:])
print(json.dumps(sorted(sys.modules)))
"""

# Never needed to check a workbook: Word, web pages, spreadsheets of other layouts, the importers
# of published reports, collect, write-back and its XML editing (lxml for existing notes), last year's files,
# OpenSSL (hashlib), logging.
NOT_FOR_CHECK = ("lxml", "docx", "docxtpl", "jinja2", "openpyxl", "xlsxwriter", "pypdfium2", "hashlib", "logging",
                 "email", "toolkit.importers.word", "toolkit.importers.web", "toolkit.importers.pdf",
                 "toolkit.importers.text", "toolkit.importers.sheet", "toolkit.collect", "toolkit.word",
                 "toolkit.web", "toolkit.writeback", "toolkit.ooxml.partedit", "toolkit.previous",
                 "toolkit.rules.similarity")


def _loaded(*args: str) -> set[str]:
    proc = run_python("-c", CHILD, *args)
    assert proc.returncode in (0, 1), proc.stderr
    return set(json.loads(proc.stdout.splitlines()[-1]))


def _offending(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_check_without_write_back_loads_only_the_reader_and_the_rules(sample_xlsx):
    loaded = _loaded("check", "--no-write-back", str(sample_xlsx))
    assert "toolkit.rules.reading" in loaded  # (the sample's text is read against its tables)
    assert not _offending(loaded, NOT_FOR_CHECK)


@pytest.mark.parametrize("argv, only", [
    (["check", "a.xlsx"], "check"), (["--debug", "collect", "in", "-o", "out"], "collect"),
    (["-h"], None), (["--version"], None), (["--deb", "check", "a.xlsx"], None), (["nosuch"], None), ([], None),
])
def test_a_command_builds_only_its_own_parser(argv, only):
    """argparse costs ~0.2 ms a parser: ``nianbao check`` sets up its own arguments only. Anything
    before the command but --debug (help, version, an abbreviated option, an unknown command)
    gets every command's parser, so that help and errors are as before."""
    import argparse

    from toolkit.cli import COMMANDS, build_parser, command_of
    assert command_of(argv) == only
    parser = build_parser(command_of(argv))
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert list(sub.choices) == ([only] if only else list(COMMANDS))


def test_check_with_write_back_loads_the_editor_but_not_word_or_collect(sample_xlsx):
    loaded = _loaded("check", str(sample_xlsx))
    assert "toolkit.writeback" in loaded
    assert not _offending(loaded, ("lxml", "docx", "docxtpl", "jinja2", "openpyxl", "xlsxwriter", "toolkit.collect",
                                   "toolkit.word", "toolkit.importers.word", "toolkit.importers.pdf"))


def test_first_check_of_a_workbook_with_errors_writes_notes_without_lxml(tmp_path, sample):
    """The first check of a filled workbook writes marks, notes (a new comments part and drawing)
    and the results sheet by splicing the parts' bytes (``ooxml.splice``): lxml, 5 MB to load,
    is not loaded. A second check edits the notes it finds as trees (lxml) and still works."""
    from toolkit import spec
    from toolkit.workbook.build import build_workbook

    data = {k: v for k, v in sample.items() if k not in spec.COMPUTED_KEYS}
    data["t2.rules.issued"] = "/"
    data["t3.new.natural"] = (data.get("t3.new.natural") or 0) + 7
    path = tmp_path / "有错.xlsx"
    path.write_bytes(build_workbook(data))
    loaded = _loaded("check", str(path))
    assert "toolkit.writeback" in loaded and not _offending(loaded, ("lxml",))
    with zipfile.ZipFile(path) as zf:
        first = {n: zf.read(n) for n in zf.namelist()}
    assert any(n.startswith("xl/comments") for n in first) and any(n.endswith(".vml") for n in first)

    loaded = _loaded("check", str(path))
    assert "lxml.etree" in loaded  # (the notes of the first check are edited as trees)
    with zipfile.ZipFile(path) as zf:
        again = {n: zf.read(n) for n in zf.namelist()}
    # the same findings: notes and drawing rewritten through lxml come out byte for byte as the
    # text the first check wrote (the sheets may differ by the time of the check)
    assert {n: v for n, v in again.items() if not n.startswith("xl/worksheets/")} == {
        n: v for n, v in first.items() if not n.startswith("xl/worksheets/")}
