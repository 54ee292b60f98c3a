-- The rest of the original app's event catalogue (catalogue_event and the tables of
-- grpc_event.dx, identity.dx, bigboss and two more beat.dx logs).
-- Generated from reach.ingest.tables (a test compares them): change the Python and
-- add a new migration; never edit this file once applied.

CREATE TABLE IF NOT EXISTS _e.`catalogue_event`
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
    `page_loaded` Tuple(page String, load_time_ms UInt32),
    `page_load_failed` Tuple(page String, error String, http_status UInt32),
    `app_start` Tuple(cold_start Bool, start_duration_ms UInt32),
    `session_id_change` Tuple(previous_session_id String, reason String),
    `notification_action` Tuple(notification_id String, campaign String, action String),
    `test_event` Tuple(note String),
    `widget_element_view` Tuple(widget_id String, element_id String, element_type String, page String, position UInt32),
    `widget_element_clicked` Tuple(widget_id String, element_id String, element_type String, page String, target_url String),
    `enter_product` Tuple(product_id String, source String, position UInt32),
    `enter_pwa_product_page` Tuple(product_id String, source String),
    `choose_product` Tuple(stream_id String, product_id String, variant_id String),
    `go_to_payments` Tuple(cart_id String, amount Float64, currency String),
    `purchase_failed` Tuple(order_id String, cart_id String, amount Float64, currency String, payment_method String, reason String),
    `stream_enter` Tuple(stream_id String, host_id String, source String),
    `social_stream_enter` Tuple(stream_id String, platform String, host_id String),
    `social_stream_action` Tuple(stream_id String, action String, value String),
    `host_action` Tuple(host_id String, stream_id String, action String),
    `affiliate_action` Tuple(affiliate_id String, action String, product_id String, link_id String),
    `phone_verification_initiate` Tuple(country_code String, method String),
    `phone_number_entered` Tuple(country_code String, is_valid Bool),
    `otp_verified` Tuple(method String, attempts UInt32, duration_ms UInt32),
    `initiate_review` Tuple(product_id String, order_id String),
    `enter_review_screen` Tuple(product_id String, source String),
    `submit_review` Tuple(product_id String, order_id String, rating UInt32, has_text Bool, image_count UInt32),
    `view_all_reviews` Tuple(product_id String, review_count UInt32),
    `expand_review_image` Tuple(product_id String, review_id String, image_index UInt32),
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (payload_type, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`launch_refer_event`
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
    `referrer_id` String,
    `referral_code` String,
    `campaign` LowCardinality(String),
    `link` String,
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (campaign, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`referral_event`
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
    `referrer_id` String,
    `referee_id` String,
    `referral_code` String,
    `status` LowCardinality(String),
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (referrer_id, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`create_user_account_event`
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
    `account_id` String,
    `signup_method` LowCardinality(String),
    `country_code` LowCardinality(String),
    `referral_code` String,
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`account_profile_complete_event`
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
    `account_id` String,
    `profile_type` LowCardinality(String),
    `completion_percent` UInt32,
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`bigboss_vote_log`
(
    `event_id` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `show_id` LowCardinality(String),
    `poll_id` String,
    `contestant_id` String,
    `votes` UInt32,
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (show_id, poll_id, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`order_log`
(
    `event_id` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `platform` LowCardinality(String),
    `order_id` String,
    `customer_id` String,
    `status` LowCardinality(String),
    `amount` Float64,
    `currency` LowCardinality(String),
    `item_count` UInt32,
    `dimensions` Map(String, String),
    `source` LowCardinality(String),
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (platform, order_id, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;

CREATE TABLE IF NOT EXISTS _e.`post_activity_log`
(
    `event_id` String,
    `event_timestamp` DateTime64(3, 'UTC'),
    `platform` LowCardinality(String),
    `post_id` String,
    `profile_id` String,
    `activity_type` LowCardinality(String),
    `actor_profile_id` String,
    `actor_handle` String,
    `text` String,
    `source` LowCardinality(String),
    `insert_timestamp` DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(insert_timestamp)
PARTITION BY toYYYYMM(event_timestamp)
ORDER BY (platform, post_id, event_timestamp, event_id)
SETTINGS non_replicated_deduplication_window = 1000;
