"""The reproducers of ../shared/repro (issue 10) that hit the workbook reader or write-back: each
gives a clear result, a finding or a one-line Chinese reason (exit 2), never a traceback, a hang
or "意外错误"; and write-back never changes a part that is not ours."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import SHARED, require, run_nianbao

from toolkit.app import check_file
from toolkit.report import UnusableFile
from toolkit.writeback import write_back

FUZZ = SHARED / "repro" / "fuzz"


def repro(*parts: str) -> Path:
    path = FUZZ.joinpath(*parts)
    require(path.exists(), f"{path} not found: shared/repro must lie beside the checkout")
    return path


def cases(pattern: str) -> list[str]:
    if not FUZZ.exists():
        return [f"(missing {FUZZ})"]
    return sorted(str(p.relative_to(FUZZ)) for p in FUZZ.glob(pattern))


def clear_reason(message: str) -> None:
    assert message and "\n" not in message.strip() and "意外错误" not in message, message
    assert "Error" not in message and "Traceback" not in message, message


@pytest.mark.parametrize("name, phrase", [
    ("row_superscript.xlsx", "行号无效"),
    ("style_1.5.xlsx", "格式编号无效"),
    ("marker_superscript.xlsx", "模板版本"),
])
def test_unreadable_workbooks_say_what_is_wrong(name, phrase):
    with pytest.raises(UnusableFile) as exc:
        check_file(repro("15_check_generic_unexpected", name))
    clear_reason(str(exc.value))
    assert phrase in str(exc.value)


def test_a_shared_formula_pointing_off_the_sheet_ends(tmp_path):
    proc = run_nianbao("check", "--no-write-back", repro("19_check_shared_formula_infinite_loop", "shared.xlsx"),
                       timeout=120)
    assert proc.returncode in (0, 1, 2) and "意外错误" not in proc.stdout + proc.stderr


def test_a_part_named_outside_the_package_is_refused(tmp_path):
    path = shutil.copyfile(repro("20_writeback_dotdot_part_cwd_leak", "dotdot_part.xlsx"), tmp_path / "d.xlsx")
    for _ in range(2):
        proc = run_nianbao("check", path, cwd=tmp_path)
        assert proc.returncode == 2 and "无效的部件名" in proc.stdout + proc.stderr
    assert Path(path).read_bytes() == repro("20_writeback_dotdot_part_cwd_leak", "dotdot_part.xlsx").read_bytes()


def _parts(data: bytes) -> dict[str, tuple[int, int]]:
    """name -> (CRC, size) of each member (read from the directory: some members of these
    files do not even inflate)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: (i.CRC, i.file_size) for i in z.infolist()}


def _ours(name: str) -> bool:
    """Parts write-back may change: sheets, their relationships, notes, content types."""
    return (name.startswith(("xl/worksheets/", "xl/comments", "xl/drawings/vmlDrawing"))
            or name == "[Content_Types].xml" or "/worksheets/" in name or name.endswith(".vml")
            or "comments" in name)


def _check_and_write_back(tmp_path: Path, source: Path) -> None:
    path = Path(shutil.copyfile(source, tmp_path / source.name))
    before = path.read_bytes()
    try:
        result = check_file(path)
    except UnusableFile as exc:
        clear_reason(str(exc))
        return
    outcome = write_back(path, result)
    if not outcome.ok:
        clear_reason(outcome.reason)
    if outcome.written is not None:
        old, new = _parts(before), _parts(outcome.written.read_bytes())
        assert set(old) - set(new) <= {n for n in old if _ours(n)}
        for name in old:
            if name in new and not _ours(name):
                assert new[name] == old[name], name


@pytest.mark.parametrize("case", [
    *cases("16_writeback_generic_unexpected/*.xlsx"),
    *cases("mut/wb_part_changed*/*.xlsx"),
    *cases("mut/writeback_unexpected*/*.xlsx"),
    *cases("mut/check_unexpected__xlsx*/*.xlsx"),
])
def test_fuzzed_workbooks_give_a_clear_result(tmp_path, case):
    _check_and_write_back(tmp_path, repro(case))


@pytest.mark.parametrize("case", ["10_writeback_vml_quadratic/vml20000.xlsx",
                                  "11_writeback_rows_quadratic/rows16000.xlsx"])
def test_big_sheets_and_drawings_are_written_back(tmp_path, case):
    """Write-back is linear in rows and VML shapes (these took 20 to 75 s in 0.1): the timeout is
    a hang guard, the speed itself is scripts/bench_writeback.py's to measure."""
    path = shutil.copyfile(repro(case), tmp_path / "w.xlsx")
    proc = run_nianbao("check", path, timeout=120)
    assert proc.returncode in (0, 1) and "已写回" in proc.stdout, proc.stdout + proc.stderr
