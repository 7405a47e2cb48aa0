"""Writing a package: parts we changed are deflated, every other part is carried over exactly as
it was stored (its compressed bytes, CRC and sizes), never inflated and deflated again.

zipfile has no public call to copy a member's compressed bytes, so the few records a zip file
consists of (ZIP File Format Specification, APPNOTE 6.3.x, sections 4.3.7, 4.3.12 and 4.3.16) are
written here; members are located through ``ZipInfo.header_offset``, a documented attribute.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from typing import NamedTuple

_LOCAL = struct.Struct("<4s5H3L2H")  # local file header
_CENTRAL = struct.Struct("<4s6H3L5H2L")  # central directory file header
_END = struct.Struct("<4s4H2LH")  # end of central directory record
_UTF8 = 0x800  # general purpose flag: names in UTF-8
_ENCRYPTED = 0x1
MAX_MEMBER = 0xFFFFFFFF - 1  # beyond this a zip64 record would be needed: never for a workbook


class Member(NamedTuple):  # (not a frozen dataclass: a fifth of the cost at each start)
    """One member as it will be written: compressed bytes and what describes them."""

    name: str
    method: int  # zipfile.ZIP_STORED or ZIP_DEFLATED
    crc: int
    size: int
    data: bytes  # compressed
    date_time: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)
    external_attr: int = 0

    @classmethod
    def new(cls, name: str, content: bytes, date_time: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0),
            external_attr: int = 0) -> Member:
        """A part we wrote: deflated (raw deflate, as zip stores it)."""
        z = zlib.compressobj(6, zlib.DEFLATED, -15)
        data = z.compress(content) + z.flush()
        return cls(name, zipfile.ZIP_DEFLATED, zlib.crc32(content), len(content), data, date_time, external_attr)


def raw_member(archive: bytes, info: zipfile.ZipInfo) -> bytes:
    """A member's compressed bytes as stored in ``archive`` (the zip file's bytes)."""
    start = info.header_offset
    fields = _LOCAL.unpack_from(archive, start)
    if fields[0] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    begin = start + _LOCAL.size + fields[-2] + fields[-1]
    data = archive[begin:begin + info.compress_size]
    if len(data) != info.compress_size:
        raise zipfile.BadZipFile(f"truncated member {info.filename}")
    return data


def copyable(info: zipfile.ZipInfo) -> bool:
    """Whether a member can be carried over as stored (plain stored or deflated, not encrypted,
    small enough for a zip without zip64 records)."""
    return (info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
            and not info.flag_bits & _ENCRYPTED
            and max(info.file_size, info.compress_size) <= MAX_MEMBER)


def copied(archive: bytes, info: zipfile.ZipInfo) -> Member:
    return Member(info.filename, info.compress_type, info.CRC, info.file_size, raw_member(archive, info),
                  info.date_time, info.external_attr)


def _dos_time(dt: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    y, mo, d, h, mi, s = dt
    y = min(max(y, 1980), 2107)
    return (y - 1980) << 9 | mo << 5 | d, h << 11 | mi << 5 | s // 2


def write_zip(members: list[Member]) -> bytes:
    """The zip file of ``members``, in their order."""
    out = bytearray()
    central = bytearray()
    for m in members:
        name = m.name.encode("utf-8")
        flags = 0 if m.name.isascii() else _UTF8
        date, time = _dos_time(m.date_time)
        offset = len(out)
        version = 20
        out += _LOCAL.pack(b"PK\x03\x04", version, flags, m.method, time, date, m.crc & 0xFFFFFFFF,
                           len(m.data), m.size, len(name), 0)
        out += name
        out += m.data
        central += _CENTRAL.pack(b"PK\x01\x02", 20, version, flags, m.method, time, date,
                                 m.crc & 0xFFFFFFFF, len(m.data), m.size, len(name), 0, 0, 0, 0,
                                 m.external_attr & 0xFFFFFFFF, offset)
        central += name
    start = len(out)
    out += central
    out += _END.pack(b"PK\x05\x06", 0, 0, len(members), len(members), len(central), start, 0)
    return bytes(out)
