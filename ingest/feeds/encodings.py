"""Text encodings of feed files: strict decoding and detection, line by line.

Departments export UTF-8 (with or without BOM) or GB18030/GBK.  Decoding is
always strict: an undecodable byte is never replaced by a guess.  A file is decoded
whole when it can be; otherwise line by line (no byte of a UTF-8 or GB18030
character is a newline, so lines can be decoded apart): a line that does not decode
is left out of the text (an empty line) and returned by number, for the reader to
quarantine (``undecodable``), and the other lines are read.  When the header does
not decode, or more than half of the data lines do not, the file is in another
encoding than the one used: a :class:`~kingraph.errors.FeedError` naming the file
and the first bad line.

Detection (``auto``) never guesses silently wrong:

- valid UTF-8 (BOM or not) is UTF-8;
- otherwise the lines holding non-ASCII bytes vote: when at least as many of them
  are valid UTF-8 as not, the file *is* UTF-8 with damaged lines (a GB18030 file
  fails UTF-8 on nearly every line holding a Chinese character);
- otherwise the file is GB18030.

A declared ``gb18030`` file that is valid UTF-8 with non-ASCII text (or has a
UTF-8 BOM) is refused: decoding it as GB18030 would silently give mojibake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kingraph.errors import FeedError

Encoding = Literal["auto", "utf-8", "gb18030"]
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Decoded:
    """A feed file's text, and the lines of it that did not decode."""

    text: str  # a line that did not decode is empty here
    encoding: str  # utf-8, utf-8-sig or gb18030
    undecodable: tuple[int, ...] = ()  # physical line numbers (header = 1)


def _lines(data: bytes, codec: str) -> list[str | None]:
    """Each physical line decoded strictly, or None where it does not decode."""
    out: list[str | None] = []
    for line in data.split(b"\n"):
        try:
            out.append(line.decode(codec))
        except UnicodeDecodeError:
            out.append(None)
    return out


def _by_line(data: bytes, codec: str, file: str, label: str, problem: str) -> Decoded:
    """Decode line by line; refuse the file when its header or most data lines fail."""
    try:
        return Decoded(data.decode(codec), label)
    except UnicodeDecodeError:
        pass
    lines = _lines(data, codec)
    bad = tuple(n for n, line in enumerate(lines, 1) if line is None)
    data_lines = sum(1 for line in lines[1:] if line is None or line.strip())
    if bad[0] == 1 or 2 * len(bad) > data_lines:
        raise FeedError(f"{file} line {bad[0]}: {problem}")
    return Decoded("\n".join(line or "" for line in lines), label, bad)


def _mostly_utf8(data: bytes) -> bool:
    """Of the lines holding non-ASCII bytes, at least as many are valid UTF-8 as not (a
    line of Chinese text in GB18030 is valid UTF-8 by chance well under once in a
    thousand)."""
    valid = invalid = 0
    for line in data.split(b"\n"):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            valid += 1
        except UnicodeDecodeError:
            invalid += 1
    return valid > 0 and valid >= invalid


def _utf8_valid(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _detect(data: bytes, file: str) -> Decoded:
    if data.startswith(BOM):
        return _by_line(data[len(BOM):], "utf-8", file, "utf-8-sig",
                        "bytes undecodable as utf-8")
    if _utf8_valid(data):
        return Decoded(data.decode("utf-8"), "utf-8")
    if _mostly_utf8(data):
        return _by_line(data, "utf-8", file, "utf-8",
                        "UTF-8 text with bytes undecodable as utf-8")
    return _by_line(data, "gb18030", file, "gb18030", "bytes undecodable as gb18030")


def _declared_gb18030(data: bytes, file: str) -> Decoded:
    if data.startswith(BOM) or (_utf8_valid(data) and not data.isascii()):
        raise FeedError(f"{file}: declared gb18030 but the file is UTF-8")
    return _by_line(data, "gb18030", file, "gb18030", "bytes undecodable as gb18030")


def decode(data: bytes, file: str, encoding: Encoding = "auto") -> Decoded:
    """Decode a feed file's bytes strictly, line by line where the whole will not.

    Args:
        data: the whole file.
        file: the file name, for error messages.
        encoding: ``auto`` (detect), ``utf-8`` or ``gb18030``.

    Returns:
        The text (lines that did not decode left empty), the encoding used (``utf-8``,
        ``utf-8-sig`` or ``gb18030``) and the numbers of the lines that did not decode.

    Raises:
        FeedError: a wrongly declared encoding, or a header or most data lines
            undecodable (naming the first bad line).
    """
    if encoding == "auto":
        return _detect(data, file)
    if encoding == "gb18030":
        return _declared_gb18030(data, file)
    if data.startswith(BOM):
        return _by_line(data[len(BOM):], "utf-8", file, "utf-8-sig",
                        "bytes undecodable as utf-8")
    return _by_line(data, "utf-8", file, "utf-8", "bytes undecodable as utf-8")
