"""The one settings object, read by the command line and the API only.

Every field can be set from the environment with the ``KINGRAPH_`` prefix, e.g.
``KINGRAPH_NEO4J_URI=bolt://db.example:7687`` points everything at an external
Neo4j (a Docker container, Aura, a cluster) instead of the local server.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kingraph.errors import ConfigError

PURPOSE_CODE = re.compile(r"[a-z][a-z0-9_-]{1,39}")
PLACEHOLDER_SECRETS = frozenset({"neo4j", "password", "changeme", "secret", "test", "admin"})


class Settings(BaseSettings):
    """Where Neo4j is, how the local one is sized, and where local state lives."""

    model_config = SettingsConfigDict(env_prefix="KINGRAPH_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    var_dir: Path = Field(default_factory=lambda: Path.cwd() / "var")

    # An external server: when neo4j_uri is set, the local server is not used.
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr | None = None
    neo4j_database: str = "neo4j"

    # The local server provisioned by the project.
    neo4j_instance: str = "main"
    neo4j_bolt_port: int = Field(default=7687, ge=1, le=65535)
    neo4j_http_port: int = Field(default=7474, ge=1, le=65535)
    neo4j_heap: str = "4g"
    neo4j_pagecache: str = "6g"
    neo4j_start_timeout: float = Field(default=120.0, gt=0)
    # How much transaction log the local server keeps (Neo4j's
    # db.tx_log.rotation.retention_policy: "<n><unit> size", "<n> files", "<n> days"...);
    # older logs are pruned at each checkpoint.
    neo4j_tx_log_retention: str = Field(default="512M size",
                                        pattern=r"^(keep_all|keep_none|true|false|"
                                                r"\d+[kKmMgG]?\s+(files|size|txs|entries|"
                                                r"hours|days))$")
    # `db reset` of a local server whose database (store and logs) holds at least this
    # many MiB stops it, deletes the files and starts it again (freeing the disk);
    # a smaller one is emptied online (a restart costs more than it frees).
    reset_offline_min_mib: int = Field(default=1024, ge=0)
    # A first load into an empty local database of at least this many rows is written
    # offline by neo4j-admin import (the bulk path); smaller ones through transactions.
    bulk_min_rows: int = Field(default=200_000, ge=1)
    # The memory `kingraph ingest` may use, its workers included ("8g", "512m"; binary
    # units; `--memory` overrides it): a load that needs more is refused before it
    # writes, one that passes it while running is stopped (ingest/budget.py). None: no
    # bound but the machine's.
    ingest_memory: str | None = None

    # Fusion's pieces (ingest.fusion.pieces.PieceLimits): the estimated memory of one
    # batch of pieces, the most entities one piece may hold before it is split by a
    # stricter rule, and DuckDB's memory for the relational passes (it spills beyond).
    fusion_batch_mib: int = Field(default=512, ge=1)
    fusion_max_piece: int = Field(default=50_000, ge=2)
    fusion_sql_memory: str = "1GB"
    # Where fusion's candidate pairs, pieces and batches of pieces run
    # (ingest.fusion.executors.Engine): "local" (the fusion worker: DuckDB, scipy) or
    # "spark" (pip install -e '.[spark]'; `kingraph ingest --engine`), and for Spark: the
    # master (local[N] inside the fusion worker, or a cluster's spark://host:7077), the
    # driver's heap, the estimated memory of one group of pieces (one applyInArrow task)
    # and the partitions of each shuffle.
    fusion_engine: Literal["local", "spark"] = "local"
    spark_master: str = "local[2]"
    spark_driver_memory: str = "2g"
    spark_batch_mib: int = Field(default=16, ge=1)
    spark_partitions: int = Field(default=8, ge=1)

    # The REST API (`kingraph serve`): where it listens, where its state lives (keys,
    # audit log, pseudonym key; default var_dir) and per-role token buckets.
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    api_state_dir: Path | None = None
    api_rate_per_second: dict[str, float] = Field(default_factory=lambda: {
        "officer": 20.0, "researcher": 10.0, "service": 5000.0, "admin": 20.0})
    api_rate_burst: dict[str, int] = Field(default_factory=lambda: {
        "officer": 40, "researcher": 20, "service": 10000, "admin": 40})
    api_fuzzy_min_score: float = Field(default=60.0, ge=0, le=100)
    # How often each API worker looks whether the graph changed to make the page's slow
    # answers again before anyone asks (api/warm.py); 0: never made in advance.
    api_warm_every_s: float = Field(default=30.0, ge=0)
    # The purposes a personal-data call may declare in X-Purpose (a code, optionally
    # ":" and a case reference); anything else is refused. Codes, never prose.
    api_purposes: list[str] = Field(default_factory=lambda: [
        "casework", "screening", "eligibility", "review", "oversight", "audit", "research",
        "matching"], min_length=1)
    # How long a merge's confirmation token (from its preview) stays valid.
    api_confirmation_seconds: int = Field(default=600, ge=30, le=86_400)
    # How long an officer's decision waits for the store lock (a load or another
    # decision holding it) before its job fails; None waits as long as it takes.
    steward_lock_wait_seconds: float | None = Field(default=3600.0, gt=0)

    @model_validator(mode="after")
    def _purposes_are_codes(self) -> Settings:
        bad = [p for p in self.api_purposes if not PURPOSE_CODE.fullmatch(p)]
        if bad:
            raise ConfigError("KINGRAPH_API_PURPOSES holds codes of 2-40 lowercase letters, "
                              "digits, '_' or '-', starting with a letter")
        return self

    # The birth-policy table the decisions use: this file, else the one `kingraph policy
    # use` installed under var_dir/policy/, else the packaged table.
    policy_file: Path | None = None

    @model_validator(mode="after")
    def _reject_placeholder_secrets(self) -> Settings:
        pw = self.neo4j_password.get_secret_value() if self.neo4j_password else None
        if self.environment != "development" and pw is not None and pw in PLACEHOLDER_SECRETS:
            raise ConfigError("KINGRAPH_NEO4J_PASSWORD is a placeholder; set a real secret")
        return self

    @property
    def service_dir(self) -> Path:
        """Where the API keeps its state: service.db and the pseudonym key."""
        return self.api_state_dir or self.var_dir

    @property
    def service_db(self) -> Path:
        """The API's SQLite state: keys, audit log, issued pseudonyms."""
        return self.service_dir / "service.db"

    @property
    def uses_local_server(self) -> bool:
        """True when the project's own Neo4j is the target."""
        return self.neo4j_uri is None

    @property
    def bolt_uri(self) -> str:
        """The Bolt URI to connect to."""
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.neo4j_bolt_port}"
