"""The scrape task queue on `scrape_request_log`, in procrastinate's roles: `queries.sql` (the
job SQL as named queries), `manager` (runs them), `waking` (LISTEN/NOTIFY) and `worker` (runs
tasks with leases)."""
