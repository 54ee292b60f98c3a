"""Scores one shard of a creator's followers from ClickHouse into `_e.follower_score`.

Called by `reach followers score` (one Kubernetes Job pod per shard). A follower belongs to shard
`cityHash64(follower id) % N`; the shard's earlier rows for the analysis are deleted before it
is written, so a rerun replaces rather than duplicates.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from clickhouse_connect.driver.client import Client

from reach.common.networks import SocialNetwork
from reach.followers.contract import SCORES_TABLE, AnalysisSummary, summarize, summary_query
from reach.followers.scorer import Follower, score_batch

log = logging.getLogger(__name__)

COLUMNS = (
    "analysis",
    "platform",
    "source_profile_id",
    "follower_profile_id",
    "follower_handle",
    "follower_name",
    "fake_class",
    "score",
    "reasons",
    "non_indic_script",
    "digit_count",
    "handle_name_correlation",
    "similarity",
    "indian_name_score",
    "scored_at",
)


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard `index` of `total`; parsed from the CLI's "i/N"."""

    index: int
    total: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        index_text, sep, total_text = text.partition("/")
        if not sep or not index_text.isdigit() or not total_text.isdigit():
            raise ValueError(f"shard must look like i/N, got {text!r}")
        index, total = int(index_text), int(total_text)
        if total < 1 or index >= total:
            raise ValueError(f"shard index must be in [0, {total}), got {index}")
        return cls(index, total)


def _filters(
    shard: Shard, creator_id: str | None, network: SocialNetwork | None
) -> tuple[str, dict[str, Any]]:
    where = ["cityHash64(follower_profile_id) % {total:UInt64} = {index:UInt64}"]
    params: dict[str, Any] = {"total": shard.total, "index": shard.index}
    if creator_id is not None:
        where.append("source_profile_id = {creator:String}")
        params["creator"] = creator_id
    if network is not None:
        where.append("platform = {network:String}")
        params["network"] = network
    return " AND ".join(where), params


def _followers(
    client: Client, shard: Shard, creator_id: str | None, network: SocialNetwork | None
) -> list[tuple[str, str, str, bytes, bytes]]:
    where, params = _filters(shard, creator_id, network)
    # The latest handle and name per follower; the log keeps every observation.
    sql = f"""
        SELECT platform, source_profile_id, target_profile_id AS follower_profile_id,
               argMax(target_handle, event_timestamp) AS handle,
               argMax(target_full_name, event_timestamp) AS name
        FROM _e.profile_relationship_log
        WHERE relationship_type = 'FOLLOWER' AND {where}
        GROUP BY platform, source_profile_id, follower_profile_id
    """
    # Read whole, not streamed: embedded chdb cannot insert while a stream is open on the
    # connection, and a shard is sized (by N) to fit in memory.
    # Handle and name come as bytes: the client would turn a value that is not UTF-8 into its
    # hex digits, which the scorer would read as a handle full of digits.
    result = client.query(
        sql, parameters=params, column_formats={"handle": "bytes", "name": "bytes"}
    )
    return [tuple(row) for row in result.result_rows]


def run_shard(
    client: Client,
    analysis: str,
    shard: Shard,
    *,
    creator_id: str | None = None,
    network: SocialNetwork | None = None,
    batch_rows: int = 50_000,
) -> AnalysisSummary:
    """Scores the shard, replaces its earlier rows for `analysis`, returns its summary."""
    where, params = _filters(shard, creator_id, network)
    client.command(
        f"DELETE FROM {SCORES_TABLE} WHERE analysis = {{analysis:String}} AND {where}",
        parameters={**params, "analysis": analysis},
    )
    counts: dict[float, int] = {}
    followers = _followers(client, shard, creator_id, network)
    log.info("shard %s/%s of %s: %d followers", shard.index, shard.total, analysis, len(followers))
    for start in range(0, len(followers), batch_rows):
        _write(client, analysis, followers[start : start + batch_rows], counts)
    summary = summarize(counts)
    log.info("shard %s/%s of %s done: %s", shard.index, shard.total, analysis, summary)
    return summary


def _write(
    client: Client,
    analysis: str,
    batch: list[tuple[str, str, str, bytes, bytes]],
    counts: dict[float, int],
) -> None:
    scores = score_batch([Follower(handle, name) for _, _, _, handle, name in batch])
    now = datetime.now(UTC)
    rows = []
    for (platform, source, follower, handle, name), s in zip(batch, scores, strict=True):
        counts[s.fake_class] = counts.get(s.fake_class, 0) + 1
        rows.append(
            (
                analysis,
                platform,
                source,
                follower,
                handle,
                name,
                s.fake_class,
                s.score,
                list(s.reasons),
                s.non_indic_script,
                s.digit_count,
                s.handle_name_correlation,
                # The table keeps whole points; the ensemble used the exact value.
                round(s.similarity),
                round(s.indian_name_score),
                now,
            )
        )
    client.insert(SCORES_TABLE, rows, column_names=COLUMNS)
    log.info("scored %d followers for %s", len(rows), analysis)


def analysis_summary(client: Client, analysis: str) -> AnalysisSummary:
    """The summary of everything scored for `analysis` so far, across shards."""
    result = client.query(summary_query(analysis))
    return summarize({float(c): int(n) for c, n in result.result_rows})
