"""Everything Neo4j: the local server, connections, schema and batched writes."""
