"""Bytes → text for TXT and HTML: BOMs, UTF-8, then GB18030/GBK or Big5 chosen by how plausible the text reads."""

from __future__ import annotations

import codecs
import functools
import re

from index.errors import UndecodableText


# Leading/trailing blanks, including ideographic spaces (str.isspace) and zero-width marks.
EDGE_BLANKS = re.compile(r"^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM starts with UTF-16-LE's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
GB18030 = "gb18030"
_BIG5_CODECS = ("cp950", "big5hkscs")  # cp950 = Big5 as Windows writes it; HKSCS adds Hong Kong characters
_MIN_PLAUSIBLE = 0.6  # correct decodings score ~0.99, the wrong legacy codec ~0.3-0.5
_PLAUSIBILITY_SAMPLE = 200_000
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # C0/C1 controls except \t \n \v \f \r
_MAX_CONTROL_SHARE = 0.01


def decode(data: bytes, name: str, declared: str | None = None) -> str:
    """Decode text bytes, or raise UndecodableText rather than return mojibake."""
    text = _decode_unchecked(data, name, declared)
    if text and len(CONTROL_CHARS.findall(text)) / len(text) > _MAX_CONTROL_SHARE:
        raise UndecodableText(f"无法识别文件编码：{name}（含有大量控制字符，不是文本文件）")
    return text


def _decode_unchecked(data: bytes, name: str, declared: str | None) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            decoded = _strict(data, codec)
            if decoded is None:
                raise UndecodableText(f"无法识别文件编码：{name}（带有 {codec.upper()} 标记但内容无法按其解码）")
            return decoded  # these codecs drop the BOM themselves
    if b"\x00" in data:
        raise UndecodableText(f"无法识别文件编码：{name}（含有空字节：是二进制文件，或是不带 BOM 的 UTF-16 文本）")
    decoded = _strict(data, "utf-8")
    if decoded is not None:
        return decoded  # valid UTF-8 with CJK text is practically never a legacy encoding by chance
    legacy = _decode_legacy(data, declared)
    if legacy is None:
        raise UndecodableText(f"无法识别文件编码：{name}（不是 UTF-8、GB18030 或 Big5 文本）")
    return legacy


def _decode_legacy(data: bytes, declared: str | None) -> str | None:
    """GB18030 or Big5: the declared one if it decodes, else the more plausible Chinese text."""
    gb = _strict(data, GB18030)
    big5 = next((text for codec in _BIG5_CODECS if (text := _strict(data, codec)) is not None), None)
    if declared == GB18030 and gb is not None:
        return gb
    if declared in _BIG5_CODECS and big5 is not None:
        return big5
    # Big5 bytes nearly always decode as GB18030 too (and short GBK text as Big5), so compare how
    # much of each decoding is common Chinese; on a tie (very short text) prefer mainland GB18030.
    scored = [(_plausibility(text), -rank, text) for rank, text in enumerate((gb, big5)) if text is not None]
    if not scored:
        return None
    score, _, text = max(scored)
    return text if score >= _MIN_PLAUSIBLE else None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _plausibility(text: str) -> float:
    """Share of non-ASCII characters that are common hanzi or CJK punctuation."""
    others = [ch for ch in text[:_PLAUSIBILITY_SAMPLE] if ord(ch) > 0x7F and not ch.isspace()]
    if not others:
        return 1.0
    return sum(_is_common_cjk(ch) for ch in others) / len(others)


@functools.cache
def _is_common_cjk(ch: str) -> bool:
    # The level-1 ("常用") blocks of GB2312 (B0A1-D7FE) and Big5 (A440-C67E) stand in for a
    # frequency list of Simplified and Traditional characters; no data file needed.
    code = ord(ch)
    if 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E or 0x2010 <= code <= 0x2027:
        return True  # CJK and full-width punctuation, dashes, quotes, ellipsis
    return _encodes_within(ch, "gb2312", 0xB0A1, 0xD7FE) or _encodes_within(ch, "big5", 0xA440, 0xC67E)


def _encodes_within(ch: str, codec: str, low: int, high: int) -> bool:
    try:
        encoded = ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and low <= int.from_bytes(encoded, "big") <= high
