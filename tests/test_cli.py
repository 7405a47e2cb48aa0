"""The nianbao command, run as a user runs it (a subprocess): new, check, export, rules; exit
codes, the --json schema, several files, export -> new --data round trip, refused data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import repo_env, run_nianbao, run_python
from toolkit import spec
from toolkit.workbook import layout

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_JSON = ROOT / "toolkit" / "sample" / "jinping_2022.json"


def write_json(path: Path, data: dict) -> Path:
    path.write_text(json.dumps({"format": spec.FORMAT_ID, **data}, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """A clean workbook, one with an error, one with a warning only, one unusable."""
    from toolkit.sample import sample_data
    folder = tmp_path_factory.mktemp("cli")
    sample = {k: v for k, v in sample_data().items() if k in spec.INPUT_KEYS}
    out = {"clean": folder / "clean.xlsx", "error": folder / "error.xlsx",
           "warning": folder / "warning.xlsx", "unusable": folder / "unusable.xlsx"}
    assert run_nianbao("new", out["clean"], "--data", SAMPLE_JSON).returncode == 0
    assert run_nianbao("new", out["error"], "--data", write_json(
        folder / "e.json", {**sample, "t3.carry_forward.natural": 1})).returncode == 0
    assert run_nianbao("new", out["warning"], "--data", write_json(
        folder / "w.json", {**sample, "text.problems": "无"})).returncode == 0
    out["unusable"].write_text("不是工作簿", encoding="utf-8")
    return out


def test_new_blank_with_unit_and_year(tmp_path):
    out = tmp_path / "空白.xlsx"
    proc = run_nianbao("new", out, "--unit", "某某区某某街道办事处", "--year", "2024")
    assert proc.returncode == 0 and "已生成" in proc.stdout
    from toolkit.app import read_report
    report = read_report(out)
    assert report.values["meta.unit"] == "某某区某某街道办事处" and report.values["meta.year"] == 2024
    proc = run_nianbao("check", out)
    assert proc.returncode == 1 and "未填写" in proc.stdout


def test_check_clean_error_warning_unusable(files):
    assert run_nianbao("check", files["clean"]).returncode == 0
    proc = run_nianbao("check", files["error"])
    assert proc.returncode == 1 and "E3" in proc.stdout and "表三" in proc.stdout
    assert f"（{layout.t3_check_cells()['natural'][1]}）" in proc.stdout  # the 勾稽关系 line
    proc = run_nianbao("check", files["warning"])
    assert proc.returncode == 0 and "W8" in proc.stdout and "通过（有提示）" in proc.stdout
    assert run_nianbao("check", files["unusable"]).returncode == 2


def test_report_is_grouped_by_table(files):
    out = run_nianbao("check", files["error"]).stdout.splitlines()
    assert out[0].startswith("【有错误】锦屏街道 2022")
    findings = [line for line in out[out.index("  表三") + 1:] if line.startswith("    ")]
    assert findings and all(line.startswith("    错误 E3") for line in findings)


@pytest.mark.parametrize("names, code", [
    (("clean", "warning"), 0), (("clean", "error"), 1), (("error", "clean", "warning"), 1),
    (("clean", "unusable"), 2), (("unusable", "error"), 2),
])
def test_several_files_worst_exit_code(files, names, code):
    proc = run_nianbao("check", *(files[n] for n in names))
    assert proc.returncode == code
    assert sum(proc.stdout.count(tag) for tag in ("【通过", "【有错误】", "【无法读取】")) == len(names)
    proc = run_nianbao("check", "--json", *(files[n] for n in names))
    assert proc.returncode == code
    results = json.loads(proc.stdout)
    assert [r["file"] for r in results] == [str(files[n]) for n in names]


FINDING_KEYS = {"rule", "severity", "message", "keys", "table", "row", "column", "cell", "cells",
                "expected", "found"}


def test_check_json_schema(files):
    proc = run_nianbao("check", "--json", files["error"])
    assert proc.returncode == 1
    obj = json.loads(proc.stdout)
    required = {"file", "status", "unit", "year", "errors", "warnings", "notes", "findings"}
    assert required <= set(obj) <= required | {"write_back"}  # write-back reports what it did
    assert (obj["status"], obj["unit"], obj["year"]) == ("errors", "锦屏街道", 2022)
    assert obj["errors"] == len([f for f in obj["findings"] if f["severity"] == "error"]) > 0
    for f in obj["findings"]:
        assert set(f) == FINDING_KEYS
        assert f["severity"] in ("error", "warning") and f["rule"][0] in "EW"
        assert isinstance(f["keys"], list) and all(k in spec.FIELDS for k in f["keys"])
        # the cell to look at first is one of the cells involved, or the line that checks them (E3)
        assert isinstance(f["cells"], list) and (f["cell"] in f["cells"] or f["row"] == layout.T3_CHECK_LABEL)
        assert f["table"] and f["row"] and f["message"]
    e3 = [f for f in obj["findings"] if f["rule"] == "E3" and f["column"] == "自然人"][0]
    assert (e3["expected"], e3["found"]) == (6, 5)
    assert e3["cell"] == str(layout.t3_check_cells()["natural"][1])
    assert str(layout.positions()["t3.carry_forward.natural"]) in e3["cells"]
    clean = json.loads(run_nianbao("check", "--json", files["clean"]).stdout)
    assert clean["status"] == "passed" and clean["findings"] == []
    bad = json.loads(run_nianbao("check", "--json", files["unusable"]).stdout)
    assert bad["status"] == "unusable" and "不是 Excel 工作簿" in bad["reason"]


def test_check_json_data_file_and_previous(tmp_path):
    assert run_nianbao("check", SAMPLE_JSON).returncode == 0
    from toolkit.sample import sample_data
    last_year = write_json(tmp_path / "2021.json", {**sample_data(), "meta.year": 2021,
                                                   "t3.carry_forward.natural": 2,
                                                   "t3.carry_forward.total": 2})
    proc = run_nianbao("check", "--json", "--previous", last_year, SAMPLE_JSON)
    obj = json.loads(proc.stdout)
    assert proc.returncode == 0 and {f["rule"] for f in obj["findings"]} == {"W1", "W8"}


def test_no_write_back_leaves_the_file_alone(files, tmp_path):
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(files["error"].read_bytes())
    before = copy.stat().st_mtime_ns, copy.read_bytes()
    assert run_nianbao("check", "--no-write-back", copy).returncode == 1
    assert (copy.stat().st_mtime_ns, copy.read_bytes()) == before


def test_export_new_export_round_trip(files, tmp_path):
    proc = run_nianbao("export", files["clean"])
    assert proc.returncode == 0
    exported = json.loads(proc.stdout)
    assert exported["format"] == spec.FORMAT_ID and list(exported)[1:] == list(spec.KEYS)
    data = tmp_path / "exported.json"
    assert run_nianbao("export", files["clean"], "-o", data).returncode == 0
    assert json.loads(data.read_text(encoding="utf-8")) == exported
    rebuilt = tmp_path / "rebuilt.xlsx"
    assert run_nianbao("new", rebuilt, "--data", data).returncode == 0
    assert json.loads(run_nianbao("export", rebuilt).stdout) == exported
    assert run_nianbao("check", rebuilt).returncode == 0
    # the JSON export checks the same as the workbook
    assert run_nianbao("check", data).returncode == 0


def test_export_keeps_what_was_typed(files, tmp_path):
    """An invalid cell is exported as found, and new --data puts it back for the check to report."""
    from wbedit import set_cells
    book = set_cells(files["clean"], tmp_path / "typed.xlsx", {"t3.new.natural": "5件"})
    exported = json.loads(run_nianbao("export", book).stdout)
    assert exported["t3.new.natural"] == "5件" and exported["t3.new.total"] is None
    data = tmp_path / "typed.json"
    data.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    rebuilt = tmp_path / "typed2.xlsx"
    assert run_nianbao("new", rebuilt, "--data", data).returncode == 0
    proc = run_nianbao("check", "--json", rebuilt)
    assert proc.returncode == 1
    assert [f["found"] for f in json.loads(proc.stdout)["findings"]] == ["5件"]


def test_new_data_with_wrong_total_exits_2_naming_it(tmp_path):
    from toolkit.sample import sample_data
    data = write_json(tmp_path / "wrong.json", {**sample_data(), "t3.total.natural": 6})
    out = tmp_path / "wrong.xlsx"
    proc = run_nianbao("new", out, "--data", data)
    assert proc.returncode == 2
    assert "表三「（七）总计」行「自然人」列给出6，公式计算为5" in proc.stderr
    assert not out.exists()


def test_new_data_with_unknown_keys_exits_2(tmp_path):
    data = write_json(tmp_path / "unknown.json", {"meta.unit": "甲", "t3.new.naturel": 1, "t9.x": 2})
    proc = run_nianbao("new", tmp_path / "u.xlsx", "--data", data)
    assert proc.returncode == 2 and "t3.new.naturel" in proc.stderr and "t9.x" in proc.stderr
    assert run_nianbao("check", data).returncode == 2


@pytest.mark.parametrize("args, phrase", [
    (("new", "out.txt"), ".xlsx"),
    (("new", "out.xlsx", "--data", "missing.json"), "找不到文件"),
    (("new", "out.xlsx", "--year", "二〇二二"), "命令参数有误"),
    (("check",), "命令参数有误"),
    (("frobnicate",), "命令参数有误"),
    (("new", "no/such/folder/out.xlsx"), "文件夹不存在"),
])
def test_usage_and_file_errors_exit_2(tmp_path, args, phrase):
    proc = run_nianbao(*args, cwd=tmp_path)
    assert proc.returncode == 2 and phrase in proc.stderr + proc.stdout


def test_new_refuses_a_text_longer_than_a_cell(tmp_path):
    data = write_json(tmp_path / "long.json", {"text.other": "字" * 32768})
    proc = run_nianbao("new", tmp_path / "long.xlsx", "--data", data)
    assert proc.returncode == 2 and "32767" in proc.stderr


def test_new_refuses_what_a_workbook_cannot_hold(tmp_path):
    big = write_json(tmp_path / "big.json", {"t3.new.natural": 12345678901234567})
    proc = run_nianbao("new", tmp_path / "big.xlsx", "--data", big)
    assert proc.returncode == 2 and "12345678901234567" in proc.stderr and "15位" in proc.stderr
    nan = tmp_path / "nan.json"
    nan.write_text('{"format": "GOV-AR-2021", "t2.fees.amount": NaN}', encoding="utf-8")
    proc = run_nianbao("new", tmp_path / "nan.xlsx", "--data", nan)
    assert proc.returncode == 2 and "t2.fees.amount" in proc.stderr
    assert not (tmp_path / "big.xlsx").exists() and not (tmp_path / "nan.xlsx").exists()


def test_json_true_in_a_number_cell_is_kept_and_reported(tmp_path):
    data = write_json(tmp_path / "b.json", {"t3.new.natural": True})
    book = tmp_path / "b.xlsx"
    assert run_nianbao("new", book, "--data", data).returncode == 0
    for source in (data, book):
        findings = json.loads(run_nianbao("check", "--json", source).stdout)["findings"]
        assert any(f["keys"] == ["t3.new.natural"] and f["found"] == "TRUE" for f in findings)


def test_rules_command_prints_the_rules_document():
    proc = run_nianbao("rules")
    assert proc.returncode == 0
    assert proc.stdout == (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


def test_no_command_exits_2():
    proc = run_nianbao()
    assert proc.returncode == 2 and "check" in proc.stdout


def test_check_imports_only_what_it_needs(files):
    # (lxml is the reader's XML parser: it belongs to check)
    code = ("import sys; from toolkit.cli import main; rc = main(['check', sys.argv[1]]); "
            "heavy = {'openpyxl', 'xlsxwriter', 'docxtpl', 'jinja2', 'docx', 'defusedxml'}; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))")
    proc = run_python("-c", code, files["clean"], timeout=60)
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout


def test_new_and_export_never_overwrite_without_force(tmp_path, sample_xlsx):
    """A filled workbook is never replaced by a blank one (nor by JSON text) unless asked."""
    filled = sample_xlsx.read_bytes()
    proc = run_nianbao("new", str(sample_xlsx))
    assert proc.returncode == 2 and "已存在" in proc.stderr and "--force" in proc.stderr
    assert sample_xlsx.read_bytes() == filled
    kept = sample_xlsx.with_suffix(".json")
    kept.write_text("{}", encoding="utf-8")
    proc = run_nianbao("export", str(sample_xlsx), "-o", str(kept))
    assert proc.returncode == 2 and "已存在" in proc.stderr
    assert kept.read_text(encoding="utf-8") == "{}"
    assert run_nianbao("new", str(sample_xlsx), "--force").returncode == 0
    assert sample_xlsx.read_bytes() != filled


def test_export_and_import_never_write_over_the_file_read_nor_under_a_wrong_suffix(tmp_path, sample_xlsx):
    """A slip of -o (甲.xlsx for 甲.json, a .pdf) with --force never puts JSON text where a workbook
    was, and import --force keeps the workbook it replaces in nianbao备份 (tester's G9)."""
    filled = sample_xlsx.read_bytes()
    other = tmp_path / "其他单位.xlsx"
    other.write_bytes(filled)
    for argv in (("export", sample_xlsx, "-o", sample_xlsx, "--force"),
                 ("export", sample_xlsx, "-o", other, "--force"),
                 ("export", sample_xlsx, "-o", tmp_path / "x.pdf"),
                 ("import", sample_xlsx, "-o", sample_xlsx, "--force"),
                 ("import", sample_xlsx, "-o", tmp_path / "x.pdf", "--force"),
                 ("import", sample_xlsx, "-o", tmp_path / "x.docx")):
        proc = run_nianbao(*argv)
        assert proc.returncode == 2 and "输出文件" in proc.stderr and "Traceback" not in proc.stderr, argv
        assert sample_xlsx.read_bytes() == filled and other.read_bytes() == filled, argv
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x.docx").exists()
    # the same file under another spelling of its path is still the file read
    spelled = sample_xlsx.parent / "." / sample_xlsx.name
    assert run_nianbao("export", sample_xlsx, "-o", spelled.with_suffix(".JSON")).returncode == 0
    assert run_nianbao("export", sample_xlsx, "-o", spelled, "--force").returncode == 2
    proc = run_nianbao("import", sample_xlsx, "-o", other, "--force")
    assert proc.returncode == 0 and "nianbao备份" in proc.stdout, proc.stdout + proc.stderr
    assert (tmp_path / "nianbao备份" / other.name).read_bytes() == filled


def test_wrong_arguments_are_refused_before_any_work(tmp_path, sample_xlsx):
    """A wrong -o is exit 2, said before the workbook is read and checked (tester's G10)."""
    proc = run_nianbao("build", sample_xlsx, "-o", tmp_path / "out.txt")
    assert proc.returncode == 2 and "输出文件应以 .docx 结尾：out.txt" in proc.stderr, proc.stderr
    assert "通过" not in proc.stdout and not (tmp_path / "out.txt").exists()
    # --previous takes several paths: the inputs after it were taken for last year's; said so
    for command in ("audit", "collect"):
        proc = run_nianbao(command, "--previous", sample_xlsx, tmp_path, "-o", tmp_path / "out")
        assert proc.returncode == 2 and "缺少参数：INPUT" in proc.stderr, proc.stderr
        assert "请把 INPUT 写在它前面，或把 --previous 及其文件放在命令最后" in proc.stderr, proc.stderr


def test_argument_errors_are_in_chinese():
    proc = run_nianbao("chek")
    assert proc.returncode == 2 and "没有这个命令" in proc.stderr and "invalid choice" not in proc.stderr
    proc = run_nianbao("check")
    assert proc.returncode == 2 and "缺少参数" in proc.stderr


@pytest.mark.parametrize("args, usage", [
    (("check", "--bogus", "x.xlsx"), "用法：nianbao check "),
    (("export", "a.xlsx", "b.json"), "用法：nianbao export "),
    (("--bogus", "check", "x.xlsx"), "用法：nianbao [-h]"),  # given to nianbao itself, not to check
])
def test_an_unknown_argument_shows_the_usage_of_the_command_it_was_given_to(args, usage):
    """(tester's G10: every unknown argument printed the usage of all commands)"""
    proc = run_nianbao(*args)
    assert proc.returncode == 2 and proc.stderr.startswith(usage), proc.stderr
    assert "无法识别的参数：" in proc.stderr and proc.stdout == ""


def test_lock_files_among_the_files_are_skipped(tmp_path, sample_xlsx):
    lock = sample_xlsx.with_name("~$" + sample_xlsx.name)
    lock.write_bytes(b"\x00" * 165)
    proc = run_nianbao("check", "--no-write-back", str(sample_xlsx), str(lock))
    assert proc.returncode == 0, proc.stdout
    assert "【跳过】" in proc.stdout and "锁文件" in proc.stdout


def test_previous_of_another_unit_is_not_used(tmp_path, sample_xlsx):
    from toolkit.app import new_workbook
    from toolkit.sample import sample_data
    other = new_workbook(tmp_path / "other.xlsx", data={**sample_data(), "meta.unit": "别的街道",
                                                        "meta.year": 2021})
    proc = run_nianbao("check", "--no-write-back", str(sample_xlsx), "--previous", str(other))
    assert proc.returncode == 0
    assert "不是“锦屏街道”的" in proc.stdout and "W1" not in proc.stdout.split("注意")[0]


def test_output_cut_short_by_a_pipe_is_no_traceback(sample_xlsx):
    proc = subprocess.run(f'"{sys.executable}" -m toolkit check --no-write-back "{sample_xlsx}" '
                          f'"{sample_xlsx}" "{sample_xlsx}" | head -n 1', shell=True,
                          capture_output=True, text=True, env=repo_env(), timeout=120)
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
