-- Follower authenticity results, one row per (analysis, creator, follower), written by
-- `reach followers score` and read by the FollowerAnalysis status and the dbt mart. A rerun of
-- a shard deletes that shard's rows first; FINAL collapses any duplicate left before a merge.

CREATE TABLE IF NOT EXISTS _e.`follower_score`
(
    `analysis` String,
    `platform` LowCardinality(String),
    `source_profile_id` String,
    `follower_profile_id` String,
    `follower_handle` String,
    `follower_name` String,
    `fake_class` Float32,
    `score` Float32,
    `reasons` Array(LowCardinality(String)),
    `non_indic_script` UInt8,
    `digit_count` UInt8,
    `handle_name_correlation` UInt8,
    `similarity` UInt8,
    `indian_name_score` UInt8,
    `scored_at` DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(scored_at)
ORDER BY (analysis, source_profile_id, follower_profile_id);
