"""Helpers for tests that change real workbooks: set cells by key (openpyxl load/save, as a user's
other tools would), or rewrite one XML part of the package (for what openpyxl cannot write)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Callable

from toolkit.workbook import layout


def set_cells(src: Path, dst: Path, values: dict[str, object]) -> Path:
    """Open ``src`` with openpyxl, put each value in the cell of its key, save as ``dst``.

    openpyxl keeps formulas but drops their cached results: the saved file makes every reader
    (and LibreOffice) compute the totals itself."""
    import openpyxl

    wb = openpyxl.load_workbook(src)
    pos = layout.positions()
    for key, value in values.items():
        p = pos[key]
        wb[p.sheet][p.a1].value = value
    wb.save(dst)
    return dst


def patch_part(src: Path, dst: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """Copy the package ``src`` to ``dst`` with one part rewritten by ``change``."""
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        assert part in zin.namelist(), part
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                data = change(data)
            zout.writestr(info, data)
    Path(dst).write_bytes(out.getvalue())
    return Path(dst)


def sheet_part(path: Path, sheet: str) -> str:
    """The zip part name of a sheet, by its name."""
    from toolkit.ooxml.package import Package
    from toolkit.ooxml.workbook import Book

    with Package.open(path) as pkg:
        return Book.load(pkg).sheets[sheet]


_CACHED = re.compile(r"(<f>[^<]*</f>|<f [^>]*/>|<f [^>]*>[^<]*</f>)<v>[^<]*</v>")


def strip_cached(src: Path, dst: Path) -> Path:
    """Copy a workbook without the cached results of its formulas (everything else byte for
    byte), so that whoever opens it must calculate. openpyxl's load/save would do it too, but it
    also rewrites every text (and writes a literal ``_x0041_`` unescaped, so it reads back 'A')."""
    from toolkit.ooxml.package import Package
    from toolkit.ooxml.workbook import Book

    with Package.open(src) as pkg:
        parts = set(Book.load(pkg).sheets.values())
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename in parts:
                data = _CACHED.sub(r"\1", data.decode("utf-8")).encode("utf-8")
            zout.writestr(info, data)
    Path(dst).write_bytes(out.getvalue())
    return Path(dst)
