"""Feeds: department files read, checked and cleaned into rows and person mentions.

The contract is ``docs/feeds.md``.  :mod:`~ingest.feeds.definitions` declares how a
feed is described and :mod:`~ingest.feeds.catalogue` lists the ten feeds as data
(with the code lists of :mod:`~ingest.feeds.codes`); :mod:`~ingest.feeds.read`
finds and decodes the files (:mod:`~ingest.feeds.encodings`,
:mod:`~ingest.feeds.table`); :mod:`~ingest.feeds.clean` types and checks each row
(:mod:`~ingest.feeds.dates`, :mod:`~ingest.feeds.row_checks`,
:mod:`~ingest.feeds.identity` with :mod:`~ingest.feeds.id_numbers` and
:mod:`~ingest.feeds.names`, :mod:`~ingest.feeds.content_hash`) and sends unusable
rows to :mod:`~ingest.feeds.quarantine`; :mod:`~ingest.feeds.mentions` turns clean
rows into one row per person mentioned.
"""

from ingest.feeds.catalogue import FEEDS
from ingest.feeds.clean import CleanFeed, clean_feed
from ingest.feeds.content_hash import content_hashes
from ingest.feeds.definitions import Column, Feed, Kind, Link, Role
from ingest.feeds.encodings import Encoding, decode
from ingest.feeds.mentions import (
    MENTION_SCHEMA,
    birth_evidence,
    mention_id,
    record_key,
    to_mentions,
)
from ingest.feeds.quarantine import QUARANTINE_SCHEMA, Reason, write_quarantine
from ingest.feeds.read import FeedFile, RawFeed, discover, read_feed, stray_files

__all__ = [
    "FEEDS", "MENTION_SCHEMA", "QUARANTINE_SCHEMA", "CleanFeed", "Column", "Encoding", "Feed",
    "FeedFile", "Kind", "Link", "RawFeed", "Reason", "Role", "birth_evidence", "clean_feed",
    "content_hashes", "decode", "discover", "mention_id", "read_feed", "record_key",
    "stray_files", "to_mentions", "write_quarantine",
]
