"""Zip containers (DOCX) inflated under a hard byte cap, never trusting what their headers declare.

zipfile reads a member in one `decompress` call sized by its declared length and cuts the output
afterwards: a member that declares 1,000 bytes but inflates to 1 GB costs 1 GB of memory first.
Here every member is inflated in 64 KB steps from its raw bytes and counted as it comes, and the
reading stops as soon as one passes its declared size (a lying header). So the declared sizes, which
are checked against the cap first, really bound what python-docx will inflate afterwards.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from index.errors import ReportTooLarge, UnsupportedFormat
from index.reading.sizes import MAX_ZIP_MEMBERS, human_size

STEP = 64 * 1024  # bytes inflated (and read) at a time
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, …, file name length, extra field length
_LOCAL_SIGNATURE = b"PK\x03\x04"


class BadArchive(Exception):
    """Not a zip we read: broken, encrypted, or compressed with anything but deflate."""


def check_inflation(path: Path, limit: int) -> int:
    """The inflated size of all members; raises ReportTooLarge past `limit`, UnsupportedFormat for a
    lying header, BadArchive for a zip we do not read."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BadArchive(str(exc)) from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise BadArchive(f"{len(members)} members")
    declared = sum(m.file_size for m in members)
    if declared > limit:
        raise ReportTooLarge(_too_large(path.name, declared, limit))
    with path.open("rb") as raw:
        for member in members:
            if _inflated_size(raw, member) != member.file_size:
                raise UnsupportedFormat(
                    f"DOCX 文件已损坏或被篡改：{path.name}（{member.filename} 解压后的大小与声明不符），已拒绝读取")
    return declared


def _inflated_size(raw: BinaryIO, member: zipfile.ZipInfo) -> int:
    """Bytes the member really inflates to, counted no further than one step past its declared size."""
    if member.flag_bits & 0x1:
        raise BadArchive("encrypted member")
    raw.seek(member.header_offset)
    signature, name_len, extra_len = _LOCAL_HEADER.unpack(raw.read(_LOCAL_HEADER.size))
    if signature != _LOCAL_SIGNATURE:
        raise BadArchive("bad local header")
    raw.seek(name_len + extra_len, 1)
    if member.compress_type == zipfile.ZIP_STORED:
        return member.compress_size
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise BadArchive(f"compression {member.compress_type}")
    inflater, left, size = zlib.decompressobj(-zlib.MAX_WBITS), member.compress_size, 0
    try:
        while left > 0 and not inflater.eof:
            data = raw.read(min(STEP, left))
            if not data:
                raise BadArchive("truncated member")
            left -= len(data)
            while data:
                size += len(inflater.decompress(data, STEP))
                if size > member.file_size:
                    return size
                data = inflater.unconsumed_tail
    except zlib.error as exc:
        raise BadArchive(str(exc)) from exc
    return size


def _too_large(name: str, size: int, limit: int) -> str:
    return f"DOCX 文件解压后过大：{name}（解压后 {human_size(size)}，上限 {human_size(limit)}），已拒绝读取"
