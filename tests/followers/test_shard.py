"""Service tests for reach.followers.shard against the session's embedded ClickHouse: a sharded
run, a rerun that must not duplicate, garbage rows, and the contract's summary query."""

from __future__ import annotations

import uuid

import pytest
from clickhouse_connect.driver.client import Client

from reach.followers.shard import Shard, analysis_summary, run_shard

pytestmark = pytest.mark.service

FOLLOWERS = [
    ("rahul_sharma", "Rahul Sharma"),
    ("bot_1234567", "Priya"),
    ("ivan_p", "Иван"),
    ("promo_deals", "Best Offers"),
    ("mallu_fan", "മോഹൻലാൽ"),
    ("blank", ""),
    ("emoji", "🔥🔥"),
    ("long", "Rahul" * 2000),
]


def _insert_followers(client: Client, creator: str) -> None:
    rows = [
        (
            f"{creator}-{i}",
            "2026-11-01 00:00:00.000",
            "instagram",
            creator,
            f"{creator}-f{i}",
            handle,
            name,
            "FOLLOWER",
            "test",
        )
        for i, (handle, name) in enumerate(FOLLOWERS)
    ]
    client.command(
        "INSERT INTO _e.profile_relationship_log (event_id, event_timestamp, platform,"
        " source_profile_id, target_profile_id, target_handle, target_full_name,"
        " relationship_type, source) VALUES "
        + ",".join(
            "(" + ",".join("'" + v.replace("'", "\\'") + "'" for v in row) + ")" for row in rows
        )
    )


def _rows(client: Client, analysis: str) -> list[tuple[str, float]]:
    result = client.query(
        "SELECT follower_handle, fake_class FROM _e.follower_score"
        " WHERE analysis = {a:String} ORDER BY follower_handle",
        parameters={"a": analysis},
    )
    return [(str(h), round(float(c), 2)) for h, c in result.result_rows]


def test_shards_cover_every_follower_once_and_reruns_replace(clickhouse_client: Client) -> None:
    creator = f"creator-{uuid.uuid4().hex}"
    analysis = f"analysis-{uuid.uuid4().hex}"
    _insert_followers(clickhouse_client, creator)
    summaries = [
        run_shard(clickhouse_client, analysis, Shard(i, 3), creator_id=creator, batch_rows=2)
        for i in range(3)
    ]
    assert sum(s.followers for s in summaries) == len(FOLLOWERS)
    first = _rows(clickhouse_client, analysis)
    assert sorted(h for h, _ in first) == sorted(h for h, _ in FOLLOWERS)
    assert dict(first)["rahul_sharma"] == 0.0
    assert dict(first)["bot_1234567"] == 1.0
    assert dict(first)["ivan_p"] == 1.0
    assert dict(first)["promo_deals"] == 0.33
    # A separated handle unlike a one-word name is fake under the seed's correlation rule.
    assert dict(first)["mallu_fan"] == 1.0

    for i in range(3):
        run_shard(clickhouse_client, analysis, Shard(i, 3), creator_id=creator)
    assert _rows(clickhouse_client, analysis) == first

    summary = analysis_summary(clickhouse_client, analysis)
    assert summary.followers == len(FOLLOWERS)
    assert summary.fake == 3


def test_the_summary_query_reads_back_what_the_shards_counted(clickhouse_client: Client) -> None:
    creator = f"creator-{uuid.uuid4().hex}"
    # The operator sends the query as text: a quote in the analysis name must stay a literal.
    analysis = f"it's \\ {uuid.uuid4().hex}"
    _insert_followers(clickhouse_client, creator)
    counted = run_shard(clickhouse_client, analysis, Shard(0, 1), creator_id=creator)
    assert analysis_summary(clickhouse_client, analysis) == counted
    assert counted.real and counted.weak_fake and counted.fake


def test_other_creators_are_not_scored(clickhouse_client: Client) -> None:
    mine, other = f"creator-{uuid.uuid4().hex}", f"creator-{uuid.uuid4().hex}"
    analysis = f"analysis-{uuid.uuid4().hex}"
    _insert_followers(clickhouse_client, mine)
    _insert_followers(clickhouse_client, other)
    summary = run_shard(clickhouse_client, analysis, Shard(0, 1), creator_id=mine)
    assert summary.followers == len(FOLLOWERS)


@pytest.mark.parametrize("text", ["", "1", "3/3", "a/b", "-1/2", "0/0"])
def test_shard_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="shard"):
        Shard.parse(text)


def test_shard_parse() -> None:
    assert Shard.parse("2/8") == Shard(2, 8)


def test_invalid_utf8_from_the_source_is_scored(clickhouse_client: Client) -> None:
    creator = f"creator-{uuid.uuid4().hex}"
    analysis = f"analysis-{uuid.uuid4().hex}"
    clickhouse_client.command(
        "INSERT INTO _e.profile_relationship_log (event_id, event_timestamp, platform,"
        " source_profile_id, target_profile_id, target_handle, target_full_name,"
        " relationship_type, source) VALUES"
        f" ('{creator}-1', now64(3), 'instagram', '{creator}', 'f1',"
        " concat('rahul', unhex('FF')), concat('Rahul ', unhex('C328')), 'FOLLOWER', 'test')"
    )
    summary = run_shard(clickhouse_client, analysis, Shard(0, 1), creator_id=creator)
    assert summary.followers == 1
    result = clickhouse_client.query(
        "SELECT fake_class, reasons FROM _e.follower_score WHERE analysis = {a:String}",
        parameters={"a": analysis},
    )
    [(fake_class, reasons)] = result.result_rows
    # Decoded with replacement characters: "rahul" against "Rahul", one reason for two fields.
    assert round(float(fake_class), 2) == 0.0
    assert reasons == ["invalid_utf8"]
