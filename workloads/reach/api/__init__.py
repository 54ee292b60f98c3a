"""The multi-tenant REST API (`reach api serve`, port 7179): brand dashboards over PostgreSQL,
with hot profiles cached in-process and in Redis. Routes (`routes/`) are thin; services hold the
rules; repositories hold the SQL."""
