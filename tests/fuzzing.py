"""A mutation fuzz of what nianbao reads: workbooks, JSON data files, and the zips and e-mails they
arrive in, changed the way ../shared/repro's cases were found (cells, names, sheets, parts,
relationships, shared strings, encodings, the zip itself).

Every case is made from ``(seed, index)`` alone, so a failure is reproduced by its number
(``python3 scripts/fuzz.py --seed S --case N``). Each case runs in a worker process watched by a
time limit; a case fails when any step gives a traceback (an exception other than the reasons
nianbao gives users), a reason that only says something unexpected happened, or does not finish.

Steps per case: read (``api.read_report``: an ``UnusableFile`` is a reason; one whose cause is
another exception is the reader's last resort catching a bug, and counts as a traceback), check,
write-back (``render_workbook_bytes``), the status workbook line, the Word report for some, and
for archives and e-mails ``collect``'s gather step. Published reports (Word, web pages, text;
tests/docfuzz.py) go through ``import``, ``check`` of the imported JSON and ``audit`` instead.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import struct
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from multiprocessing.connection import Connection, wait
from pathlib import Path

import docfuzz

# --- payloads -----------------------------------------------------------------------------------

NUMBERS = ["0", "5", "-1", "1.5", "1e308", "1E+400", "-1e400", "NaN", "INF", "-0", "0x1F", "1,000",
           "1.10101199001011E+17", "999999999999999", "1000000000000000", "9" * 18, "9" * 400, "9" * 5000,
           "1e-400", "²", "٣", "１２", "+7", ".5", "5.", "", " ", "1_000", "1e5", "3.14159265358979323846"]
TEXTS = ["_xD800_", "_xDFFF_", "_x0001_", "_x001F_", "_xFFFE_", "_x005F_xD800_", "&#1;", "&#xD800;", "]]>",
         "5件", "/", "—", "无", "=SUM(A1)", "=cmd|'/C calc'!A0", "{{ 7*7 }}", "{% raw %}", "\u202e", "\u3000",
         "a" * 40000, "长" * 300, "\ufeff", "NIANBAO:GOV-AR-2021:v¹", "NIANBAO:GOV-AR-2021:v99",
         "NIANBAO:X:v1", "锦屏街道\r\n办公室", "<b>x</b>", "%s%n", "𠀀𪚥"]
REFS = ["A0", "D", "XFE1", "XFD1048577", "D7D7", "Ａ1", "D²", "d7", "$D$7", "A-1", "ZZZZ1", "", "A1:B2", "R1C1"]
ROWS = ["0", "-1", "²", "1048577", "5.5", "", "99999999999999999999", "1e3", "٣"]
STYLES = ["1.5", "-1", "99999", "x", "", "²", "4294967296"]
NAMES = ["#REF!", "'基本信息和正文'!$A$0", "'没有'!$A$1", "'表三 依申请公开'!$D$7:$E$9", "'a", "$D$7",
         "'基本信息和正文'!$XFE$1", "'表二 主动公开'!$B$1048577", "INDIRECT(\"A1\")", "", "Sheet1!A1,Sheet1!B2",
         "'表三 依申请公开'!$D$7²"]
TARGETS = ["../sheet1.xml", "/xl/worksheets/none.xml", "http://example.com/x", "", "worksheets/sheet1.xml#x",
           "worksheets/sheet%31.xml", "worksheets\\sheet1.xml", "../../../etc/passwd", "worksheets/", "//x"]
ENCODINGS = ["utf-16", "gbk", "x-unknown", "latin-1", "bom", "utf-32", "declared-gbk"]


# --- the package: parts in order, changed in place ---------------------------------------------

@dataclass
class Pkg:
    parts: dict[str, bytes]
    zip_changes: list[Callable[[bytes], bytes]] = field(default_factory=list)
    extra: list[tuple[str, bytes]] = field(default_factory=list)  # duplicate entries

    def sheets(self) -> list[str]:
        return [n for n in self.parts if n.startswith("xl/worksheets/") and n.endswith(".xml")] or list(self.parts)

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in [*self.parts.items(), *self.extra]:
                # a fixed time: the same case gives the same bytes whenever it is made
                info = zipfile.ZipInfo(name, date_time=(2024, 1, 20, 9, 30, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with _quiet():
                    zf.writestr(info, data)
        data = buf.getvalue()
        for change in self.zip_changes:
            data = change(data)
        return data


class _quiet:
    def __enter__(self):
        import warnings
        self.w = warnings.catch_warnings()
        self.w.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc):
        self.w.__exit__(*exc)


def _pick_part(rng: random.Random, pkg: Pkg, want: str = "") -> str:
    names = [n for n in pkg.parts if want in n] or list(pkg.parts)
    return rng.choice(names)


def _sub_one(rng: random.Random, pattern: bytes, data: bytes, repl: Callable[[re.Match], bytes]) -> bytes:
    """Replace one random match of ``pattern`` in ``data``."""
    matches = list(re.finditer(pattern, data, re.S))
    if not matches:
        return data
    m = rng.choice(matches)
    return data[:m.start()] + repl(m) + data[m.end():]


def _x(text: str) -> bytes:
    from xml.sax.saxutils import escape
    return escape(text).encode("utf-8", "surrogatepass")


_CELL = rb'<c r="[A-Z]+\d+"[^>]*?(?:/>|>.*?</c>)'


def _cell_xml(rng: random.Random, ref: bytes) -> bytes:
    kind = rng.randrange(9)
    if kind == 0:
        return b'<c r="%s"><v>%s</v></c>' % (ref, _x(rng.choice(NUMBERS)))
    if kind == 1:
        return b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, _x(rng.choice(TEXTS + NUMBERS)))
    if kind == 2:
        return b'<c r="%s" t="s"><v>%s</v></c>' % (ref, _x(rng.choice(["99999", "-1", "1.5", "", "x", "0"])))
    if kind == 3:
        return b'<c r="%s" t="%s"><v>%s</v></c>' % (ref, rng.choice([b"b", b"e", b"d", b"str", b"n", b"zz"]),
                                                     _x(rng.choice(NUMBERS + ["#N/A", "2024-01-01", "TRUE"])))
    if kind == 4:
        return b'<c r="%s"><f>%s</f><v>%s</v></c>' % (ref, _x(rng.choice(["SUM(A1:A3)", "1/0", "A1+", "'x'!A1",
                                                                          "SUM(" * 50, "ZZZZ9"])),
                                                       _x(rng.choice(NUMBERS)))
    if kind == 5:  # a shared formula whose anchor may lie right of, or below, its users
        return b'<c r="%s"><f t="shared" ref="%s" si="%d">%s</f><v>1</v></c>' % (
            ref, _x(rng.choice(["A1:ZZ99", "I10:ZZ99", "B2", "", "A1:A1"])), rng.choice([0, 1, 2]),
            _x(rng.choice(["A1+$B$2+ZZZ9", "SUM(A1:B2)", "D7", "XFD1+1"])))
    if kind == 6:
        return b'<c r="%s"><f t="shared" si="%s"/><v>3</v></c>' % (ref, _x(rng.choice(["0", "1", "x", "-1", ""])))
    if kind == 7:
        return b'<c r="%s" s="%s"><v>%s</v></c>' % (ref, _x(rng.choice(STYLES)), _x(rng.choice(NUMBERS)))
    return b'<c r="%s" t="inlineStr"><is><r><t>%s</t></r><r><t>%s</t></r><rPh><t>x</t></rPh></is></c>' % (
        ref, _x(rng.choice(TEXTS)), _x(rng.choice(NUMBERS)))


# --- the mutations -------------------------------------------------------------------------------

def m_cell(rng, pkg: Pkg, named: dict) -> None:
    part = rng.choice(pkg.sheets())
    pkg.parts[part] = _sub_one(rng, _CELL, pkg.parts[part],
                               lambda m: _cell_xml(rng, re.match(rb'<c r="([A-Z]+\d+)"', m.group(0)).group(1)))


def m_cell_named(rng, pkg: Pkg, named: dict) -> None:
    """A named input cell (what the rules read) given an odd value."""
    if not named:
        return m_cell(rng, pkg, named)
    part, ref = rng.choice(sorted(named))
    if part not in pkg.parts:
        return
    pat = rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)'
    pkg.parts[part] = _sub_one(rng, pat, pkg.parts[part], lambda m: _cell_xml(rng, ref.encode()))


def m_cell_ref(rng, pkg: Pkg, named: dict) -> None:
    part = rng.choice(pkg.sheets())
    pkg.parts[part] = _sub_one(rng, rb'<c r="[A-Z]+\d+"', pkg.parts[part],
                               lambda m: b'<c r="%s"' % _x(rng.choice(REFS)) if rng.random() < .9 else b"<c")


def m_row(rng, pkg: Pkg, named: dict) -> None:
    part = rng.choice(pkg.sheets())
    pkg.parts[part] = _sub_one(rng, rb'<row r="\d+"', pkg.parts[part],
                               lambda m: b'<row r="%s"' % _x(rng.choice(ROWS)))


def m_cell_delete(rng, pkg: Pkg, named: dict) -> None:
    part = rng.choice(pkg.sheets())
    for _ in range(rng.randint(1, 20)):
        pkg.parts[part] = _sub_one(rng, _CELL, pkg.parts[part], lambda m: b"")


def m_styles(rng, pkg: Pkg, named: dict) -> None:
    part = rng.choice(pkg.sheets())
    for _ in range(rng.randint(1, 10)):
        pkg.parts[part] = _sub_one(rng, rb' s="\d+"', pkg.parts[part], lambda m: b' s="%s"' % _x(rng.choice(STYLES)))
    if "xl/styles.xml" in pkg.parts and rng.random() < .3:
        pkg.parts["xl/styles.xml"] = _sub_one(rng, rb'numFmtId="\d+"', pkg.parts["xl/styles.xml"],
                                              lambda m: b'numFmtId="%s"' % _x(rng.choice(["14", "-1", "x", "999"])))


def m_name(rng, pkg: Pkg, named: dict) -> None:
    wb = "xl/workbook.xml"
    if wb not in pkg.parts:
        return
    how = rng.randrange(4)
    if how == 0:
        pkg.parts[wb] = _sub_one(rng, rb"<definedName [^>]*>[^<]*</definedName>", pkg.parts[wb], lambda m: b"")
    elif how == 1:
        pkg.parts[wb] = _sub_one(rng, rb"(<definedName [^>]*>)[^<]*(</definedName>)", pkg.parts[wb],
                                 lambda m: m.group(1) + _x(rng.choice(NAMES)) + m.group(2))
    elif how == 2:
        pkg.parts[wb] = _sub_one(rng, rb'<definedName name="[^"]*"', pkg.parts[wb],
                                 lambda m: b'<definedName name="%s"' % _x(rng.choice(["NB_template", "", "x y",
                                                                                     "_xlnm.Print_Area"])))
    else:
        pkg.parts[wb] = _sub_one(rng, rb"<definedName [^>]*>[^<]*</definedName>", pkg.parts[wb],
                                 lambda m: m.group(0) * 2)


def m_sheet(rng, pkg: Pkg, named: dict) -> None:
    wb = "xl/workbook.xml"
    if wb not in pkg.parts:
        return
    how = rng.randrange(4)
    if how == 0:
        pkg.parts[wb] = _sub_one(rng, rb'<sheet name="[^"]*"', pkg.parts[wb],
                                 lambda m: b'<sheet name="%s"' % _x(rng.choice(["Sheet1", "", "表三 依申请公开",
                                                                               "a'b", "x" * 40])))
    elif how == 1:
        pkg.parts[wb] = _sub_one(rng, rb"<sheet [^>]*/>", pkg.parts[wb], lambda m: b"")
    elif how == 2:
        pkg.parts[wb] = _sub_one(rng, rb"<sheet ", pkg.parts[wb], lambda m: b'<sheet state="veryHidden" ')
    else:
        pkg.parts[wb] = _sub_one(rng, rb'r:id="[^"]*"', pkg.parts[wb],
                                 lambda m: b'r:id="%s"' % _x(rng.choice(["rId999", "", "rId1"])))


def m_part(rng, pkg: Pkg, named: dict) -> None:
    part = _pick_part(rng, pkg)
    how = rng.randrange(5)
    if how == 0:
        del pkg.parts[part]
    elif how == 1:
        data = pkg.parts[part]
        pkg.parts[part] = data[:rng.randrange(len(data) + 1)]
    elif how == 2:
        pkg.parts[part] = rng.choice([b"", b"\x00" * 100, rng.randbytes(200), b"<?xml version='1.0'?>", b"PK\x03\x04"])
    elif how == 3:
        pkg.extra.append((part, pkg.parts[part]))  # the same name twice in the zip
    else:
        pkg.parts[part] = pkg.parts[_pick_part(rng, pkg)]  # another part's content


def m_rels(rng, pkg: Pkg, named: dict) -> None:
    part = _pick_part(rng, pkg, ".rels")
    if rng.random() < .7:
        pkg.parts[part] = _sub_one(rng, rb'Target="[^"]*"', pkg.parts[part],
                                   lambda m: b'Target="%s"' % _x(rng.choice(TARGETS)))
    else:
        pkg.parts[part] = _sub_one(rng, rb'(Id|Type|TargetMode)="[^"]*"', pkg.parts[part],
                                   lambda m: m.group(1) + b'="%s"' % _x(rng.choice(["rId1", "", "External", "x"])))


def m_content_types(rng, pkg: Pkg, named: dict) -> None:
    ct = "[Content_Types].xml"
    if ct in pkg.parts:
        pkg.parts[ct] = _sub_one(rng, rb"<Override [^>]*/>", pkg.parts[ct],
                                 lambda m: rng.choice([b"", re.sub(rb'ContentType="[^"]*"', b'ContentType="x/y"',
                                                                   m.group(0))]))


def m_sst(rng, pkg: Pkg, named: dict) -> None:
    sst = "xl/sharedStrings.xml"
    if sst not in pkg.parts:
        return m_cell(rng, pkg, named)
    how = rng.randrange(5)
    if how == 0:
        pkg.parts[sst] = _sub_one(rng, rb"<si>.*?</si>", pkg.parts[sst], lambda m: b"")
    elif how == 1:
        pkg.parts[sst] = _sub_one(rng, rb"<si>.*?</si>", pkg.parts[sst],
                                  lambda m: b"<si><t>%s</t></si>" % _x(rng.choice(TEXTS + NUMBERS)))
    elif how == 2:
        pkg.parts[sst] = re.sub(rb'(count|uniqueCount)="\d+"', b'\\1="%s"' % _x(rng.choice(["0", "-1", "x",
                                                                                           "99999999999"])),
                                pkg.parts[sst], count=1)
    elif how == 3:  # many strings
        pkg.parts[sst] = pkg.parts[sst].replace(b"</sst>", b"<si><t>x</t></si>" * rng.randint(1000, 20000) + b"</sst>")
    else:
        pkg.parts[sst] = _sub_one(rng, rb"<si>", pkg.parts[sst], lambda m: b"<si/><si>")


def m_encoding(rng, pkg: Pkg, named: dict) -> None:
    part = _pick_part(rng, pkg, ".xml")
    data = pkg.parts[part]
    enc = rng.choice(ENCODINGS)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    body = re.sub(r"^<\?xml[^>]*\?>", "", text)
    if enc == "bom":
        pkg.parts[part] = b"\xef\xbb\xbf" + data
    elif enc == "declared-gbk":
        pkg.parts[part] = ('<?xml version="1.0" encoding="GBK"?>' + body).encode("gbk", "replace")
    elif enc == "x-unknown":
        pkg.parts[part] = b'<?xml version="1.0" encoding="x-unknown"?>' + body.encode()
    elif enc == "latin-1":
        pkg.parts[part] = data.replace("锦".encode(), "锦".encode("gbk"))
    else:
        pkg.parts[part] = (f'<?xml version="1.0" encoding="{enc}"?>' + body).encode(enc, "replace")


def m_doctype(rng, pkg: Pkg, named: dict) -> None:
    part = _pick_part(rng, pkg, ".xml")
    pkg.parts[part] = re.sub(rb"^(<\?xml[^>]*\?>)?", b'\\1<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>', pkg.parts[part],
                             count=1)


def m_zip(rng, pkg: Pkg, named: dict) -> None:
    pkg.zip_changes.append(rng.choice([_flip, _truncate, _version, _method, _flags, _sizes, _comment])(rng))


def _flip(rng):
    def change(data: bytes) -> bytes:
        b = bytearray(data)
        start = rng.randrange(len(b))
        for i in range(start, min(len(b), start + rng.randint(1, 300))):
            b[i] ^= rng.randrange(1, 256)
        return bytes(b)
    return change


def _truncate(rng):
    return lambda data: data[:rng.randrange(len(data))]


def _at_headers(rng, offset_local: int | None, offset_central: int | None, value: bytes):
    def change(data: bytes) -> bytes:
        b = bytearray(data)
        spots = []
        if offset_local is not None:
            spots += [m.start() + offset_local for m in re.finditer(rb"PK\x03\x04", data)]
        if offset_central is not None:
            spots += [m.start() + offset_central for m in re.finditer(rb"PK\x01\x02", data)]
        for at in rng.sample(spots, min(len(spots), rng.randint(1, 3))):
            b[at:at + len(value)] = value
        return bytes(b)
    return change


def _version(rng):
    return _at_headers(rng, None, 6, struct.pack("<H", rng.choice([229, 64, 0xFFFF])))


def _method(rng):
    method = struct.pack("<H", rng.choice([9, 99, 14, 12, 1, 0xFFFF]))
    return _at_headers(rng, 8, 10, method)


def _flags(rng):
    flags = struct.pack("<H", rng.choice([1, 0x41, 0x800, 0x8, 0x2000]))
    return _at_headers(rng, 6, 8, flags)


def _sizes(rng):
    size = struct.pack("<I", rng.choice([0, 1, 0xFFFFFFFF, 64 * 1024 * 1024 + 1, 2 ** 31]))
    return _at_headers(rng, 22, 24, size)


def _comment(rng):
    def change(data: bytes) -> bytes:
        at = data.rfind(b"PK\x05\x06")
        if at < 0:
            return data
        junk = rng.randbytes(rng.randint(1, 1000))
        return data[:at + 20] + struct.pack("<H", rng.choice([len(junk), 0xFFFF])) + junk
    return change


MUTATIONS: dict[str, Callable] = {
    "cell": m_cell, "cell_named": m_cell_named, "cell_ref": m_cell_ref, "row": m_row, "cell_delete": m_cell_delete,
    "styles": m_styles, "name": m_name, "sheet": m_sheet, "part": m_part, "rels": m_rels,
    "content_types": m_content_types, "sst": m_sst, "encoding": m_encoding, "doctype": m_doctype, "zip": m_zip,
}
# the cells the rules read are where most bugs were: weighted
WEIGHTS = {"cell_named": 6, "cell": 3, "zip": 2, "part": 2, "name": 2, "sst": 2}


def mutate_json(rng: random.Random, text: str) -> bytes:
    how = rng.randrange(6)
    if how == 0:
        return re.sub(r'(": )(\d+)', lambda m: m.group(1) + rng.choice(NUMBERS[:6] + ["9" * 5000, "1e999", "-0"]),
                      text, count=rng.randint(1, 5)).encode()
    if how == 1:
        return re.sub(r'(": )("[^"]*")', lambda m: m.group(1) + json.dumps(rng.choice(TEXTS + NUMBERS)),
                      text, count=rng.randint(1, 5)).encode()
    if how == 2:
        return text.encode()[:rng.randrange(len(text.encode()))]
    if how == 3:
        return ("[" * rng.choice([10, 5000, 100000]) + text).encode()
    if how == 4:
        return text.encode("gbk", "replace") if rng.random() < .5 else text.encode("utf-16")
    return text.replace('"format"', rng.choice(['"formats"', '"format", "format"', '"t3.x"'])).encode()


# --- bases: the files every case starts from ----------------------------------------------------

def make_bases() -> dict[str, bytes]:
    """A passing workbook, one with errors, one saved by openpyxl (no cached values, inline strings),
    one written back by nianbao (results sheet, notes, VML), and a JSON data file."""
    from toolkit.app.check import check_file
    from toolkit.app.workbook import new_workbook
    from toolkit.collect.samplebatch import random_values
    from toolkit.jsondata import dumps
    from toolkit.sample import sample_data
    from toolkit.workbook.build import build_workbook
    from toolkit.writeback import render_workbook_bytes
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-fuzz-bases-"))
    try:
        rng = random.Random(1)
        bases = {"pass": new_workbook(tmp / "pass.xlsx", data=sample_data()).read_bytes(),
                 "err": build_workbook(random_values(rng, "甲局", 2024, error="slash"))}
        (tmp / "err.xlsx").write_bytes(bases["err"])
        bases["checked"] = render_workbook_bytes(tmp / "err.xlsx", check_file(tmp / "err.xlsx"))
        import openpyxl
        wb = openpyxl.load_workbook(tmp / "err.xlsx")
        wb.save(tmp / "opx.xlsx")
        bases["opx"] = (tmp / "opx.xlsx").read_bytes()
        bases["json"] = dumps(sample_data()).encode()
        bases.update(docfuzz.make_bases())
        return bases
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def workbook_bases(bases: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in bases.items() if k != "json" and not k.startswith("doc.")}


def named_cells(workbook: bytes) -> set[tuple[str, str]]:
    """(sheet part, cell) of every input cell of the layout in a base workbook (found with plain
    regular expressions, not with the reader under test)."""
    from toolkit.workbook import layout
    with zipfile.ZipFile(io.BytesIO(workbook)) as zf:
        wb = zf.read("xl/workbook.xml").decode("utf-8")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {}
    for m in re.finditer(r"<Relationship [^>]*>", rels):
        rid, target = re.search(r'Id="([^"]+)"', m.group(0)), re.search(r'Target="([^"]+)"', m.group(0))
        if rid and target:
            targets[rid.group(1)] = target.group(1)
    parts = {}
    for m in re.finditer(r'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"', wb):
        target = targets.get(m.group(2), "")
        parts[m.group(1)] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    from xml.sax.saxutils import escape
    return {(parts[escape(p.sheet)], p.a1) for p in layout.positions().values() if escape(p.sheet) in parts}


# --- one case ------------------------------------------------------------------------------------

@dataclass
class Case:
    index: int
    base: str
    mutations: list[tuple[str, int]]
    kind: str  # xlsx | json | zip | eml | doc (a published report: .docx, .html, .mhtml, .txt)


def plan(seed: int, index: int, bases: list[str]) -> Case:
    rng = random.Random(f"{seed}:{index}")
    kind = rng.choices(["xlsx", "json", "zip", "eml", "doc"], [50, 4, 6, 3, 37])[0]
    if kind == "doc":
        base = rng.choice([b for b in bases if b.startswith("doc.")])
        names = docfuzz.mutation_names(base)
        return Case(index, base, [(rng.choice(names), rng.randrange(2 ** 31))
                                  for _ in range(rng.choice([1, 1, 2, 3]))], kind)
    base = "json" if kind == "json" else rng.choice(list(workbook_bases(dict.fromkeys(bases, b""))))
    names = list(MUTATIONS)
    muts = [(rng.choices(names, [WEIGHTS.get(n, 1) for n in names])[0], rng.randrange(2 ** 31))
            for _ in range(rng.choice([1, 1, 2, 2, 3]))]
    return Case(index, base, muts, kind)


def build_case(case: Case, bases: dict[str, bytes], named: dict[str, set]) -> tuple[str, bytes]:
    """(file name, content) of a case."""
    if case.kind == "json":
        rng = random.Random(case.mutations[0][1])
        return "case.json", mutate_json(rng, bases["json"].decode())
    if case.kind == "doc":
        return "case" + docfuzz.suffix_of(case.base), docfuzz.build(case.base, bases[case.base], case.mutations)
    with zipfile.ZipFile(io.BytesIO(bases[case.base])) as zf:
        pkg = Pkg({i.filename: zf.read(i) for i in zf.infolist()})
    outer_changes = []
    for name, sub in case.mutations:
        rng = random.Random(sub)
        if case.kind in ("zip", "eml") and name == "zip" and rng.random() < .6:
            holder = Pkg({})
            m_zip(rng, holder, {})
            outer_changes += holder.zip_changes  # on the archive, not the workbook
        else:
            MUTATIONS[name](rng, pkg, named.get(case.base, set()))
    workbook = pkg.to_bytes()
    if case.kind == "xlsx":
        return "case.xlsx", workbook
    member = rng.choice(["单位.xlsx", "年报/单位.xlsx", "../单位.xlsx", "单位.xlsx.zip", "CON.xlsx",
                         "a" * 300 + ".xlsx"])
    if member.endswith(".zip"):
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w") as zf:
            zf.writestr("单位.xlsx", workbook)
        workbook = inner.getvalue()
    if case.kind == "zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(member, workbook)
            zf.writestr("说明.txt", b"x")
        data = buf.getvalue()
        for change in outer_changes:
            data = change(data)
        return "case.zip", data
    msg = EmailMessage()
    msg["From"] = random.Random(case.index).choice(["单位 <a@example.gov.cn>", "=?gbk?B?xOqxqA==?= <x@y>", "bad"])
    msg["Subject"] = "年报"
    msg.set_content("请查收")
    msg.add_attachment(workbook, maintype="application", subtype="octet-stream", filename=member)
    data = msg.as_bytes()
    for change in outer_changes:
        data = change(data)
    return "case.eml", data


@dataclass
class Outcome:
    index: int
    result: str  # ok | reason | fail | hang
    step: str = ""
    signature: str = ""
    detail: str = ""
    seconds: float = 0.0


# the last resorts' words: a reason that only says this failed the user
VAGUE = ("意外错误",)


def _signature(exc: BaseException) -> str:
    """Where it failed: the innermost frame in toolkit/ (its path below toolkit/), and the type."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f"{os.sep}toolkit{os.sep}" in f.filename] or frames
    f = ours[-1] if ours else None
    where = "?"
    if f:
        name = f.filename.split(f"{os.sep}toolkit{os.sep}")[-1].replace(os.sep, "/")
        where = f"{name}:{f.lineno}:{f.name}"
    return f"{where}:{type(exc).__name__}"


def run_case(case: Case, name: str, data: bytes, workdir: Path, word: bool) -> Outcome:
    """The steps of one case; the first failure is the outcome."""
    from toolkit.errors import UnusableFile
    from toolkit.rules import check
    from toolkit.source import UNREADABLE, read_report
    started = time.perf_counter()
    path = workdir / name
    path.write_bytes(data)
    out = Outcome(case.index, "ok")
    if case.kind == "doc":
        try:
            result, step, signature, detail = docfuzz.run_document(path, workdir)
            return Outcome(case.index, result, step, signature, detail, time.perf_counter() - started)
        finally:
            path.unlink(missing_ok=True)
    step = "gather"
    try:
        if case.kind in ("zip", "eml"):
            from toolkit.collect.gather import gather
            items = gather([path], workdir / "out")
            for item in items:
                if any(v in item.error for v in VAGUE):
                    return Outcome(case.index, "fail", step, "vague reason", item.error)
            paths = [item.path for item in items if not item.error]
        else:
            paths = [path]
        for p in paths:
            step = "read"
            try:
                report = read_report(p)
            except UnusableFile as exc:
                if exc.__cause__ is not None and not isinstance(exc.__cause__, (OSError, UnusableFile)) \
                        and str(exc) == UNREADABLE:
                    cause = exc.__cause__
                    return Outcome(case.index, "fail", step, _signature(cause),
                                   "".join(traceback.format_exception(cause))[-3000:])
                if any(v in str(exc) for v in VAGUE):
                    return Outcome(case.index, "fail", step, "vague reason", str(exc))
                out.result = "reason"
                continue
            step = "check"
            result = check(report)
            step = "status"
            _status_line(p, report, result)
            if p.suffix.lower() in (".xlsx", ".xlsm"):
                step = "write-back"
                from toolkit.writeback import render_workbook_bytes
                from toolkit.writeback.patch import LossDetected
                try:
                    render_workbook_bytes(p, result)
                except (UnusableFile, LossDetected) as exc:
                    if any(v in str(exc) for v in VAGUE):
                        return Outcome(case.index, "fail", step, "vague reason", str(exc))
            if word:
                step = "word"
                from toolkit.word import render_report
                try:
                    render_report(report, result=result)
                except UnusableFile:
                    pass
    except Exception as exc:  # noqa: BLE001 - this is what the fuzz looks for
        return Outcome(case.index, "fail", step, _signature(exc), "".join(traceback.format_exception(exc))[-3000:])
    finally:
        out.seconds = time.perf_counter() - started
        shutil.rmtree(workdir / "out", ignore_errors=True)
        path.unlink(missing_ok=True)
    return out


def _status_line(path: Path, report, result) -> None:
    """The case's line in 汇总状态.xlsx and findings.json's texts: what collect writes of it."""
    from toolkit import spec
    from toolkit.collect import FileStatus
    from toolkit.collect.status import status_workbook
    from toolkit.safetext import json_text
    values = report.values
    row = FileStatus(0, str(path), str(path), "有错误" if result.errors else "通过", unit=values.get("meta.unit"),
                     findings=tuple(result.findings), numbers=tuple(values.get(k) for k in spec.NUMBER_KEYS))
    row.figures = [None] * 5
    status_workbook([row], f"{values.get('meta.unit') or ''}")
    json_text([f.to_dict() for f in result.findings]).encode("utf-8")


# --- the run: worker processes, each case under a time limit ------------------------------------

_BASES: dict[str, bytes] = {}
_NAMED: dict[str, set] = {}


def _worker(conn: Connection, seed: int, bases: dict[str, bytes], named: dict[str, set], tmp: str) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="case-", dir=tmp))
    conn.send(None)
    while True:
        try:
            index = conn.recv()
        except EOFError:
            return
        if index is None:
            return
        case = plan(seed, index, list(bases))
        try:
            name, data = build_case(case, bases, named)
        except Exception as exc:  # noqa: BLE001 - a bug of the fuzz itself, said as such
            conn.send(Outcome(index, "fail", "make", "fuzz:" + _signature(exc), traceback.format_exc()[-2000:]))
            continue
        conn.send(run_case(case, name, data, workdir, word=index % 10 == 0))


@dataclass
class Report:
    seed: int
    cases: int
    seconds: float
    outcomes: list[Outcome]

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result in ("fail", "hang")]

    def summary(self) -> str:
        counts = Counter(o.result for o in self.outcomes)
        sigs = Counter(f"{o.result} {o.step} {o.signature}" for o in self.failures)
        lines = [f"fuzz seed {self.seed}: {self.cases} cases in {self.seconds:.0f} s: "
                 + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))]
        first = {}
        for o in self.failures:
            first.setdefault(f"{o.result} {o.step} {o.signature}", o.index)
        lines += [f"  {n:5d} × {sig}  (e.g. case {first[sig]})" for sig, n in sigs.most_common()]
        return "\n".join(lines)


DEFAULT_SEED = 20261201


def run(cases: int, seed: int = DEFAULT_SEED, workers: int = 2, timeout: float = 30.0, start: int = 0,
        log: Callable[[str], None] | None = None, kinds: tuple[str, ...] = ()) -> Report:
    """``cases`` cases from ``start``, in ``workers`` processes; a case over ``timeout`` seconds
    is a hang (its worker is killed and replaced). ``kinds``: only the cases of these kinds
    (xlsx, json, zip, eml, doc), each still numbered as in a full run."""
    import multiprocessing
    global _BASES, _NAMED
    if not _BASES:
        _BASES = make_bases()
        _NAMED = {k: named_cells(v) for k, v in workbook_bases(_BASES).items()}
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    tmp = tempfile.mkdtemp(prefix="nianbao-fuzz-")
    started = time.perf_counter()
    pending = [i for i in range(start, start + cases)
               if not kinds or plan(seed, i, list(_BASES)).kind in kinds][::-1]
    todo = len(pending)
    outcomes: list[Outcome] = []
    pool: list[dict] = []

    def spawn() -> dict:
        parent, child = ctx.Pipe()
        # not a daemon: a case of a published report runs ``audit``, whose own workers are children
        # of this one (a killed worker's children end at their pipe's end of file)
        proc = ctx.Process(target=_worker, args=(child, seed, _BASES, _NAMED, tmp), daemon=False)
        proc.start()
        child.close()
        return {"proc": proc, "conn": parent, "case": None, "since": 0.0, "ready": False}

    def stop(w: dict) -> None:
        if w["proc"].is_alive():
            w["proc"].kill()
        w["proc"].join(5)
        w["conn"].close()

    try:
        pool = [spawn() for _ in range(max(1, workers))]
        while pending or any(w["case"] is not None for w in pool):
            for w in pool:
                if w["ready"] and w["case"] is None and pending:
                    w["case"], w["since"] = pending.pop(), time.monotonic()
                    w["conn"].send(w["case"])
            deadlines = [w["since"] + timeout for w in pool if w["case"] is not None]
            ready = wait([w["conn"] for w in pool], max(0.0, min(deadlines) - time.monotonic()) if deadlines else 5)
            for i, w in enumerate(pool):
                if w["conn"] in ready:
                    try:
                        msg = w["conn"].recv()
                    except (EOFError, OSError):
                        if w["case"] is not None:
                            outcomes.append(Outcome(w["case"], "fail", "worker", "worker died", ""))
                        stop(w)
                        pool[i] = spawn()
                        continue
                    if msg is None:
                        w["ready"] = True
                    else:
                        outcomes.append(msg)
                        w["case"] = None
                        if log and len(outcomes) % 500 == 0:
                            failed = sum(1 for o in outcomes if o.result in ("fail", "hang"))
                            log(f"{len(outcomes)} cases, {failed} failures")
                elif w["case"] is not None and time.monotonic() - w["since"] > timeout:
                    outcomes.append(Outcome(w["case"], "hang", "", f"over {timeout:g} s", "", timeout))
                    stop(w)
                    pool[i] = spawn()
    finally:
        for w in pool:
            stop(w)
        shutil.rmtree(tmp, ignore_errors=True)
    return Report(seed, todo, time.perf_counter() - started, sorted(outcomes, key=lambda o: o.index))


def reproduce(seed: int, index: int, folder: Path) -> Path:
    """Write case ``index`` of ``seed`` into ``folder`` (to look at, or to run nianbao on)."""
    bases = make_bases()
    named = {k: named_cells(v) for k, v in workbook_bases(bases).items()}
    case = plan(seed, index, list(bases))
    name, data = build_case(case, bases, named)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"case{index}{Path(name).suffix}"
    path.write_bytes(data)
    (folder / f"case{index}.json").write_text(json.dumps(case.__dict__, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
