"""Files uuencoded into a text body (`begin 644 name` … `end`), as old clients and
scripts still send them: taken out of the text as files of their own."""

from __future__ import annotations

import binascii
import re

_BEGIN = re.compile(r"^begin [0-7]{3,4} (\S.{0,254}?)\s*$")
_END = "end"


def extract(text: str) -> tuple[str, list[tuple[str, bytes]]]:
    """The text without its uuencoded blocks, and each block's (name, data). A block
    that does not decode stays in the text."""
    lines = text.split("\n")
    kept: list[str] = []
    files: list[tuple[str, bytes]] = []
    index = 0
    while index < len(lines):
        begin = _BEGIN.match(lines[index])
        end = _end_of(lines, index) if begin else None
        data = _decoded(lines[index + 1 : end]) if begin and end is not None else None
        if begin is None or end is None or data is None:
            kept.append(lines[index])
            index += 1
            continue
        files.append((begin.group(1), data))
        index = end + 1
    return "\n".join(kept), files


def _end_of(lines: list[str], begin: int) -> int | None:
    for index in range(begin + 1, len(lines)):
        if lines[index].strip() == _END:
            return index
    return None


def _decoded(lines: list[str]) -> bytes | None:
    chunks = []
    for line in lines:
        line = line.rstrip("\r")
        if not line or line == "`":
            continue
        try:
            chunks.append(binascii.a2b_uu(line))
        except binascii.Error:
            # Some encoders pad lines past their length byte: decode only what it counts.
            length = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
            try:
                chunks.append(binascii.a2b_uu(line[:length]))
            except binascii.Error:
                return None
    return b"".join(chunks)
