"""A local ClickHouse server: the embedded engine (chdb) behind ClickHouse's HTTP interface.

The embedded engine allows one process per data folder. Served over HTTP, one folder is shared
by several processes, each reaching it through clickhouse-connect's HTTP client exactly as it
reaches a ClickHouse server in Kubernetes. `reach clickhouse serve` runs it; the ingestion bench
and tests run sinks against it. dbt-clickhouse has not been run against it yet.
"""
