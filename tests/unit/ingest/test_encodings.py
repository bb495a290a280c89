"""Strict decoding and detection."""

from __future__ import annotations

import pytest

from ingest.feeds.encodings import decode
from kingraph.errors import FeedError

TEXT = "a,b\n1,陈伟\n2,林小红\n"


def test_utf8_with_and_without_bom() -> None:
    assert decode(TEXT.encode(), "f.csv") == (TEXT, "utf-8")
    assert decode(b"\xef\xbb\xbf" + TEXT.encode(), "f.csv") == (TEXT, "utf-8-sig")


def test_gb18030_detected() -> None:
    assert decode(TEXT.encode("gb18030"), "f.csv") == (TEXT, "gb18030")


def test_ascii_is_utf8_even_when_declared_gb18030() -> None:
    assert decode(b"a,b\n1,2\n", "f.csv", "gb18030") == ("a,b\n1,2\n", "gb18030")


def test_utf8_with_a_corrupt_byte_names_the_line() -> None:
    data = TEXT.encode() + b"3,\xff\n"
    with pytest.raises(FeedError, match=r"f\.csv line 4"):
        decode(data, "f.csv")


def test_bytes_invalid_in_both_encodings() -> None:
    with pytest.raises(FeedError, match=r"f\.csv line 2: bytes undecodable as gb18030"):
        decode(b"a,b\n\x81\x20\x81\x20\n", "f.csv")
