"""The test server as a cluster client sees it: a ``neo4j://`` (routing) URI.

A single Neo4j 5 server answers the routing protocol with itself as router, reader and
writer, so a routing driver works against it as against a cluster: it picks a member
by each transaction's access mode and sends bookmarks. The API, CLI and notebook flows
of the tests run this way, so a write sent in a READ transaction fails them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import SecretStr

from graphdb.credentials import credentials
from kingraph.settings import Settings

ROUTING_SCHEMES = {"bolt": "neo4j", "bolt+s": "neo4j+s", "bolt+ssc": "neo4j+ssc"}


def routing_uri(uri: str) -> str:
    """The same server under the routing scheme (``bolt://h:p`` -> ``neo4j://h:p``)."""
    parts = urlsplit(uri)
    scheme = ROUTING_SCHEMES.get(parts.scheme, parts.scheme)
    return parts._replace(scheme=scheme).geturl()


def routing_settings(base: Settings) -> Settings:
    """The settings' server reached over ``neo4j://``, as an external server is: its
    password given, the offline bulk import out of reach."""
    user, password = credentials(base)
    return base.model_copy(update={"neo4j_uri": routing_uri(base.bolt_uri),
                                   "neo4j_user": user,
                                   "neo4j_password": SecretStr(password)})


def environment(base: Settings) -> dict[str, str]:
    """The ``KINGRAPH_NEO4J_*`` variables that point a CLI or a kernel at it so."""
    routed = routing_settings(base)
    assert routed.neo4j_uri is not None and routed.neo4j_password is not None
    return {"KINGRAPH_NEO4J_URI": routed.neo4j_uri, "KINGRAPH_NEO4J_USER": routed.neo4j_user,
            "KINGRAPH_NEO4J_PASSWORD": routed.neo4j_password.get_secret_value()}
