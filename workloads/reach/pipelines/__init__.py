"""Analytics pipelines (the seed's "stir"): run the dbt project in `dbt/` against ClickHouse
(`transforming`), copy ClickHouse marts into PostgreSQL serving tables with an atomic swap
(`syncing`, definitions in `definitions`), and enqueue periodic scraper work through the scraper
API (`enqueueing`). `reach pipelines ...` calls them; the Airflow DAGs in `dags/` and the
operator's Leaderboard and TableSync CronJobs run those commands."""
