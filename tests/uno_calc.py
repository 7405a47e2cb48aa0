"""Edit a workbook in LibreOffice Calc through UNO, as a person would, and save it as .xlsx.

Run by the system interpreter, which has Debian's python3-uno (it works with no other Python):

    /usr/bin/python3 tests/uno_calc.py < job.json

The job (JSON): {"input": PATH, "output": PATH, "profile": FILE-URL of a user profile,
"steps": [STEP, ...]}, each step one of

    {"type": {"NB_t3_new_natural": "5件", ...}}   type into the cell of each defined name
    {"replace_by_copy": {"sheet": NAME, "rename": true}}   copy a sheet (移动或复制工作表 → 建立副本),
                                                  delete the original, give the copy its name (or not)
    {"insert_rows": {"name": NAME, "count": 1}}   unprotect the name's sheet, insert rows above it
    {"delete_rows": {"name": NAME, "count": 1}}   unprotect the name's sheet, delete its row(s)
    {"rename_sheet": {"sheet": OLD, "to": NEW}}    rename a sheet (its tab, double-clicked)
    {"move_sheet": {"sheet": NAME, "to": 0}}       drag a sheet's tab to another place (0: first)

A typed value goes in as keyboard input does (XCell.setFormula: "5" becomes a number, "5件" and a
full-width "２" stay text, "2023-01-20" becomes a date), except a text with a line break or a
leading "=", which a person enters as text (setString); null empties the cell. Prints nothing on success; on failure,
the reason on stderr and exit status 1. Tests call it through tests/lo.py (``calc_edit``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue

XLSX_FILTER = "Calc MS Excel 2007 XML"


def prop(name: str, value: object) -> PropertyValue:
    return PropertyValue(Name=name, Value=value)


def start_office(profile: str) -> tuple[subprocess.Popen, object]:
    """A headless soffice of our own (own pipe, own profile), and its desktop."""
    pipe = f"nianbao_uno_{os.getpid()}"
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--invisible", "--norestore",
         "--nologo", "--nodefault", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 90
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:
            if office.poll() is not None or time.monotonic() > deadline:
                office.kill()
                raise RuntimeError("LibreOffice did not start") from None
            time.sleep(0.3)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    return office, desktop


def named_cell(doc, name: str):
    """(sheet, cell) a defined name points at."""
    ranges = doc.NamedRanges
    if not ranges.hasByName(name):
        raise KeyError(f"no defined name {name}")
    cells = ranges.getByName(name).getReferredCells()
    if cells is None:
        raise KeyError(f"defined name {name} refers to no cell")
    return cells.getSpreadsheet(), cells.getCellByPosition(0, 0)


def type_into(cell, value: object) -> None:
    if value is None:
        cell.setFormula("")  # emptied, as by the Delete key
    elif isinstance(value, str) and ("\n" in value or value.startswith("=")):
        cell.setString(value)
    elif isinstance(value, float) and value.is_integer():
        cell.setFormula(str(int(value)))
    else:
        cell.setFormula(str(value))


def run_step(doc, step: dict) -> None:
    (kind, arg), = step.items()
    if kind == "type":
        for name, value in arg.items():
            type_into(named_cell(doc, name)[1], value)
    elif kind in ("insert_rows", "delete_rows"):
        sheet, cell = named_cell(doc, arg["name"])
        sheet.unprotect("")  # the template's sheets are protected without a password
        row = cell.getCellAddress().Row
        rows = sheet.getRows()
        if kind == "insert_rows":
            rows.insertByIndex(row, arg.get("count", 1))
        else:
            rows.removeByIndex(row, arg.get("count", 1))
    elif kind == "rename_sheet":
        doc.Sheets.getByName(arg["sheet"]).setName(arg["to"])
    elif kind == "move_sheet":
        doc.Sheets.moveByName(arg["sheet"], arg["to"])
    elif kind == "comment":  # Insert > Comment, as a user notes something for a colleague
        sheet, cell = named_cell(doc, arg["name"])
        sheet.getAnnotations().insertNew(cell.getCellAddress(), arg["text"])
    elif kind == "replace_by_copy":
        sheets = doc.Sheets
        name = arg["sheet"]
        copy = name + " (2)"  # the name Calc gives a copy
        sheets.copyByName(name, copy, list(sheets.ElementNames).index(name) + 1)
        sheets.removeByName(name)
        if arg.get("rename", True):
            sheets.getByName(copy).setName(name)
    else:
        raise ValueError(f"unknown step {kind}")


def main() -> int:
    return run_job(run_step, XLSX_FILTER)


def run_job(step_runner, filter_name: str) -> int:
    """Open the job's input in a fresh office, run each step with ``step_runner(doc, step)``, save
    with ``filter_name``; shared with tests/uno_writer.py."""
    job = json.load(sys.stdin)
    office, desktop = start_office(job["profile"])
    try:
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(job["input"])),
                                           "_blank", 0, (prop("Hidden", True),))
        if doc is None:
            raise RuntimeError(f"LibreOffice could not open {job['input']}")
        try:
            for step in job.get("steps", []):
                step_runner(doc, step)
            doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(job["output"])),
                           (prop("FilterName", filter_name), prop("Overwrite", True)))
        finally:
            doc.close(True)
    except Exception as exc:
        print(f"{Path(sys.argv[0]).stem}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
