-- Raw event tables in _e, one per event family, written by the ingestion sinks.
-- Generated from reach.ingest.tables (a test compares them): change the Python and
-- add a new migration; never edit this file once applied.

CREATE TABLE IF NOT EXISTS _e.`event`
(
    `event_id` String,
    `event_name` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `session_id` String,
    `user_id` String,
    `device_id` String,
    `channel` LowCardinality(String),
    `os` LowCardinality(String),
    `app_version` LowCardinality(String),
    `utm_source` String,
    `utm_medium` String,
    `utm_campaign` String,
    `utm_term` String,
    `utm_content` String,
    `params` Map(String, String),
    `payload_type` LowCardinality(String),
    `launch` Tuple(is_first_launch Bool, referrer String),
    `page_opened` Tuple(page String, previous_page String, source String),
    `widget_view` Tuple(widget_id String, widget_type String, page String, position UInt32),
    `widget_cta_click` Tuple(widget_id String, widget_type String, page String, cta String, target_url String),
    `add_to_cart` Tuple(product_id String, variant_id String, quantity UInt32, price Float64, currency String),
    `initiate_purchase` Tuple(cart_id String, item_count UInt32, amount Float64, currency String),
    `complete_purchase` Tuple(order_id String, cart_id String, amount Float64, currency String, payment_method String),
    `streaming` Tuple(stream_id String, action String, position_s UInt32, watched_s UInt32),
    `verification` Tuple(method String, status String, reason String),
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (payload_type, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`click_event`
(
    `event_id` String,
    `event_name` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `session_id` String,
    `user_id` String,
    `device_id` String,
    `channel` LowCardinality(String),
    `os` LowCardinality(String),
    `app_version` LowCardinality(String),
    `utm_source` String,
    `utm_medium` String,
    `utm_campaign` String,
    `utm_term` String,
    `utm_content` String,
    `params` Map(String, String),
    `page` String,
    `element` String,
    `action` String,
    `target` String,
    `x` UInt32,
    `y` UInt32,
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (page, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`app_init_event`
(
    `event_id` String,
    `event_name` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `session_id` String,
    `user_id` String,
    `device_id` String,
    `channel` LowCardinality(String),
    `os` LowCardinality(String),
    `app_version` LowCardinality(String),
    `utm_source` String,
    `utm_medium` String,
    `utm_campaign` String,
    `utm_term` String,
    `utm_content` String,
    `params` Map(String, String),
    `device_model` LowCardinality(String),
    `os_version` LowCardinality(String),
    `locale` LowCardinality(String),
    `screen_width` UInt32,
    `screen_height` UInt32,
    `init_duration_ms` UInt32,
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`ab_assignment`
(
    `event_id` String,
    `event_name` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `session_id` String,
    `user_id` String,
    `device_id` String,
    `channel` LowCardinality(String),
    `os` LowCardinality(String),
    `app_version` LowCardinality(String),
    `utm_source` String,
    `utm_medium` String,
    `utm_campaign` String,
    `utm_term` String,
    `utm_content` String,
    `params` Map(String, String),
    `experiment` LowCardinality(String),
    `variant` LowCardinality(String),
    `unit_id` String,
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (experiment, variant, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`entity_metric`
(
    `event_id` String,
    `event_name` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `session_id` String,
    `user_id` String,
    `device_id` String,
    `channel` LowCardinality(String),
    `os` LowCardinality(String),
    `app_version` LowCardinality(String),
    `utm_source` String,
    `utm_medium` String,
    `utm_campaign` String,
    `utm_term` String,
    `utm_content` String,
    `params` Map(String, String),
    `entity_type` LowCardinality(String),
    `entity_id` String,
    `metric` LowCardinality(String),
    `value` Float64,
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (entity_type, entity_id, metric, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`activity_tracker`
(
    `event_id` String,
    `event_name` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `session_id` String,
    `user_id` String,
    `device_id` String,
    `channel` LowCardinality(String),
    `os` LowCardinality(String),
    `app_version` LowCardinality(String),
    `utm_source` String,
    `utm_medium` String,
    `utm_campaign` String,
    `utm_term` String,
    `utm_content` String,
    `params` Map(String, String),
    `partner_id` String,
    `activity_type` LowCardinality(String),
    `entity_type` LowCardinality(String),
    `entity_id` String,
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (partner_id, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`affiliate_order`
(
    `event_id` String,
    `event_name` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `session_id` String,
    `user_id` String,
    `device_id` String,
    `channel` LowCardinality(String),
    `os` LowCardinality(String),
    `app_version` LowCardinality(String),
    `utm_source` String,
    `utm_medium` String,
    `utm_campaign` String,
    `utm_term` String,
    `utm_content` String,
    `params` Map(String, String),
    `order_id` String,
    `affiliate_id` String,
    `product_id` String,
    `amount` Float64,
    `currency` LowCardinality(String),
    `commission` Float64,
    `status` LowCardinality(String),
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (affiliate_id, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`graphy_event`
(
    `event_id` String,
    `event_name` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `session_id` String,
    `user_id` String,
    `device_id` String,
    `channel` LowCardinality(String),
    `os` LowCardinality(String),
    `app_version` LowCardinality(String),
    `utm_source` String,
    `utm_medium` String,
    `utm_campaign` String,
    `utm_term` String,
    `utm_content` String,
    `params` Map(String, String),
    `event_type` LowCardinality(String),
    `learner_id` String,
    `course_id` String,
    `amount` Float64,
    `currency` LowCardinality(String),
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (event_type, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`branch_event`
(
    `event_id` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `event_name` LowCardinality(String),
    `developer_identity` String,
    `os` LowCardinality(String),
    `campaign` String,
    `channel` LowCardinality(String),
    `feature` LowCardinality(String),
    `country` LowCardinality(String),
    `city` String,
    `body` String,
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (event_name, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`webengage_event`
(
    `event_id` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `user_id` String,
    `event_name` LowCardinality(String),
    `event_data` Map(String, String),
    `body` String,
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (event_name, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`shopify_event`
(
    `event_id` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `topic` LowCardinality(String),
    `shop_domain` LowCardinality(String),
    `webhook_id` String,
    `order_id` String,
    `total_price` Float64,
    `currency` LowCardinality(String),
    `body` String,
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (topic, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`vidooly_event`
(
    `event_id` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `event_name` LowCardinality(String),
    `channel_id` String,
    `video_id` String,
    `body` String,
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (event_name, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`error_event`
(
    `event_id` String,
    `event_name` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `session_id` String,
    `user_id` String,
    `device_id` String,
    `channel` LowCardinality(String),
    `os` LowCardinality(String),
    `app_version` LowCardinality(String),
    `utm_source` String,
    `utm_medium` String,
    `utm_campaign` String,
    `utm_term` String,
    `utm_content` String,
    `params` Map(String, String),
    `payload_type` LowCardinality(String),
    `reason` String,
    `original` String,
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`profile_log`
(
    `event_id` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `platform` LowCardinality(String),
    `profile_id` String,
    `handle` String,
    `dimensions` Map(String, String),
    `metrics` Map(String, Float64),
    `source` LowCardinality(String),
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (platform, profile_id, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`post_log_event`
(
    `event_id` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `platform` LowCardinality(String),
    `post_id` String,
    `profile_id` String,
    `shortcode` String,
    `dimensions` Map(String, String),
    `metrics` Map(String, Float64),
    `source` LowCardinality(String),
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (platform, post_id, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`asset_log`
(
    `event_id` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `platform` LowCardinality(String),
    `entity_type` LowCardinality(String),
    `entity_id` String,
    `asset_type` LowCardinality(String),
    `source_url` String,
    `storage_url` String,
    `content_type` LowCardinality(String),
    `size_bytes` Int64,
    `sha256` String,
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (platform, entity_type, entity_id, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`sentiment_log`
(
    `event_id` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `platform` LowCardinality(String),
    `post_id` String,
    `comment_id` String,
    `text` String,
    `score` Float64,
    `positive` Float64,
    `negative` Float64,
    `neutral` Float64,
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (platform, post_id, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`scrape_request_log`
(
    `event_id` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `task_id` Int64,
    `flow` LowCardinality(String),
    `status` LowCardinality(String),
    `source` LowCardinality(String),
    `retry_count` UInt32,
    `error` String,
    `duration_ms` UInt32,
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (flow, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`trace_log`
(
    `event_id` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `host_name` LowCardinality(String),
    `service_name` LowCardinality(String),
    `method` LowCardinality(String),
    `path` String,
    `status_code` UInt32,
    `time_taken_ms` UInt32,
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (service_name, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`profile_relationship_log`
(
    `event_id` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `platform` LowCardinality(String),
    `source_profile_id` String,
    `target_profile_id` String,
    `target_handle` String,
    `target_full_name` String,
    `relationship_type` LowCardinality(String),
    `source` LowCardinality(String),
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (platform, source_profile_id, target_profile_id, event_id)
SETTINGS non_replicated_deduplication_window = 1000;
