"""Text encodings of feed files: strict decoding and detection.

Departments export UTF-8 (with or without BOM) or GB18030/GBK.  Decoding is
always strict: an undecodable byte is a :class:`~kingraph.errors.FeedError` naming
the file and the line, never a replacement character.

Detection (``auto``) never guesses silently wrong:

- valid UTF-8 (BOM or not) is UTF-8;
- otherwise, if the UTF-8 text before the first bad byte already holds Chinese
  characters, the file *is* UTF-8 with a corrupt byte: error at that line (a
  GB18030 file fails UTF-8 at its first Chinese character, long before that);
- otherwise the file must decode strictly as GB18030, or it is an error at the
  line where decoding stopped.

A declared ``gb18030`` file that is valid UTF-8 with non-ASCII text (or has a
UTF-8 BOM) is refused: decoding it as GB18030 would silently give mojibake.
"""

from __future__ import annotations

import re
from typing import Literal

from kingraph.errors import FeedError

Encoding = Literal["auto", "utf-8", "gb18030"]
BOM = b"\xef\xbb\xbf"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MIN_CJK = 2  # Chinese characters that prove a prefix is really UTF-8


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def _strict(data: bytes, codec: str, file: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        raise FeedError(f"{file} line {line}: bytes undecodable as {codec}") from None


def _utf8_error(data: bytes) -> UnicodeDecodeError | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc
    return None


def _detect(data: bytes, file: str) -> tuple[str, str]:
    if data.startswith(BOM):
        return _strict(data[len(BOM):], "utf-8", file), "utf-8-sig"
    error = _utf8_error(data)
    if error is None:
        return data.decode("utf-8"), "utf-8"
    prefix = data[: error.start].decode("utf-8")
    if len(_CJK.findall(prefix)) >= _MIN_CJK:
        line = _line_of(data, error.start)
        raise FeedError(f"{file} line {line}: UTF-8 text with bytes undecodable as utf-8")
    return _strict(data, "gb18030", file), "gb18030"


def _declared_gb18030(data: bytes, file: str) -> tuple[str, str]:
    if data.startswith(BOM) or (_utf8_error(data) is None and not data.isascii()):
        raise FeedError(f"{file}: declared gb18030 but the file is UTF-8")
    return _strict(data, "gb18030", file), "gb18030"


def decode(data: bytes, file: str, encoding: Encoding = "auto") -> tuple[str, str]:
    """Decode a feed file's bytes strictly.

    Args:
        data: the whole file.
        file: the file name, for error messages.
        encoding: ``auto`` (detect), ``utf-8`` or ``gb18030``.

    Returns:
        The text and the encoding used (``utf-8``, ``utf-8-sig`` or ``gb18030``).

    Raises:
        FeedError: undecodable bytes (naming the line) or a wrongly declared encoding.
    """
    if encoding == "auto":
        return _detect(data, file)
    if encoding == "gb18030":
        return _declared_gb18030(data, file)
    if data.startswith(BOM):
        return _strict(data[len(BOM):], "utf-8", file), "utf-8-sig"
    return _strict(data, "utf-8", file), "utf-8"
