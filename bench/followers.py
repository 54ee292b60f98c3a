"""Follower scorer throughput on one core: end to end (ClickHouse -> scorer -> ClickHouse) and
the scorer alone.

Builds a temporary chdb folder, migrates it, fills `_e.profile_relationship_log` with
`--followers` synthetic followers of one creator (a mix of Latin names, names in the Indic
scripts, fancy letters, bot handles with digits, non-Indic scripts and brand accounts, made
with ClickHouse's numbers()), then times `run_shard` over shard 0/1 and, separately,
`score_batch` over the same rows already in memory. Those rows repeat ten names, which the
scorer's caches favour, so `score_batch` is also timed on followers whose names and handles
are all different (pairs from the first-name list, a third of first names misspelled so the
list is searched rather than hit).

Prints one JSON line last: `followers_per_s_e2e`, `followers_per_s_scorer`,
`followers_per_s_scorer_distinct`, `followers`, `e2e_seconds`, `scorer_seconds`, `measured`.
Run: .venv/bin/python bench/followers.py
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time

from reach.common.clickhouse import get_client
from reach.common.migrations import migrate_clickhouse
from reach.followers.names import indian_first_names
from reach.followers.scorer import Follower, score_batch
from reach.followers.shard import Shard, run_shard

HANDLES = [
    "'rahul_sharma'",
    "'priya.patel'",
    "'travelbug'",
    "'user_1234567'",
    "'promo_deals'",
    "'mallu_fan'",
    "'ivan_p'",
    "'anjali_art'",
    "'sneha_1998'",
    "'crypto_king'",
]
NAMES = [
    "'Rahul Sharma'",
    "'Priya Patel'",
    "'Rohan'",
    "'Priya'",
    "'Best Offers'",
    "'മോഹൻലാൽ'",
    "'Иван'",
    "'𝓐𝓷𝓳𝓪𝓵𝓲 𝓡𝓪𝓸'",  # noqa: RUF001 (fancy letters are part of the mix)
    "'स्नेहा'",
    "'Bitcoin Trader'",
]


def distinct_followers(count: int) -> list[Follower]:
    """`count` followers with different names and handles, from the first-name list."""
    names = indian_first_names()
    followers = []
    for i in range(count):
        first, last = names[i * 7919 % len(names)], names[i * 104_729 % len(names)]
        if i % 3 == 0:
            first = first[:-1] + "xq"[i % 2]
        followers.append(Follower(f"{first}_{last}{i}", f"{first.title()} {last.title()}"))
    return followers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--followers", type=int, default=200_000)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-followers-")
    try:
        client = get_client(dsn=f"chdb://{folder}")
        migrate_clickhouse(client)
        # A number suffix on half the handles keeps names and handles varied, as real data is.
        client.command(
            "INSERT INTO _e.profile_relationship_log (event_id, event_timestamp, platform,"
            " source_profile_id, target_profile_id, target_handle, target_full_name,"
            " relationship_type, source)"
            " SELECT toString(number), now64(3), 'instagram', 'creator',"
            " concat('f', toString(number)),"
            f" concat([{', '.join(HANDLES)}][number % 10 + 1],"
            "        if(number % 2 = 0, toString(number % 97), '')),"
            f" [{', '.join(NAMES)}][(intDiv(number, 10) + number) % 10 + 1],"
            " 'FOLLOWER', 'bench'"
            f" FROM numbers({args.followers})"
        )
        started = time.perf_counter()
        summary = run_shard(client, "bench", Shard(0, 1))
        e2e_seconds = time.perf_counter() - started
        rows = client.query(
            "SELECT target_handle, target_full_name FROM _e.profile_relationship_log"
        ).result_rows
        followers = [Follower(handle, name) for handle, name in rows]
        started = time.perf_counter()
        score_batch(followers)
        scorer_seconds = time.perf_counter() - started
        distinct = distinct_followers(args.followers // 4)
        started = time.perf_counter()
        score_batch(distinct)
        distinct_seconds = time.perf_counter() - started
        client.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(
        json.dumps(
            {
                "followers_per_s_e2e": round(summary.followers / e2e_seconds),
                "followers_per_s_scorer": round(len(followers) / scorer_seconds),
                "followers_per_s_scorer_distinct": round(len(distinct) / distinct_seconds),
                "followers": summary.followers,
                "e2e_seconds": round(e2e_seconds, 2),
                "scorer_seconds": round(scorer_seconds, 2),
                "fake_percent": summary.fake_percent,
                "measured": "run_shard 0/1 (delete, read, score, insert) and score_batch alone, "
                f"one process, embedded chdb, {os.cpu_count()} CPUs on the box",
            }
        )
    )


if __name__ == "__main__":
    main()
