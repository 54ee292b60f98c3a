"""The dbt marts the analytics routes read, as empty tables with the models' columns: tests
fill them instead of running dbt (the pipelines' own tests build the real models)."""

from __future__ import annotations

from clickhouse_connect.driver.client import Client

MARTS = {
    "mart_genre_overview": """
        platform String, category String, creators UInt64, total_followers Int64,
        avg_engagement_rate Nullable(Float64), median_engagement_rate Nullable(Float64),
        top_profile_ids Array(String)""",
    "mart_collection_post_time_series": """
        collection_id Int64, platform String, post_shortcode String, date Date,
        likes Nullable(Int64), comments Nullable(Int64), views Nullable(Int64),
        plays Nullable(Int64), reach Nullable(Int64), shares Nullable(Int64),
        saved Nullable(Int64)""",
}


def create_marts(client: Client, database: str) -> None:
    client.command(f"CREATE DATABASE IF NOT EXISTS {database}")
    for name, columns in MARTS.items():
        client.command(
            f"CREATE TABLE IF NOT EXISTS {database}.{name} ({columns})"
            " ENGINE = MergeTree ORDER BY tuple()"
        )
