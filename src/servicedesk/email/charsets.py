"""Bytes of a mail made text when the label lies: a body's or a header's declared charset,
its superset, UTF-8 and a detector (charset-normalizer), in the order docs/email.md
gives. Mail clients label what they wrote as what they meant to write (GB2312 for GBK,
ISO-8859-1 for Windows-1252, nothing at all for UTF-8); a helpdesk that believes the
label shows the requester's words as mojibake."""

from __future__ import annotations

import codecs
import email.header

import charset_normalizer

# What a label means in practice: the charset that decodes everything the labelled one
# does, the same way, plus what the writers' systems put in (Windows code pages, the
# GB and Korean extensions).
_SUPERSETS = {
    "iso-8859-1": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-8": "cp1255",
    "iso-8859-6": "cp1256",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "euc-jp": "euc_jis_2004",
    "big5": "big5hkscs",
}
# Labels mail clients write that Python's codecs do not know by that name.
_ALIASES = {
    "windows-874": "cp874",
    "x-sjis": "shift_jis",
    "x-gbk": "gbk",
    "iso-8859-8-i": "iso-8859-8",  # logical order (RFC 1556): the same bytes
    "iso-8859-8-e": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "iso-8859-6-e": "iso-8859-6",
    "unicode-1-1-utf-7": "utf-7",
}
_SUPERSET_OF = {codecs.lookup(label).name: superset for label, superset in _SUPERSETS.items()}
# Labels that are not ASCII-compatible: what they say is believed.
_NOT_ASCII_COMPATIBLE = {"utf-16", "utf-16-be", "utf-16-le", "utf-32", "utf-32-be", "utf-32-le"}
_LAST_RESORT = "cp1252"
# Charsets a detector may name for a few hundred bytes of mail without evidence of any:
# the guess is believed only when it is this sure (charset-normalizer's chaos ratio).
_DETECTOR_CHAOS = 0.3
_DETECTOR_EVIDENCE = 20  # bytes past ASCII


def canonical(label: str | None) -> str | None:
    """A charset label as Python's codecs name it; None for no label or an unknown one."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    try:
        return codecs.lookup(_ALIASES.get(name, name)).name
    except LookupError:
        return None


def decode_text(data: bytes, label: str | None, hint: str | None = None) -> str:
    """`data` as text: never raises, never loses a byte without a U+FFFD to show it.
    `hint`: the charset to try when there is no label (a header's raw 8-bit bytes are
    most often in the charset of the message's text)."""
    declared = canonical(label) or _usable_hint(canonical(hint))
    if declared in _NOT_ASCII_COMPATIBLE:
        return data.decode(declared, errors="replace")
    if data.isascii():
        return _seven_bit(data, declared)
    # Bytes that are valid UTF-8 and not plain ASCII are UTF-8 whatever the label says:
    # text in another charset is almost never valid UTF-8 by accident.
    for charset in ("utf-8", _superset(declared)):
        if charset is None:
            continue
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            continue
    guess = _detected(data)
    if guess is not None:
        return guess
    return data.decode(_superset(declared) or _LAST_RESORT, errors="replace")


def _usable_hint(hint: str | None) -> str | None:
    return None if hint in _NOT_ASCII_COMPATIBLE else hint


def _seven_bit(data: bytes, declared: str | None) -> str:
    """ASCII bytes: ASCII, unless the label is a 7-bit encoding (ISO-2022-JP, UTF-7)."""
    if declared is not None:
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("ascii")


def _superset(declared: str | None) -> str | None:
    if declared is None or declared == "ascii":
        return None  # no evidence: the detector decides, then Windows-1252
    return _SUPERSET_OF.get(declared, declared)


def _detected(data: bytes) -> str | None:
    """The detector's reading, when there is enough text for it to know (a few accented
    letters of a Western name are Windows-1252 far more often than anything it guesses)."""
    if sum(byte > 0x7F for byte in data) < _DETECTOR_EVIDENCE:
        return None
    best = charset_normalizer.from_bytes(data).best()
    if best is None or best.chaos > _DETECTOR_CHAOS:
        return None
    return str(best)


def decode_header_value(raw: str, hint: str | None = None) -> str:
    """A header as written (RFC 2047 encoded words, raw 8-bit bytes the parser kept as
    surrogate escapes) decoded word by word with `decode_text`'s fallbacks; `hint` for
    raw bytes."""
    try:
        pieces = email.header.decode_header(raw)
    except Exception:
        pieces = [(raw, None)]
    return "".join(decode_text(_written(piece, label), label, hint) for piece, label in pieces)


def _written(piece: bytes | str, label: str | None) -> bytes:
    """A piece's bytes as the message had them. Beside encoded words the library hands
    back the plain text between them as `raw-unicode-escape` bytes, which spell a raw
    8-bit byte as `\\udcXX`: undone, so that the byte is decoded like any other."""
    if isinstance(piece, str):
        return piece.encode("utf-8", errors="surrogateescape")
    if label is None and b"\\u" in piece:
        try:
            return piece.decode("raw-unicode-escape").encode("utf-8", errors="surrogateescape")
        except UnicodeDecodeError:
            return piece  # a literal backslash-u of the text (`C:\\users`)
    return piece
