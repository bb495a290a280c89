"""Ingest: department feeds into clean, fused records."""
