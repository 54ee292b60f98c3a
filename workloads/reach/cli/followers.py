"""`reach followers`: follower authenticity. `score` scores one shard of an analysis's followers
from ClickHouse into `_e.follower_score`; the FollowerAnalysis operator runs one pod per shard."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from reach.cli.running import settings_or_exit
from reach.common.networks import SocialNetwork

app = typer.Typer(no_args_is_help=True, help="Follower authenticity scoring.")


@app.command()
def score(
    analysis: Annotated[str, typer.Option(help="Analysis name; results are keyed by it.")],
    shard: Annotated[str, typer.Option(help="This job's shard, i/N (0 <= i < N).")] = "0/1",
    creator_id: Annotated[str | None, typer.Option(help="Only this creator's followers.")] = None,
    network: Annotated[SocialNetwork | None, typer.Option(help="Only this network.")] = None,
) -> None:
    """Score one shard and print its summary (counts per class, fake %) as JSON."""
    from reach.common import clickhouse
    from reach.common.logs import configure_logging
    from reach.followers.settings import FollowersSettings
    from reach.followers.shard import Shard, run_shard

    try:
        parsed = Shard.parse(shard)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--shard") from None
    settings = settings_or_exit(FollowersSettings)
    configure_logging()
    client = clickhouse.get_client(settings)
    try:
        summary = run_shard(
            client,
            analysis,
            parsed,
            creator_id=creator_id,
            network=network,
            batch_rows=settings.followers_batch_rows,
        )
    finally:
        client.close()
    typer.echo(json.dumps({"analysis": analysis, "shard": shard, **summary.model_dump()}))
