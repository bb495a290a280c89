"""Service state and limits: keys stored hashed, per-key rate limits with Retry-After."""

from __future__ import annotations

from pathlib import Path

import httpx

from api.keys import Role
from kingraph.settings import Settings
from tests.integration.api.conftest import Keys, api_settings, make_keys, serving


def test_raw_keys_are_not_in_the_state_files(client: httpx.Client, role_keys: Keys,
                                             state_dir: Path) -> None:
    client.get("/healthz")  # the server has the files open
    blob = b"".join(p.read_bytes() for p in state_dir.iterdir() if p.is_file())
    assert b"service.db" not in blob  # sanity: reading contents, not names
    for raw in role_keys.raw.values():
        secret = raw.split("_", 2)[2]
        assert raw.encode() not in blob and secret.encode() not in blob


def test_rate_limit_is_429_with_retry_after(settings: Settings, tmp_path: Path) -> None:
    # Researchers: a bucket of 2, refilled at one token per 100 s.
    config = api_settings(settings, tmp_path,
                          api_rate_per_second={**settings.api_rate_per_second,
                                               "researcher": 0.01},
                          api_rate_burst={**settings.api_rate_burst, "researcher": 2})
    keys = make_keys(tmp_path)
    headers = keys.headers(Role.RESEARCHER, "research")
    with serving(config) as url, httpx.Client(base_url=url) as http:
        statuses = [http.get("/v1/persons/ps_unknown", headers=headers).status_code
                    for _ in range(3)]
        limited = http.get("/v1/persons/ps_unknown", headers=headers)
        other = http.get("/v1/persons/ps_unknown", headers=keys.headers(Role.OFFICER))
    assert statuses == [404, 404, 429]
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited.headers["retry-after"]) <= 100
    assert other.status_code == 404  # another key, another bucket
