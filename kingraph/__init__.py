"""Kingraph: a population relationship engine on Neo4j."""

import os

# polars' allocator (jemalloc) keeps freed memory for reuse; fusing a province allocates
# and frees many GiB, so it is told to hand memory back to the system within a second.
# Read when polars first loads, so it is set here, before any module imports polars.
os.environ.setdefault("_RJEM_MALLOC_CONF",
                      "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:1000")

__version__ = "0.1.0"
