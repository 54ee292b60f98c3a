"""Full `dbt build` of the project (every model, seed and test) on embedded ClickHouse over
`--profiles` profiles and `--posts` posts.

Builds a temporary chdb folder, migrates it and generates the sources inside ClickHouse with
INSERT ... SELECT FROM numbers(): the scraper's and the API's tables (profiles 80% Instagram,
20% YouTube, posts split the same way, collections, inferred GPT audiences) in a database
`public` shaped as ClickHouse's postgresql() reads them, and in `_e` `--snapshots` profile
snapshots per profile, 15 days apart (so the leaderboard spans months), collection post
snapshots, follower fetches and follower scores. The project reads the replica tables from that
database (`postgres_replica_sources: []`), as from a replicated copy of PostgreSQL: the figure is
the transformation, not PostgreSQL's scan speed. Then times `reach pipelines dbt build` in-process.

Prints one JSON line last: `profiles`, `posts`, `seconds`, `profile_snapshots`, `models` and
`tests` (how many the build ran), `slowest` (the five slowest nodes' seconds), `measured`.
Run: .venv/bin/python bench/dbt_build.py [--profiles N] [--posts N] [--snapshots N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from clickhouse_connect.driver.client import Client

from reach.common.clickhouse import get_client
from reach.common.migrations import migrate_clickhouse
from reach.pipelines.settings import PipelinesSettings
from reach.pipelines.transforming import run_dbt, work_dir

CATEGORIES = "['fashion', 'food', 'travel', 'tech', 'beauty', 'fitness', 'music', 'comedy', '']"
LANGUAGES = "['hi', 'en', 'ta', 'te', 'bn', 'mr', '']"
COUNTRIES = "['IN', 'US', 'AE', 'GB']"
HASHTAGS = "['ootd', 'food', 'travel', 'tech', 'reels', 'love', 'india', 'fitness']"

REPLICA_TABLES = {
    "instagram_account": """
        profile_id String, handle String, full_name Nullable(String),
        category Nullable(String), language Nullable(String), country Nullable(String),
        city Nullable(String), followers Nullable(Int64), following Nullable(Int64),
        media_count Nullable(Int64), is_verified UInt8, is_business UInt8, is_private UInt8,
        profile_pic_url Nullable(String), audience_gender Nullable(String),
        audience_age Nullable(String), audience_location Nullable(String),
        refreshed_at Nullable(DateTime64(6)), biography Nullable(String),
        external_url Nullable(String), gender Nullable(String), topics Array(String)""",
    "instagram_post": """
        post_id String, shortcode String, profile_id String, post_type Nullable(String),
        caption Nullable(String), hashtags Array(String), likes Nullable(Int64),
        comments Nullable(Int64), plays Nullable(Int64), views Nullable(Int64),
        reach Nullable(Int64), shares Nullable(Int64), saved Nullable(Int64),
        thumbnail_url Nullable(String), publish_time Nullable(DateTime64(6)),
        location_id Nullable(String), location_name Nullable(String),
        location_lat Nullable(Float64), location_lng Nullable(Float64)""",
    "youtube_account": """
        channel_id String, handle Nullable(String), title Nullable(String),
        category Nullable(String), language Nullable(String), country Nullable(String),
        subscribers Nullable(Int64), total_views Nullable(Int64), video_count Nullable(Int64),
        thumbnail_url Nullable(String), is_verified UInt8, refreshed_at Nullable(DateTime64(6)),
        description Nullable(String)""",
    "youtube_post": """
        video_id String, channel_id String, title Nullable(String), tags Array(String),
        category_id Nullable(String), duration_s Nullable(Int32), is_short UInt8,
        views Nullable(Int64), likes Nullable(Int64), comments Nullable(Int64),
        thumbnail_url Nullable(String), publish_time Nullable(DateTime64(6))""",
    "profile_collection": """
        id Int64, partner_id Int64, name String, share_id String, source String,
        created_at DateTime64(6)""",
    "profile_collection_item": """
        collection_id Int64, platform String, platform_profile_id String,
        created_at DateTime64(6)""",
    "post_collection": """
        id Int64, partner_id Int64, name String, share_id String, source String,
        show_in_report UInt8, created_at DateTime64(6)""",
    "post_collection_item": """
        collection_id Int64, platform String, post_shortcode String, show_in_report UInt8,
        created_at DateTime64(6)""",
    # Left empty: their staging views and tests are part of every build, but none of the
    # marts' volume reads them.
    "scrape_request_log": """
        id Int64, flow String, dedup_key Nullable(String), priority Int16, status String,
        retry_count Int32, max_retries Int32, source Nullable(String),
        worker_id Nullable(String), error Nullable(String), created_at DateTime64(6),
        picked_at Nullable(DateTime64(6)), completed_at Nullable(DateTime64(6))""",
    "credential": """
        id Int64, source String, name String, enabled UInt8,
        disabled_till Nullable(DateTime64(6)), disabled_reason Nullable(String),
        last_used_at Nullable(DateTime64(6)), use_count Int64,
        token_issued_at Nullable(DateTime64(6))""",
    "asset_log": """
        id Int64, platform String, entity_type String, entity_id String, asset_type String,
        source_url String, storage_url Nullable(String), cdn_url Nullable(String),
        content_type Nullable(String), size_bytes Nullable(Int64), created_at DateTime64(6)""",
    "sentiment_log": """
        id Int64, platform String, post_id String, comment_id String, text Nullable(String),
        score Float64, positive Nullable(Float64), negative Nullable(Float64),
        neutral Nullable(Float64), created_at DateTime64(6)""",
    "audience_info_gpt": """
        network String, profile_id String, audience_gender String, audience_age String,
        audience_location String, interests Array(String), task_id Nullable(Int64),
        source String, updated_at DateTime64(6)""",
    "sentiment_report": """
        platform String, post_id String, comments Int32, mean_score Nullable(Float64),
        positive Int32, negative Int32, neutral Int32, scored_until Nullable(DateTime64(6)),
        reported_at DateTime64(6)""",
    "profile_insights": """
        platform String, profile_id String, date Date, reach Nullable(Int64),
        impressions Nullable(Int64), profile_views Nullable(Int64),
        website_clicks Nullable(Int64), follower_count Nullable(Int64), source Nullable(String),
        updated_at DateTime64(6)""",
    "partner": "id Int64, name String, plan_type String, status String, created_at DateTime64(6)",
    "account": "id Int64, partner_id Int64, name String, created_at DateTime64(6)",
    "account_user": "id Int64, account_id Int64, role String, created_at DateTime64(6)",
    "partner_usage": """
        id Int64, partner_id Int64, module String, plan_type String, usage_count Int64,
        limit_count Nullable(Int64), valid_from DateTime64(6), valid_to DateTime64(6)""",
    "partner_profile_page_track": """
        partner_id Int64, platform String, profile_id String, access_count Int64,
        last_accessed_at DateTime64(6)""",
    "activity_tracker": """
        id Int64, partner_id Int64, user_id Nullable(Int64), activity_type String,
        entity_type Nullable(String), entity_id Nullable(String), created_at DateTime64(6)""",
    "collection_group": """
        id Int64, partner_id Int64, name String, collection_ids Array(Int64),
        created_at DateTime64(6)""",
    "keyword_collection": """
        id Int64, partner_id Int64, name String, platform String, keywords Array(String),
        created_at DateTime64(6)""",
}


def create_replica(client: Client) -> None:
    client.command("CREATE DATABASE IF NOT EXISTS public")
    for table, columns in REPLICA_TABLES.items():
        key = columns.split()[0]
        client.command(f"CREATE TABLE public.{table} ({columns}) ENGINE = MergeTree ORDER BY {key}")


def generate(client: Client, instagram: int, youtube: int, posts: int, snapshots: int) -> int:
    """Fills the replica and event tables; returns the number of profile snapshots."""
    instagram_posts = posts * instagram // (instagram + youtube)
    youtube_posts = posts - instagram_posts
    statements = [
        f"""INSERT INTO public.instagram_account
        SELECT concat('ig', toString(number)), concat('creator_', toString(number)),
            concat('Creator ', toString(number)),
            {CATEGORIES}[1 + number % 9], {LANGUAGES}[1 + intHash32(number) % 7],
            {COUNTRIES}[1 + number % 4], NULL,
            if(number % 50 = 0, NULL, toInt64(intHash64(number) % 2000000)),
            toInt64(number % 3000), toInt64(number % 900), number % 10 = 0, number % 3 = 0, 0,
            NULL, '{{"male": 0.55, "female": 0.45}}', '{{"18-24": 0.6, "25-34": 0.4}}',
            '{{"IN": 0.9, "US": 0.1}}', now64(6), 'Creator',
            -- One in five links a YouTube channel (mart_linked_socials).
            if(number % 5 = 0,
                concat('https://youtube.com/@channel_', toString(number % {youtube})), NULL),
            -- What the GPT enrichment inferred (mart_instagram_gpt_data).
            ['male', 'female', 'unknown', NULL][1 + number % 4],
            arraySlice({HASHTAGS}, 1 + number % 8, number % 4)
        FROM numbers({instagram})""",
        f"""INSERT INTO public.instagram_post
        SELECT concat('igp', toString(number)), concat('sc', toString(number)),
            concat('ig', toString(intHash64(number) % {instagram})),
            ['image', 'reel', 'carousel'][1 + number % 3],
            concat('post ', toString(number), ' #', {HASHTAGS}[1 + number % 8]),
            arraySlice({HASHTAGS}, 1 + number % 8, number % 3),
            if(number % 40 = 0, NULL, toInt64(intHash32(number) % 20000)),
            toInt64(intHash32(number + 1) % 800), NULL, toInt64(intHash32(number + 2) % 90000),
            toInt64(intHash32(number + 3) % 50000), toInt64(number % 300), toInt64(number % 200),
            NULL, now64(6) - toIntervalSecond(intHash32(number + 4) % (365 * 86400)),
            -- Two posts in three tagged at one of 5,000 places (mart_post_location).
            if(number % 3 = 0, NULL, toString(213000000 + intHash32(number + 5) % 5000)),
            if(number % 3 = 0, NULL, concat('Place ', toString(intHash32(number + 5) % 5000))),
            if(number % 3 = 0, NULL, (intHash32(number + 5) % 5000) / 100 - 25),
            if(number % 3 = 0, NULL, (intHash32(number + 5) % 5000) / 50 - 50)
        FROM numbers({instagram_posts})""",
        f"""INSERT INTO public.youtube_account
        SELECT concat('UC', toString(number)), concat('channel_', toString(number)),
            concat('Channel ', toString(number)),
            {CATEGORIES}[1 + number % 9], {LANGUAGES}[1 + intHash32(number) % 7],
            {COUNTRIES}[1 + number % 4],
            if(number % 50 = 0, NULL, toInt64(intHash64(number) % 5000000)),
            toInt64(intHash64(number + 1) % 1000000000), toInt64(number % 2000), NULL,
            number % 10 = 0, now64(6),
            if(number % 7 = 0, concat('Also on instagram.com/creator_', toString(number)), NULL)
        FROM numbers({youtube})""",
        f"""INSERT INTO public.youtube_post
        SELECT concat('v', toString(number)),
            concat('UC', toString(intHash64(number) % {youtube})),
            concat('Video ', toString(number)),
            [], NULL, toInt32(number % 3600), number % 4 = 0,
            toInt64(intHash32(number) % 1000000), toInt64(intHash32(number + 1) % 50000),
            toInt64(intHash32(number + 2) % 3000), NULL,
            now64(6) - toIntervalSecond(intHash32(number + 3) % (365 * 86400))
        FROM numbers({youtube_posts})""",
        # The audience a GPT enrichment inferred for every third profile.
        f"""INSERT INTO public.audience_info_gpt
        SELECT if(number < {instagram}, 'instagram', 'youtube'),
            if(number < {instagram}, concat('ig', toString(number)),
                concat('UC', toString(number - {instagram}))),
            '{{"female": 0.6, "male": 0.4}}', '{{"18-24": 0.7, "25-34": 0.3}}',
            '{{"IN": 0.8, "AE": 0.2}}', arraySlice({HASHTAGS}, 1 + number % 8, 2), NULL,
            'openai', now64(6) - toIntervalSecond(number % 86400)
        FROM numbers({instagram + youtube})
        WHERE number % 3 = 0""",
        """INSERT INTO public.partner VALUES (1, 'Bench', 'PRO', 'ACTIVE', now64(6))""",
        """INSERT INTO public.post_collection
        SELECT number + 1, 1, concat('Campaign ', toString(number)),
            concat('share-', toString(number)), 'SAAS', 1, now64(6)
        FROM numbers(100)""",
        f"""INSERT INTO public.post_collection_item
        SELECT 1 + number % 100, 'instagram',
            concat('sc', toString(number * 97 % {instagram_posts})), 1, now64(6)
        FROM numbers({min(10_000, instagram_posts)})""",
        """INSERT INTO public.profile_collection
        SELECT number + 1, 1, concat('Shortlist ', toString(number)),
            concat('share-p', toString(number)), 'SAAS', now64(6)
        FROM numbers(100)""",
        f"""INSERT INTO public.profile_collection_item
        SELECT 1 + number % 100, if(number % 5 = 0, 'youtube', 'instagram'),
            if(number % 5 = 0, concat('UC', toString(number * 31 % {youtube})),
                concat('ig', toString(number * 31 % {instagram}))),
            now64(6)
        FROM numbers({min(10_000, instagram)})""",
        # Snapshots 15 days apart, the latest today; followers drift from one to the next.
        f"""INSERT INTO _e.profile_log (event_id, event_timestamp, platform, profile_id, handle,
            dimensions, metrics, source)
        SELECT concat('pl', toString(number)),
            toStartOfDay(now64(3)) - toIntervalDay(15 * (number % {snapshots}))
                + toIntervalSecond(intHash32(number) % 86400),
            if(profile < {instagram}, 'instagram', 'youtube'),
            if(profile < {instagram}, concat('ig', toString(profile)),
                concat('UC', toString(profile - {instagram}))),
            '', map(),
            map(if(profile < {instagram}, 'followers', 'subscribers'),
                toFloat64(intHash64(profile) % 2000000 + (number % {snapshots}) * 100),
                'following', toFloat64(profile % 3000),
                if(profile < {instagram}, 'media_count', 'video_count'), toFloat64(profile % 900),
                'avg_likes', toFloat64(intHash32(number) % 20000),
                'avg_comments', toFloat64(intHash32(number + 1) % 800),
                'total_views', toFloat64(intHash64(profile) % 1000000000)),
            'bench'
        FROM (SELECT number, intDiv(number, {snapshots}) AS profile
              FROM numbers({(instagram + youtube) * snapshots}))""",
        f"""INSERT INTO _e.post_log_event (event_id, event_timestamp, platform, post_id,
            profile_id, shortcode, dimensions, metrics, source)
        SELECT concat('po', toString(number)),
            toStartOfDay(now64(3)) - toIntervalDay(number % 10), 'instagram',
            concat('igp', toString(intDiv(number, 10) * 97 % {instagram_posts})), '',
            concat('sc', toString(intDiv(number, 10) * 97 % {instagram_posts})), map(),
            map('likes', toFloat64(number % 5000), 'comments', toFloat64(number % 90)), 'bench'
        FROM numbers({min(10_000, instagram_posts) * 10})""",
        f"""INSERT INTO _e.profile_relationship_log (event_id, event_timestamp, platform,
            source_profile_id, target_profile_id, target_handle, target_full_name,
            relationship_type, source)
        SELECT concat('rl', toString(number)), now64(3), 'instagram',
            concat('ig', toString(number % 100)), concat('f', toString(number)),
            concat('f', toString(number)), '', 'FOLLOWER', 'bench'
        FROM numbers({min(100_000, instagram * 10)})""",
        f"""INSERT INTO _e.follower_score
        SELECT concat('a-', toString(number % 100)), 'instagram',
            concat('ig', toString(number % 100)), concat('f', toString(number)),
            concat('f', toString(number)), '', [0.0, 0.0, 0.33, 1.0][1 + number % 4],
            [0.0, 0.0, 0.33, 1.0][1 + number % 4],
            if(number % 4 >= 2, ['digits'], []), 0, 0, 0, 0, 0, now64(3)
        FROM numbers({min(100_000, instagram * 10)})""",
    ]
    for statement in statements:
        client.command(statement)
    return (instagram + youtube) * snapshots


def built_nodes(run_results: Path) -> tuple[Counter[str], dict[str, float]]:
    """How many nodes of each kind (model, test, seed) the build ran, and the slowest five
    nodes with their seconds (where to look first when the figure slips)."""
    results = json.loads(run_results.read_text())["results"]
    kinds = Counter(result["unique_id"].split(".")[0] for result in results)
    slowest = sorted(results, key=lambda result: -result["execution_time"])[:5]
    return kinds, {r["unique_id"].split(".")[2]: round(r["execution_time"], 1) for r in slowest}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profiles", type=int, default=1_000_000)
    parser.add_argument("--posts", type=int, default=10_000_000)
    parser.add_argument("--snapshots", type=int, default=4, help="Profile snapshots each.")
    parser.add_argument("--threads", type=int, default=2, help="dbt threads.")
    args = parser.parse_args()
    instagram = max(1, args.profiles * 4 // 5)
    youtube = max(1, args.profiles - instagram)
    folder = Path(tempfile.mkdtemp(prefix="bench-dbt-"))
    try:
        dsn = f"chdb://{folder / 'clickhouse'}"
        client = get_client(dsn=dsn)
        try:
            migrate_clickhouse(client)
            create_replica(client)
            started = time.perf_counter()
            snapshots = generate(client, instagram, youtube, args.posts, args.snapshots)
            generated = time.perf_counter() - started
        finally:
            client.close()
        settings = PipelinesSettings(
            clickhouse_url=dsn, data_dir=folder / "data", dbt_threads=args.threads
        )
        started = time.perf_counter()
        outcome = run_dbt(
            ["build", "--quiet", "--vars", json.dumps({"postgres_replica_sources": []})],
            settings,
        )
        seconds = time.perf_counter() - started
        if not outcome.success:
            raise SystemExit(f"dbt build failed: {outcome}")
        built, slowest = built_nodes(work_dir(settings) / "target" / "run_results.json")
        print(
            json.dumps(
                {
                    "profiles": instagram + youtube,
                    "posts": args.posts,
                    "seconds": round(seconds, 1),
                    "profile_snapshots": snapshots,
                    "generate_seconds": round(generated, 1),
                    "models": built["model"],
                    "tests": built["test"],
                    "slowest": slowest,
                    "measured": "reach pipelines dbt build (all models, seeds and tests) on "
                    f"embedded ClickHouse, {args.threads} dbt threads; target < 120 s",
                }
            )
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
