"""Benchmarks, run as modules from the repository root.

Example: ``python -m bench.ingest_bench --persons 100000 --splink``.
"""
