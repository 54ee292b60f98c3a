-- The YouTube catalogue flows' logs on beat.dx: playlists, their items, video
-- categories and channel sections.
-- Generated from reach.ingest.tables (a test compares them): change the Python and
-- add a new migration; never edit this file once applied.

CREATE TABLE IF NOT EXISTS _e.`youtube_playlist_log`
(
    `event_id` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `playlist_id` String,
    `channel_id` String,
    `title` String,
    `description` String,
    `item_count` Int64,
    `privacy_status` LowCardinality(String),
    `thumbnail_url` String,
    `publish_time_ms` Int64,
    `source` LowCardinality(String),
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (channel_id, playlist_id, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`youtube_playlist_item_log`
(
    `event_id` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `playlist_id` String,
    `video_id` String,
    `item_id` String,
    `position` Int64,
    `video_published_at_ms` Int64,
    `source` LowCardinality(String),
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (playlist_id, video_id, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`youtube_video_category_log`
(
    `event_id` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `region` LowCardinality(String),
    `category_id` String,
    `title` String,
    `assignable` Bool,
    `source` LowCardinality(String),
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (region, category_id, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`youtube_channel_section_log`
(
    `event_id` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `section_id` String,
    `channel_id` String,
    `section_type` LowCardinality(String),
    `title` String,
    `position` Int64,
    `playlist_ids` Array(String),
    `channel_ids` Array(String),
    `source` LowCardinality(String),
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (channel_id, section_id, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;
