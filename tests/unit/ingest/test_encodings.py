"""Strict decoding and detection, line by line where the whole file will not decode."""

from __future__ import annotations

import pytest

from ingest.feeds.encodings import Decoded, decode
from kingraph.errors import FeedError

TEXT = "a,b\n1,陈伟\n2,林小红\n"


def test_utf8_with_and_without_bom() -> None:
    assert decode(TEXT.encode(), "f.csv") == Decoded(TEXT, "utf-8")
    assert decode(b"\xef\xbb\xbf" + TEXT.encode(), "f.csv") == Decoded(TEXT, "utf-8-sig")


def test_gb18030_detected() -> None:
    assert decode(TEXT.encode("gb18030"), "f.csv") == Decoded(TEXT, "gb18030")


def test_ascii_is_utf8_even_when_declared_gb18030() -> None:
    assert decode(b"a,b\n1,2\n", "f.csv", "gb18030") == Decoded("a,b\n1,2\n", "gb18030")


def test_utf8_with_a_corrupt_line_keeps_the_others_and_names_it() -> None:
    # Line 4 ends inside a three-byte character: that line only is left out.
    decoded = decode(TEXT.encode() + b"3,\xe6\x9e\n", "f.csv")
    assert decoded.encoding == "utf-8"
    assert decoded.undecodable == (4,)
    assert decoded.text.split("\n") == ["a,b", "1,陈伟", "2,林小红", "", ""]


def test_a_corrupt_line_before_any_other_chinese_is_still_utf8_not_mojibake() -> None:
    # One damaged line and one good line of Chinese: the good one decides (a GB18030
    # file's Chinese lines are not valid UTF-8), so 林小红 is read as written.
    decoded = decode(b"a,b\n" + b"1,\xff\xfe\n" + "2,林小红\n".encode(), "f.csv")
    assert (decoded.encoding, decoded.undecodable) == ("utf-8", (2,))
    assert decoded.text.split("\n")[2] == "2,林小红"


def test_junk_appended_to_a_gb18030_file_is_left_out() -> None:
    data = TEXT.encode("gb18030") + "3,符海\n".encode("gb18030") + b"\x81\x20\x81\x20\n"
    decoded = decode(data, "f.csv")
    assert (decoded.encoding, decoded.undecodable) == ("gb18030", (5,))
    assert decoded.text.split("\n")[:4] == ["a,b", "1,陈伟", "2,林小红", "3,符海"]


def test_a_file_mostly_undecodable_is_in_another_encoding_and_refused() -> None:
    # GB18030 declared as UTF-8: every line with Chinese fails, so the file is refused
    # at its first such line rather than quarantined line by line.
    with pytest.raises(FeedError, match=r"f\.csv line 2: bytes undecodable as utf-8"):
        decode(TEXT.encode("gb18030"), "f.csv", "utf-8")


def test_an_undecodable_header_refuses_the_file() -> None:
    with pytest.raises(FeedError, match=r"f\.csv line 1"):
        decode(b"a,\xff\n" + b"1,x\n" * 5, "f.csv", "utf-8")


def test_bytes_invalid_in_both_encodings() -> None:
    with pytest.raises(FeedError, match=r"f\.csv line 2: bytes undecodable as gb18030"):
        decode(b"a,b\n\x81\x20\x81\x20\n", "f.csv")
