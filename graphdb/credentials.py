"""Credentials for the configured Neo4j: the settings' password, or the local server's.

The project's own server keeps a generated password in its instance folder
(``var/neo4j/<instance>/password``, mode 0600); both the server, which sets it at
first start, and the drivers, which log in with it, read it here.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from kingraph.errors import ConfigError
from kingraph.settings import Settings


def instance_home(settings: Settings) -> Path:
    """The local server instance's folder under ``var/neo4j``."""
    return settings.var_dir.resolve() / "neo4j" / settings.neo4j_instance


def password_file(settings: Settings) -> Path:
    """Where the local server's generated password is kept."""
    return instance_home(settings) / "password"


def local_password(settings: Settings) -> str:
    """The password from settings, else the generated one kept in var/ (made when absent)."""
    if settings.neo4j_password is not None:
        return settings.neo4j_password.get_secret_value()
    path = password_file(settings)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    return path.read_text().strip()


def credentials(settings: Settings) -> tuple[str, str]:
    """User and password for the configured server."""
    if settings.uses_local_server:
        return settings.neo4j_user, local_password(settings)
    if settings.neo4j_password is None:
        raise ConfigError("KINGRAPH_NEO4J_URI is set but KINGRAPH_NEO4J_PASSWORD is not")
    return settings.neo4j_user, settings.neo4j_password.get_secret_value()
