"""E-mails as old clients and OA systems write them: an attachment whose headers a stray blank line
cut short (its raw GBK name and encoding open its body), and a workbook attached without a name.
Both are the unit's workbook, not "邮件没有附件"."""

from __future__ import annotations

import base64
import random

from toolkit.collect import collect
from toolkit.collect.samplebatch import random_values
from toolkit.workbook.build import build_workbook

YEAR = 2024


def _eml(part_headers: bytes, workbook: bytes) -> bytes:
    body = base64.encodebytes(workbook)
    return (b"From: geng <geng@moumou.gov.cn>\nTo: zwgk@moumou.gov.cn\nSubject: nianbao\n"
            b"Date: Sun, 12 Jan 2025 10:00:00 +0800\nMessage-ID: <x@y>\nMIME-Version: 1.0\n"
            b'Content-Type: multipart/mixed; boundary="B"\n\n--B\nContent-Type: text/plain; charset=utf-8\n\nhi\n'
            b"--B\n" + part_headers + b"\n" + body + b"--B--\n")


def test_attachment_headers_cut_short_and_an_unnamed_workbook_are_found(tmp_path):
    inbox = tmp_path / "收件"
    inbox.mkdir()
    rng = random.Random(2)
    gbk_name = "庚街道年报.xlsx".encode("gbk")
    (inbox / "rawgbk.eml").write_bytes(_eml(
        b"Content-Type: application/octet-stream\n\nContent-Disposition: attachment; filename=\"" + gbk_name
        + b"\"\nContent-Transfer-Encoding: base64\n", build_workbook(random_values(rng, "庚街道办事处", YEAR))))
    (inbox / "noname.eml").write_bytes(_eml(
        b"Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n",
        build_workbook(random_values(rng, "辛街道办事处", YEAR))))
    s = collect([inbox], tmp_path / "out", workers=1)
    rows = {f.unit: f for f in s.files}
    assert set(rows) == {"庚街道办事处", "辛街道办事处"}, [(f.origin, f.status, f.note) for f in s.files]
    assert rows["庚街道办事处"].origin.endswith("rawgbk.eml › 庚街道年报.xlsx")
    assert all(f.status == "通过" for f in s.files)
