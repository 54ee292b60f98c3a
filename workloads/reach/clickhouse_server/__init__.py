"""A local ClickHouse server: the embedded engine (chdb) behind ClickHouse's HTTP interface.

The embedded engine allows one process per data folder. Served over HTTP, one folder is shared
by several processes, each reaching it through clickhouse-connect's HTTP client exactly as it
reaches a ClickHouse server in Kubernetes. `reach clickhouse serve` runs it; tests run the sinks
and the whole dbt build against it, and the ingestion bench runs its sink against it.
"""
