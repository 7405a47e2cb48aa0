"""An .xlsx package read from memory: its parts, relationships and content types.

Parts are size-checked before they are inflated (a zip bomb is refused, not unpacked), member
names that climb out of the package (``../sheet1.xml``) are refused, and relationship targets are
resolved the one way OPC defines (relative to the source part's folder, or absolute from the
root).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..errors import DamagedFile, EncryptedFile, NotAWorkbook, OldExcelFile, UnreadableFile
from .xml import Element, local, read_xml

MAX_FILE_BYTES = 256 * 1024 * 1024  # a report workbook is ~30 KB
MAX_PART_BYTES = 64 * 1024 * 1024  # no part of a report workbook is near this: a zip bomb is
CONTENT_TYPES = "[Content_Types].xml"
OFFICE_DOCUMENT = "/officeDocument"  # the ending of the main part's relationship type


def sniff(data: bytes) -> None:
    """Refuse, with the reason in words, what is not an .xlsx/.xlsm package."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        if "EncryptionInfo".encode("utf-16-le") in data[: 1 << 20]:
            raise EncryptedFile("工作簿设置了打开密码（已加密），无法读取：请在 Excel/WPS 中清除打开密码后另存，再发送")
        raise OldExcelFile("这是 Excel 97-2003 格式（.xls）的文件，无法读取：请在 Excel/WPS 中打开，"
                           "“另存为”Excel 工作簿（.xlsx）后再校验；最好直接用 nianbao 生成的 .xlsx 模板填写")
    if not data.startswith(b"PK"):
        raise NotAWorkbook("不是 Excel 工作簿（.xlsx）文件，无法读取")


def rels_name(part: str) -> str:
    """The relationships part of a part ('' for the package itself): xl/_rels/workbook.xml.rels."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve_target(source: str, target: str) -> str | None:
    """A relationship's target as a part name, from the part ``source`` ('' for the package);
    None when it climbs out of the package."""
    if target.startswith("/"):
        name = posixpath.normpath(target).lstrip("/")
    else:
        name = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
    if name.startswith("../") or name in ("..", ".", ""):
        return None
    return name


def relative_target(source: str, target: str) -> str:
    """The target text that names part ``target`` from part ``source``."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


class Relationship(NamedTuple):  # (not a frozen dataclass: a fifth of the cost at each start)
    """One relationship of a part (or of the package), its target resolved to a part name."""

    id: str
    type: str
    target: str  # the part name, resolved ('' for an external target)
    external: bool = False

    def is_a(self, kind: str) -> bool:
        """``kind`` is the type's last word: 'worksheet', 'comments', 'vmlDrawing' …"""
        return self.type.rsplit("/", 1)[-1] == kind


def parse_relationships(source: str, root: Element) -> list[Relationship]:
    out = []
    for el in root:
        if local(el.tag) != "Relationship":
            continue
        external = el.get("TargetMode") == "External"
        target = "" if external else resolve_target(source, el.get("Target", ""))
        if target is None:
            raise DamagedFile(f"工作簿内部的关系指向压缩包之外（{el.get('Target')}），可能是恶意文件，拒绝读取")
        out.append(Relationship(el.get("Id", ""), el.get("Type", ""), target, external))
    return out


def _bad_member(name: str) -> bool:
    return name.startswith("/") or ".." in name.split("/") or "\\" in name


@dataclass(eq=False)  # (compared by identity: one method fewer to compile at each start)
class Package:
    """An opened .xlsx, held in memory: its parts by name, read on demand. ``data`` is the file's
    bytes as read, once (the reader's digest is taken from the very bytes it judged)."""

    path: Path
    zf: zipfile.ZipFile
    data: bytes = b""
    workbook_part: str = "xl/workbook.xml"
    _cache: dict[str, bytes] = field(default_factory=dict)
    _rels: dict[str, list[Relationship]] = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path | str) -> Package:
        path = Path(path)
        if not path.exists():
            raise UnreadableFile("找不到文件", path=path)
        if path.is_dir():
            raise NotAWorkbook("这是一个文件夹，不是工作簿")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise NotAWorkbook(f"文件过大（{path.stat().st_size} 字节），不是年报工作簿，拒绝读取")
        return cls.from_bytes(path.read_bytes(), path)

    @classmethod
    def from_bytes(cls, data: bytes, path: Path | str = "workbook.xlsx") -> Package:
        """A package over bytes in memory (a file read, or a workbook write-back just made)."""
        sniff(data)
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            names = zf.namelist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise DamagedFile("工作簿文件已损坏（不是完整的 .xlsx 压缩包），无法读取：请重新保存或重新发送") from exc
        pkg = cls(Path(path), zf, data)
        try:
            bad = next((n for n in names if _bad_member(n)), None)
            if bad is not None:
                raise DamagedFile(f"工作簿的压缩包中有无效的部件名（{bad[:80]}），可能是恶意文件，拒绝读取")
            if CONTENT_TYPES not in names:
                raise NotAWorkbook("不是 Excel 工作簿（压缩包中没有工作簿内容），无法读取")
            main = [r.target for r in pkg.relationships("") if r.type.endswith(OFFICE_DOCUMENT)]
            if not main or not pkg.has(main[0]):
                raise NotAWorkbook("不是 Excel 工作簿（压缩包中没有工作簿内容），无法读取")
        except BaseException:
            zf.close()
            raise
        pkg.workbook_part = main[0]
        return pkg

    def close(self) -> None:
        self.zf.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def has(self, name: str) -> bool:
        try:
            self.zf.getinfo(name)
            return True
        except KeyError:
            return False

    def read(self, name: str) -> bytes:
        if name not in self._cache:
            try:
                info = self.zf.getinfo(name)
            except KeyError:
                raise DamagedFile(f"工作簿不完整：缺少 {name}") from None
            if info.file_size > MAX_PART_BYTES:
                raise DamagedFile(f"工作簿中的 {name} 过大（{info.file_size} 字节），拒绝读取")
            try:
                self._cache[name] = self.zf.read(info)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error) as exc:
                raise DamagedFile(f"工作簿文件已损坏（{name} 无法解压）") from exc
            except RuntimeError as exc:  # encrypted zip member
                raise EncryptedFile("工作簿的压缩包设置了密码，无法读取") from exc
        return self._cache[name]

    def xml(self, name: str) -> Element:
        return read_xml(self.read(name), name)

    def relationships(self, part: str) -> list[Relationship]:
        """The relationships of a part ('' for the package); none when it has no .rels part."""
        if part not in self._rels:
            name = rels_name(part)
            self._rels[part] = parse_relationships(part, self.xml(name)) if self.has(name) else []
        return self._rels[part]

    def related(self, part: str, kind: str) -> list[str]:
        """The internal targets of ``part``'s relationships of one kind ('styles', 'worksheet' …)."""
        return [r.target for r in self.relationships(part) if not r.external and r.is_a(kind)]
