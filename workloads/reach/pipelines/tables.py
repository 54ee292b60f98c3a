"""What a sync copies: a ClickHouse table or query into a PostgreSQL table with its columns, primary
key and indexes, and the ClickHouse -> PostgreSQL type mapping for columns left to be inferred.

Pure data and pure functions; `definitions` declares the serving tables with them, the CLI reads
a TableSync's config into them, and `syncing` executes them.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from pydantic import ValidationError

from reach.common.clickhouse_sql import quote_identifier, quote_string
from reach.pipelines import contract

PG_IDENTIFIER = re.compile(contract.PG_IDENTIFIER)
CH_TABLE = re.compile(contract.CH_TABLE)


class SpecError(ValueError):
    """A sync definition or config that cannot be executed; the message says what is wrong."""


@dataclass(frozen=True)
class Column:
    """A target column: its PostgreSQL type and the ClickHouse expression that fills it
    (default: the source column of the same name)."""

    name: str
    pg_type: str
    expression: str | None = None

    def select_expression(self) -> str:
        return self.expression or quote_identifier(self.name)


@dataclass(frozen=True)
class Index:
    columns: tuple[str, ...]
    name: str | None = None


@dataclass(frozen=True)
class SyncSpec:
    """One sync. Exactly one of `source_table` ("db.table", or a table of the dbt database)
    and `source_query`; `columns` None means: every source column, types inferred.

    With `partition_column`, the target holds several owners' rows (a Leaderboard resource's,
    say) and a run replaces only the rows whose `partition_column` is `partition`, read from
    the source rows of that value; the column leads the primary key."""

    name: str
    target: str
    source_table: str | None = None
    source_query: str | None = None
    columns: tuple[Column, ...] | None = None
    primary_key: tuple[str, ...] = ()
    indexes: tuple[Index, ...] = field(default_factory=tuple)
    # The dbt tag whose build refreshes the source: the sync is scheduled after that build.
    after_tag: str = "core"
    # The pipeline that runs it after that build (None: `sync_<after_tag>`): a family with its
    # own DAG fails and retries apart from the others.
    pipeline: str | None = None
    partition_column: str | None = None
    partition: str | None = None

    def __post_init__(self) -> None:
        if (self.source_table is None) == (self.source_query is None):
            raise SpecError(f"{self.name}: give exactly one of a source table and a query")
        if self.source_table is not None and not CH_TABLE.match(self.source_table):
            raise SpecError(f"{self.name}: bad source table {self.source_table!r}")
        if self.source_query is not None:
            try:
                contract.check_select(self.source_query)
            except ValueError as exc:
                raise SpecError(f"{self.name}: {exc}") from None
        for identifier in (self.target, *self.primary_key, *self._index_columns()):
            check_pg_identifier(identifier)
        if self.columns is not None:
            names = [c.name for c in self.columns]
            for name in names:
                check_pg_identifier(name)
            if len(set(names)) != len(names):
                raise SpecError(f"{self.name}: duplicate column names")
            self.check_keys(names)
        if self.partition_column is not None:
            if self.primary_key[:1] != (self.partition_column,):
                raise SpecError(
                    f"{self.name}: the partition column {self.partition_column!r} must lead "
                    "the primary key"
                )
        elif self.partition is not None:
            raise SpecError(f"{self.name}: replaces whole tables; it takes no partition")

    def _index_columns(self) -> list[str]:
        return [column for index in self.indexes for column in index.columns]

    def check_keys(self, names: list[str]) -> None:
        """The primary key and index columns are among `names`."""
        missing = sorted((set(self.primary_key) | set(self._index_columns())) - set(names))
        if missing:
            raise SpecError(f"{self.name}: key or index columns not in the source: {missing}")

    def with_target(self, target: str) -> SyncSpec:
        """This sync into another table (a Leaderboard resource's own, say). Index names are
        per schema, so declared ones give way to names derived from the new target."""
        check_pg_identifier(target)
        return dataclasses.replace(
            self,
            target=target,
            indexes=tuple(dataclasses.replace(index, name=None) for index in self.indexes),
        )

    def with_partition(self, partition: str) -> SyncSpec:
        """This sync restricted to the rows of one partition (`--partition`)."""
        if self.partition_column is None:
            raise SpecError(f"{self.name}: replaces whole tables; it takes no partition")
        return dataclasses.replace(self, partition=partition)

    def scope(self) -> str:
        """What one run replaces: the target, or one partition of it. Runs of one scope are
        serialised; runs of different partitions of one target proceed side by side."""
        if self.partition is None:
            return self.target
        return f"{self.target} ({self.partition_column} = {self.partition})"


def check_pg_identifier(name: str) -> None:
    if len(name) > contract.PG_MAX_IDENTIFIER or not PG_IDENTIFIER.match(name):
        raise SpecError(f"not a plain PostgreSQL identifier: {name!r}")


def quote_pg(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def qualified_source(table: str, default_database: str) -> str:
    database, _, name = table.rpartition(".")
    return f"{quote_identifier(database or default_database)}.{quote_identifier(name)}"


# ClickHouse types whose values the sync reads as text, with the PostgreSQL type they map to.
_AS_TEXT = {"UUID": "uuid", "IPv4": "inet", "IPv6": "inet"}
_SCALARS = {
    "String": "text",
    "Int8": "smallint",
    "Int16": "smallint",
    "Int32": "integer",
    "Int64": "bigint",
    "UInt8": "smallint",
    "UInt16": "integer",
    "UInt32": "bigint",
    # Counters and ranks fit; a value past 2**63 - 1 fails the COPY loudly rather than wrapping.
    "UInt64": "bigint",
    "Float32": "real",
    "Float64": "double precision",
    "Bool": "boolean",
    "Date": "date",
    "Date32": "date",
}
_WRAPPERS = re.compile(r"^(Nullable|LowCardinality)\((.*)\)$")


def _unwrap(ch_type: str) -> str:
    while match := _WRAPPERS.match(ch_type):
        ch_type = match.group(2)
    return ch_type


def inferred_column(name: str, ch_type: str) -> Column:
    """The PostgreSQL column for a ClickHouse column, and the ClickHouse expression whose text
    PostgreSQL's text COPY reads as that type: DateTime in UTC with the fraction PostgreSQL
    expects, maps and tuples as JSON, arrays as PostgreSQL array literals."""
    check_pg_identifier(name)
    base = _unwrap(ch_type)
    source = quote_identifier(name)
    if base in _SCALARS:
        return Column(name, _SCALARS[base])
    if base in _AS_TEXT:
        return Column(name, _AS_TEXT[base], f"toString({source})")
    if base.startswith(("String", "FixedString", "Enum8", "Enum16")):
        expression = None if base == "String" else f"toString({source})"
        return Column(name, "text", expression)
    if base.startswith("DateTime64"):
        return Column(name, "timestamptz", f"toTimeZone({source}, 'UTC')")
    if base.startswith("DateTime"):
        return Column(name, "timestamptz", f"toDateTime64({source}, 0, 'UTC')")
    if base.startswith("Decimal"):
        precision = re.findall(r"\d+", base)
        return Column(name, f"numeric({', '.join(precision)})" if precision else "numeric")
    if base.startswith(("Map(", "Tuple(", "JSON", "Object(")):
        return Column(name, "jsonb", f"toJSONString({source})")
    if base.startswith("Array("):
        element = inferred_column(name, base[len("Array(") : -1])
        if element.expression is not None or element.pg_type == "jsonb":
            return Column(name, "jsonb", f"toJSONString({source})")
        return Column(name, f"{element.pg_type}[]", pg_array_expression(source))
    raise SpecError(f"column {name!r}: no PostgreSQL type for ClickHouse type {ch_type}")


def pg_array_expression(source: str) -> str:
    """ClickHouse renders arrays as [1,'a']; PostgreSQL's array input wants {"1","a"}: every
    element double-quoted (which PostgreSQL accepts for any element type) with double quotes and
    backslashes escaped by a backslash, NULL bare."""
    element = r"""concat('"', replaceRegexpAll(toString(x), '(["\\\\])', '\\\\\\1'), '"')"""
    return (
        "concat('{', arrayStringConcat(arrayMap("
        f"x -> if(isNull(x), 'NULL', {element}), {source}), ','), '}}')"
    )


def staging_name(target: str, token: str) -> str:
    return f"{target[:40]}__sync_{token}"


def primary_key_name(table: str) -> str:
    return f"{table}_pkey"[: contract.PG_MAX_IDENTIFIER]


def staging_index_name(staging: str, number: int) -> str:
    """The name an index has on the staging table, until the swap renames it."""
    return f"{staging}_i{number}"


def index_name(target: str, index: Index) -> str:
    return index.name or f"{target}_{'_'.join(index.columns)}_idx"[: contract.PG_MAX_IDENTIFIER]


_BYTEWISE = ' COLLATE "C"'


def create_table_sql(
    table: str,
    columns: tuple[Column, ...],
    not_null: tuple[str, ...] = (),
    *,
    primary_key: tuple[str, ...] = (),
    if_not_exists: bool = False,
) -> str:
    # Text sorts bytewise ("C") in serving tables: building their keys and indexes is most of a
    # sync after the copy, and a locale-aware sort of every key costs twice as much while
    # serving reads only compare for equality or order by numbers.
    body = ",\n    ".join(
        f"{quote_pg(c.name)} {c.pg_type}{_BYTEWISE if c.pg_type == 'text' else ''}"
        f"{' NOT NULL' if c.name in not_null else ''}"
        for c in columns
    )
    if primary_key:
        body += f",\n    PRIMARY KEY ({', '.join(quote_pg(c) for c in primary_key)})"
    create = "CREATE TABLE IF NOT EXISTS" if if_not_exists else "CREATE TABLE"
    return f"{create} {quote_pg(table)} (\n    {body}\n)"


def source_sql(
    spec: SyncSpec,
    columns: tuple[Column, ...],
    default_database: str,
    *,
    final: bool,
    block_rows: int,
) -> str:
    """The ClickHouse SELECT that yields the target's columns in order, in blocks of at most
    `block_rows` (a query-level setting, so the embedded engine still streams it)."""
    select = ", ".join(f"{c.select_expression()} AS {quote_identifier(c.name)}" for c in columns)
    if spec.source_table is not None:
        source = qualified_source(spec.source_table, default_database)
        source += " FINAL" if final else ""
    else:
        source = f"({(spec.source_query or '').strip().rstrip(';')})"
    if spec.partition_column is not None:
        # A sync of a partitioned target without a partition is refused before it reads.
        source += (
            f" WHERE {quote_identifier(spec.partition_column)} = "
            f"{quote_string(spec.partition or '')}"
        )
    order = ""
    if spec.primary_key:
        order = " ORDER BY " + ", ".join(quote_identifier(c) for c in spec.primary_key)
    return f"SELECT {select} FROM {source}{order} SETTINGS max_block_size = {block_rows}"


def spec_from_config(name: str, config: object) -> SyncSpec:
    """A TableSync's config (`contract.SyncConfig`, what the operator mounts as sync.yaml) as a
    sync with inferred columns."""
    try:
        parsed = contract.SyncConfig.model_validate(config)
    except ValidationError as exc:
        raise SpecError(f"{name}: bad sync config: {exc}") from None
    return SyncSpec(
        name=name,
        target=parsed.target.table,
        source_table=parsed.source.table,
        source_query=parsed.source.query,
        primary_key=tuple(parsed.target.primary_key),
        indexes=tuple(Index(tuple(columns)) for columns in parsed.target.indexes),
    )
