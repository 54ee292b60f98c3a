"""What the pipelines promise the rest of Reach: the config of one table sync (a ClickHouse query
or table copied into a PostgreSQL table), with the rule that a query is one SELECT; and how a
Leaderboard resource's ranking is built and synced (its dbt model, vars, sync and table).

Standard library, pydantic and `reach.common`'s declarative modules only: the operator's
TableSync spec embeds `SyncConfig` (and mounts it as `sync.yaml`), `reach pipelines sync --config`
reads it back with the same model, and the declared syncs (`definitions`) pass their queries
through `check_select`, so a query is checked the same way everywhere.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from reach.common.exactly_one import ExactlyOne

PG_IDENTIFIER = r"^[a-z_][a-z0-9_]*$"
CH_TABLE = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$"
PG_MAX_IDENTIFIER = 63
PgIdentifier = Annotated[str, Field(max_length=PG_MAX_IDENTIFIER, pattern=PG_IDENTIFIER)]

# A Leaderboard resource's ranking: `dbt build --select LEADERBOARD_MODEL --vars
# leaderboard_vars(...)` replaces the resource's partition of the model, then
# `sync LEADERBOARD_SYNC --partition NAME` replaces its rows of the PostgreSQL table.
LEADERBOARD_MODEL = "mart_leaderboard_ranking"
LEADERBOARD_SYNC = "leaderboard_ranking"
LEADERBOARD_TABLE = "leaderboard_ranking"
# The column of the model and table that holds the resource's name.
LEADERBOARD_KEY = "leaderboard"
# The core schedule's monthly ranks (fixed rank columns, replaced as a whole by its sync): not a
# table a Leaderboard's rows can go to.
CORE_LEADERBOARD_TABLE = "leaderboard"

_STRINGS = re.compile(r"'(?:[^'\\]|\\.)*'")
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_READ = re.compile(r"^\(?\s*(SELECT|WITH)\b", re.IGNORECASE)


def check_select(query: str) -> str:
    """`query` if it is a single SELECT (or WITH ... SELECT) statement; ValueError otherwise.
    String literals and comments are blanked first, so a `;` or keyword inside them counts
    for nothing."""
    code = _COMMENTS.sub(" ", _STRINGS.sub("''", query)).strip().rstrip(";")
    if not _READ.match(code) or ";" in code:
        raise ValueError("query must be a single SELECT (or WITH ... SELECT) statement")
    return query


def leaderboard_vars(
    name: str, network: str, metric: str, dimensions: list[str]
) -> dict[str, object]:
    """The dbt vars of one Leaderboard's build (checked by the project's
    `leaderboard_request` macro)."""
    return {
        "leaderboard_name": name,
        "leaderboard_network": network,
        "leaderboard_metric": metric,
        "leaderboard_dimensions": dimensions,
    }


class ConfigModel(BaseModel):
    """camelCase on the wire (the TableSync spec and the `sync.yaml` it mounts)."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


class SyncSource(ConfigModel, ExactlyOne):
    exactly_one = ("query", "table")

    query: str | None = Field(
        default=None, max_length=65_536, description="One ClickHouse SELECT (or WITH ... SELECT)."
    )
    table: str | None = Field(default=None, max_length=256, pattern=CH_TABLE)

    @field_validator("query")
    @classmethod
    def _one_select(cls, query: str | None) -> str | None:
        return None if query is None else check_select(query)


class SyncTarget(ConfigModel):
    table: PgIdentifier
    primary_key: list[PgIdentifier] = Field(default_factory=list, max_length=16)
    indexes: list[Annotated[list[PgIdentifier], Field(min_length=1, max_length=16)]] = Field(
        default_factory=list, max_length=16, description="Columns of each extra index."
    )


class SyncConfig(ConfigModel):
    """What `reach pipelines sync NAME --config sync.yaml` copies."""

    source: SyncSource
    target: SyncTarget
