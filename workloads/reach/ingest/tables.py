"""The ClickHouse tables of raw events in `_e`, each declared once, and the SQL made from them.

Every column says which field of an `Event` fills it, so one declaration gives the table's DDL
(for `reach db migrate`, whose migrations 0002_events.sql and 0004_event_catalogue.sql must equal
`render_migration(2)` and `render_migration(4)`, and for the operator's EventSink, which adds
`ON CLUSTER` and a replicated engine) and the INSERT a sink runs: ClickHouse reads the
published protobuf bodies itself (`ProtobufList` over `events.proto`) and this module's SELECT
maps their fields to columns, so no event passes through Python.

All tables are ReplacingMergeTree(insert_timestamp) with event_id last in the sorting key, so a
redelivered event collapses into one row; queries that count read them with FINAL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from google.protobuf.descriptor import FieldDescriptor

from reach.common.clickhouse_sql import quote_identifier
from reach.common.events import events_pb2 as pb
from reach.ingest.routing import CATALOGUE_APP

DATABASE = "_e"
TIMESTAMP = "DateTime64(3, 'UTC')"
LC = "LowCardinality(String)"

# The ClickHouse migrations made from these declarations, by version: each creates the tables
# that came with it (a table's columns never change once released).
MIGRATIONS = {
    2: "0002_events.sql",
    4: "0004_event_catalogue.sql",
    5: "0005_youtube_catalogue_events.sql",
}
FIRST = min(MIGRATIONS)


@dataclass(frozen=True)
class Column:
    """A stored column. `source` is the Event field path ClickHouse reads it from (None: the
    DDL `default` fills it); `read_as` the type that field is read as when it differs from the
    column's; `convert` the expression, over the read field, that gives the column's value."""

    name: str
    type: str
    source: str | None = None
    read_as: str | None = None
    convert: str = "{}"
    default: str | None = None

    def ddl(self) -> str:
        default = f" DEFAULT {self.default}" if self.default else ""
        return f"{quote_identifier(self.name)} {self.type}{default}"

    def input_field(self) -> str:
        assert self.source is not None
        read_as = self.read_as
        if read_as is None:
            # Protobuf fields are read as plain types; LowCardinality is a storage choice.
            lc = self.type.startswith("LowCardinality(")
            read_as = self.type[len("LowCardinality(") : -1] if lc else self.type
        return f"{quote_identifier(self.source)} {read_as}"

    def select(self) -> str:
        assert self.source is not None
        return self.convert.format(quote_identifier(self.source))


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    order_by: tuple[str, ...]
    version: str = "insert_timestamp"
    partition_by: str = "toYYYYMM(event_timestamp)"
    since: int = FIRST  # the migration (MIGRATIONS) that creates it

    @property
    def read_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.source is not None)

    def create_sql(
        self, database: str = DATABASE, *, on_cluster: str | None = None, replicated: bool = False
    ) -> str:
        """`CREATE TABLE IF NOT EXISTS`; a cluster gets `ON CLUSTER` and the replicated engine
        (replica paths from the server's default_replica_path/name macros)."""
        cluster = f" ON CLUSTER {quote_identifier(on_cluster)}" if on_cluster else ""
        engine = "ReplicatedReplacingMergeTree" if replicated else "ReplacingMergeTree"
        # Replicated tables deduplicate insert tokens by default; plain MergeTree needs a window.
        settings = "" if replicated else "\nSETTINGS non_replicated_deduplication_window = 1000"
        columns = ",\n".join(f"    {c.ddl()}" for c in self.columns)
        return (
            f"CREATE TABLE IF NOT EXISTS {database}.{quote_identifier(self.name)}{cluster}\n"
            f"(\n{columns}\n)\n"
            f"ENGINE = {engine}({self.version})\n"
            f"PARTITION BY {self.partition_by}\n"
            f"ORDER BY ({', '.join(self.order_by)}){settings}"
        )

    def input_structure(self) -> str:
        """The fields ClickHouse reads from each protobuf `Event`, as a table structure."""
        return ", ".join(dict.fromkeys(c.input_field() for c in self.read_columns))

    def insert_select(self, source: str, database: str = DATABASE) -> str:
        """INSERT of the rows `source` (a `file(...)` or `input(...)` call) yields."""
        names = ", ".join(quote_identifier(c.name) for c in self.read_columns)
        values = ", ".join(c.select() for c in self.read_columns)
        return (
            f"INSERT INTO {database}.{quote_identifier(self.name)} ({names}) "
            f"SELECT {values} FROM {source}"
        )


def _col(payload: str, name: str, type_: str = "String") -> Column:
    return Column(name, type_, f"{payload}.{name}")


def _cols(payload: str, *specs: str) -> tuple[Column, ...]:
    """Columns named as `payload`'s fields; a spec is `name` (String) or `name:Type`."""
    out = []
    for spec in specs:
        name, _, type_ = spec.partition(":")
        out.append(_col(payload, name, type_ or "String"))
    return tuple(out)


_PROTO_TYPES = {
    FieldDescriptor.TYPE_STRING: "String",
    FieldDescriptor.TYPE_BYTES: "String",
    FieldDescriptor.TYPE_BOOL: "Bool",
    FieldDescriptor.TYPE_UINT32: "UInt32",
    FieldDescriptor.TYPE_INT64: "Int64",
    FieldDescriptor.TYPE_DOUBLE: "Float64",
}


def _proto_type(field: FieldDescriptor) -> str:
    message = field.message_type
    if message is not None and message.GetOptions().map_entry:
        key, value = (_proto_type(message.fields_by_name[n]) for n in ("key", "value"))
        return f"Map({key}, {value})"
    if field.label == FieldDescriptor.LABEL_REPEATED:
        return f"Array({_PROTO_TYPES[field.type]})"
    return _PROTO_TYPES[field.type]


def _payload_fields(payload: str) -> tuple[FieldDescriptor, ...]:
    return tuple(pb.Event.DESCRIPTOR.fields_by_name[payload].message_type.fields)


def _columns_of(payload: str, *low_cardinality: str) -> tuple[Column, ...]:
    """A column per field of `payload`, typed as events.proto types it; the fields named in
    `low_cardinality` (strings with few values) stored as LowCardinality."""
    return tuple(
        _col(payload, f.name, LC if f.name in low_cardinality else _proto_type(f))
        for f in _payload_fields(payload)
    )


_EVENT_ID = Column("event_id", "String", "event_id")
_EVENT_TIMESTAMP = Column(
    "event_timestamp", TIMESTAMP, "timestamp_ms", "Int64", "fromUnixTimestamp64Milli({}, 'UTC')"
)
_INSERT_TIMESTAMP = Column("insert_timestamp", TIMESTAMP, default="now64(3)")

# What every app event carries (the Event envelope).
_ENVELOPE = (
    _EVENT_ID,
    Column("event_name", "String", "name"),
    _EVENT_TIMESTAMP,
    Column("session_id", "String", "session_id"),
    Column("user_id", "String", "user_id"),
    Column("device_id", "String", "device_id"),
    Column("channel", LC, "channel"),
    Column("os", LC, "os"),
    Column("app_version", LC, "app_version"),
    Column("utm_source", "String", "utm_source"),
    Column("utm_medium", "String", "utm_medium"),
    Column("utm_campaign", "String", "utm_campaign"),
    Column("utm_term", "String", "utm_term"),
    Column("utm_content", "String", "utm_content"),
    Column("params", "Map(String, String)", "params"),
)


def _app_table(
    name: str, payload: Iterable[Column], order_by: tuple[str, ...], since: int = FIRST
) -> Table:
    return Table(
        name, (*_ENVELOPE, *payload, _INSERT_TIMESTAMP), (*order_by, "event_id"), since=since
    )


def _log_table(
    name: str, payload: Iterable[Column], order_by: tuple[str, ...], since: int = FIRST
) -> Table:
    columns = (_EVENT_ID, _EVENT_TIMESTAMP, *payload, _INSERT_TIMESTAMP)
    return Table(name, columns, (*order_by, "event_id"), since=since)


def _tuple(payload: str, fields: str) -> Column:
    """A payload kept whole in one named-tuple column (ClickHouse reads the nested message)."""
    type_ = f"Tuple({fields})"
    return Column(payload, type_, payload)


def _tuple_of(payload: str) -> Column:
    """`_tuple` with the fields and types events.proto gives the payload."""
    fields = ", ".join(f"{f.name} {_proto_type(f)}" for f in _payload_fields(payload))
    return _tuple(payload, fields)


_GENERIC_PAYLOADS = (
    _tuple("launch", "is_first_launch Bool, referrer String"),
    _tuple("page_opened", "page String, previous_page String, source String"),
    _tuple("widget_view", "widget_id String, widget_type String, page String, position UInt32"),
    _tuple(
        "widget_cta_click",
        "widget_id String, widget_type String, page String, cta String, target_url String",
    ),
    _tuple(
        "add_to_cart",
        "product_id String, variant_id String, quantity UInt32, price Float64, currency String",
    ),
    _tuple(
        "initiate_purchase", "cart_id String, item_count UInt32, amount Float64, currency String"
    ),
    _tuple(
        "complete_purchase",
        "order_id String, cart_id String, amount Float64, currency String, payment_method String",
    ),
    _tuple("streaming", "stream_id String, action String, position_s UInt32, watched_s UInt32"),
    _tuple("verification", "method String, status String, reason String"),
)
_PAYLOAD_TYPE = Column("payload_type", LC, "payload_type")
# Migration 0005: the YouTube catalogue flows' logs (`routing.YOUTUBE_CATALOGUE_LOGS`), each a
# column per field: its low-cardinality fields beside `source`, and its sorting key.
_YOUTUBE_CATALOGUE: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "youtube_playlist_log": (("privacy_status",), ("channel_id", "playlist_id")),
    "youtube_playlist_item_log": ((), ("playlist_id", "video_id")),
    "youtube_video_category_log": (("region",), ("region", "category_id")),
    "youtube_channel_section_log": (("section_type",), ("channel_id", "section_id")),
}

TABLES: Mapping[str, Table] = MappingProxyType(
    {
        t.name: t
        for t in (
            _app_table(
                "event",
                (_PAYLOAD_TYPE, *_GENERIC_PAYLOADS),
                ("payload_type", "event_timestamp"),
            ),
            _app_table(
                "click_event",
                _cols("click", "page", "element", "action", "target", "x:UInt32", "y:UInt32"),
                ("page", "event_timestamp"),
            ),
            _app_table(
                "app_init_event",
                _cols(
                    "app_init",
                    f"device_model:{LC}",
                    f"os_version:{LC}",
                    f"locale:{LC}",
                    "screen_width:UInt32",
                    "screen_height:UInt32",
                    "init_duration_ms:UInt32",
                ),
                ("event_timestamp",),
            ),
            _app_table(
                "ab_assignment",
                _cols("ab_assignment", f"experiment:{LC}", f"variant:{LC}", "unit_id"),
                ("experiment", "variant", "event_timestamp"),
            ),
            _app_table(
                "entity_metric",
                _cols(
                    "entity_metric",
                    f"entity_type:{LC}",
                    "entity_id",
                    f"metric:{LC}",
                    "value:Float64",
                ),
                ("entity_type", "entity_id", "metric", "event_timestamp"),
            ),
            _app_table(
                "activity_tracker",
                _cols(
                    "activity_tracker",
                    "partner_id",
                    f"activity_type:{LC}",
                    f"entity_type:{LC}",
                    "entity_id",
                ),
                ("partner_id", "event_timestamp"),
            ),
            _app_table(
                "affiliate_order",
                _cols(
                    "affiliate_order",
                    "order_id",
                    "affiliate_id",
                    "product_id",
                    "amount:Float64",
                    f"currency:{LC}",
                    "commission:Float64",
                    f"status:{LC}",
                ),
                ("affiliate_id", "event_timestamp"),
            ),
            _app_table(
                "graphy_event",
                _cols(
                    "graphy",
                    f"event_type:{LC}",
                    "learner_id",
                    "course_id",
                    "amount:Float64",
                    f"currency:{LC}",
                ),
                ("event_type", "event_timestamp"),
            ),
            _log_table(
                "branch_event",
                _cols(
                    "branch",
                    f"event_name:{LC}",
                    "developer_identity",
                    f"os:{LC}",
                    "campaign",
                    f"channel:{LC}",
                    f"feature:{LC}",
                    f"country:{LC}",
                    "city",
                    "body",
                ),
                ("event_name", "event_timestamp"),
            ),
            _log_table(
                "webengage_event",
                _cols(
                    "webengage",
                    "user_id",
                    f"event_name:{LC}",
                    "event_data:Map(String, String)",
                    "body",
                ),
                ("event_name", "event_timestamp"),
            ),
            _log_table(
                "shopify_event",
                _cols(
                    "shopify",
                    f"topic:{LC}",
                    f"shop_domain:{LC}",
                    "webhook_id",
                    "order_id",
                    "total_price:Float64",
                    f"currency:{LC}",
                    "body",
                ),
                ("topic", "event_timestamp"),
            ),
            _log_table(
                "vidooly_event",
                _cols("vidooly", f"event_name:{LC}", "channel_id", "video_id", "body"),
                ("event_name", "event_timestamp"),
            ),
            _app_table(
                "error_event",
                (
                    Column("payload_type", LC, "rejected.payload_type"),
                    Column("reason", "String", "rejected.reason"),
                    Column("original", "String", "rejected.original"),
                ),
                ("event_timestamp",),
            ),
            _log_table(
                "profile_log",
                _cols(
                    "profile_log",
                    f"platform:{LC}",
                    "profile_id",
                    "handle",
                    "dimensions:Map(String, String)",
                    "metrics:Map(String, Float64)",
                    f"source:{LC}",
                ),
                ("platform", "profile_id", "event_timestamp"),
            ),
            _log_table(
                "post_log_event",
                _cols(
                    "post_log",
                    f"platform:{LC}",
                    "post_id",
                    "profile_id",
                    "shortcode",
                    "dimensions:Map(String, String)",
                    "metrics:Map(String, Float64)",
                    f"source:{LC}",
                ),
                ("platform", "post_id", "event_timestamp"),
            ),
            _log_table(
                "asset_log",
                _cols(
                    "asset_log",
                    f"platform:{LC}",
                    f"entity_type:{LC}",
                    "entity_id",
                    f"asset_type:{LC}",
                    "source_url",
                    "storage_url",
                    f"content_type:{LC}",
                    "size_bytes:Int64",
                    "sha256",
                ),
                ("platform", "entity_type", "entity_id", "event_timestamp"),
            ),
            _log_table(
                "sentiment_log",
                _cols(
                    "sentiment_log",
                    f"platform:{LC}",
                    "post_id",
                    "comment_id",
                    "text",
                    "score:Float64",
                    "positive:Float64",
                    "negative:Float64",
                    "neutral:Float64",
                ),
                ("platform", "post_id", "event_timestamp"),
            ),
            _log_table(
                "scrape_request_log",
                _cols(
                    "scrape_request_log",
                    "task_id:Int64",
                    f"flow:{LC}",
                    f"status:{LC}",
                    f"source:{LC}",
                    "retry_count:UInt32",
                    "error",
                    "duration_ms:UInt32",
                ),
                ("flow", "event_timestamp"),
            ),
            _log_table(
                "trace_log",
                _cols(
                    "trace_log",
                    f"host_name:{LC}",
                    f"service_name:{LC}",
                    f"method:{LC}",
                    "path",
                    "status_code:UInt32",
                    "time_taken_ms:UInt32",
                ),
                ("service_name", "event_timestamp"),
            ),
            _log_table(
                "profile_relationship_log",
                _cols(
                    "profile_relationship_log",
                    f"platform:{LC}",
                    "source_profile_id",
                    "target_profile_id",
                    "target_handle",
                    "target_full_name",
                    f"relationship_type:{LC}",
                    f"source:{LC}",
                ),
                ("platform", "source_profile_id", "target_profile_id"),
            ),
            # Migration 0004: the rest of the original catalogue's tables. A column costs every
            # insert into its table, even left empty (26 more made `event`'s inserts ~2x slower), so
            # the catalogue's app events share a table of `event`'s shape of their own.
            _app_table(
                "catalogue_event",
                (_PAYLOAD_TYPE, *(_tuple_of(p) for p in CATALOGUE_APP)),
                ("payload_type", "event_timestamp"),
                since=4,
            ),
            _app_table(
                "launch_refer_event",
                _columns_of("launch_refer", "campaign"),
                ("campaign", "event_timestamp"),
                since=4,
            ),
            _app_table(
                "referral_event",
                _columns_of("referral", "status"),
                ("referrer_id", "event_timestamp"),
                since=4,
            ),
            _app_table(
                "create_user_account_event",
                _columns_of("create_user_account", "signup_method", "country_code"),
                ("event_timestamp",),
                since=4,
            ),
            _app_table(
                "account_profile_complete_event",
                _columns_of("account_profile_complete", "profile_type"),
                ("event_timestamp",),
                since=4,
            ),
            _log_table(
                "bigboss_vote_log",
                _columns_of("bigboss_vote", "show_id"),
                ("show_id", "poll_id", "event_timestamp"),
                since=4,
            ),
            _log_table(
                "order_log",
                _columns_of("order_log", "platform", "status", "currency", "source"),
                ("platform", "order_id", "event_timestamp"),
                since=4,
            ),
            _log_table(
                "post_activity_log",
                _columns_of("post_activity_log", "platform", "activity_type", "source"),
                ("platform", "post_id", "event_timestamp"),
                since=4,
            ),
            *(
                _log_table(log, _columns_of(log, "source", *lc), (*key, "event_timestamp"), since=5)
                for log, (lc, key) in _YOUTUBE_CATALOGUE.items()
            ),
        )
    }
)


_SUMMARIES = {
    2: "-- Raw event tables in _e, one per event family, written by the ingestion sinks.\n",
    4: (
        "-- The rest of the original app's event catalogue (catalogue_event and the tables of\n"
        "-- grpc_event.dx, identity.dx, bigboss and two more beat.dx logs).\n"
    ),
    5: "-- The YouTube catalogue flows' logs on beat.dx: playlists, their items, video\n"
    "-- categories and channel sections.\n",
}


def render_migration(version: int) -> str:
    """The text of ClickHouse migration MIGRATIONS[version]: the tables it created, in
    declaration order."""
    header = _SUMMARIES[version] + (
        "-- Generated from reach.ingest.tables (a test compares them): change the Python and\n"
        "-- add a new migration; never edit this file once applied.\n"
    )
    tables = [t for t in TABLES.values() if t.since == version]
    return header + "".join(f"\n{t.create_sql()};\n" for t in tables)
