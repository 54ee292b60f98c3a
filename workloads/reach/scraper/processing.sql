-- The processing stage's writes, run by reach.scraper.processing. The account and post upserts
-- are generated from their declarations in reach.scraper.networks.

-- name: update_youtube_averages
-- Averages over the channel's stored videos (of the videos that show each count), after its
-- videos were refreshed, and the engagement rate of reach.common.metrics: NULL unless both
-- averages are known and the channel has subscribers. Its Shorts metrics are of its stored
-- Shorts: their views together (plays) and per Short (shorts_reach).
UPDATE youtube_account AS t SET
    avg_views = v.avg_views,
    avg_likes = v.avg_likes,
    avg_comments = v.avg_comments,
    plays = v.plays,
    shorts_reach = v.shorts_reach,
    engagement_rate = CASE WHEN t.subscribers > 0
        THEN round(((v.avg_likes + v.avg_comments) / t.subscribers * 100)::numeric, 4)::float8
        END,
    updated_at = now()
FROM (
    SELECT avg(views)::float8 AS avg_views, avg(likes)::float8 AS avg_likes,
           avg(comments)::float8 AS avg_comments,
           sum(views) FILTER (WHERE is_short)::bigint AS plays,
           round(avg(views) FILTER (WHERE is_short))::bigint AS shorts_reach
    FROM youtube_post WHERE channel_id = $1
) AS v
WHERE t.channel_id = $1
RETURNING t.avg_views, t.avg_likes, t.avg_comments, t.engagement_rate, t.subscribers;

-- name: insert_profile_log
INSERT INTO profile_log (platform, profile_id, dimensions, metrics, source)
VALUES ($1, $2, $3, $4, $5);

-- name: insert_post_logs
INSERT INTO post_log (platform, post_id, profile_id, dimensions, metrics, source)
SELECT $1, n.post_id, n.profile_id, n.dimensions, n.metrics, $2
FROM unnest($3::text[], $4::text[], $5::jsonb[], $6::jsonb[])
     AS n (post_id, profile_id, dimensions, metrics);

-- name: upsert_sentiments
INSERT INTO sentiment_log AS t
    (platform, post_id, comment_id, text, score, positive, negative, neutral)
SELECT $1, $2, n.comment_id, n.text, n.score, n.positive, n.negative, n.neutral
FROM unnest($3::text[], $4::text[], $5::float8[], $6::float8[], $7::float8[], $8::float8[])
     AS n (comment_id, text, score, positive, negative, neutral)
ON CONFLICT (platform, comment_id) DO UPDATE SET
    text = excluded.text,
    score = excluded.score,
    positive = excluded.positive,
    negative = excluded.negative,
    neutral = excluded.neutral;

-- name: upsert_asset
INSERT INTO asset_log AS t (
    platform, entity_type, entity_id, asset_type, source_url, storage_url, cdn_url,
    content_type, size_bytes, sha256)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (platform, entity_type, entity_id, asset_type) DO UPDATE SET
    source_url = excluded.source_url,
    storage_url = excluded.storage_url,
    cdn_url = excluded.cdn_url,
    content_type = excluded.content_type,
    size_bytes = excluded.size_bytes,
    sha256 = excluded.sha256,
    created_at = now();

-- name: instagram_account_by_handle
SELECT profile_id, handle, full_name, biography, category, followers, media_count
FROM instagram_account WHERE lower(handle) = lower($1);

-- name: instagram_post_by_shortcode
SELECT post_id, profile_id FROM instagram_post WHERE shortcode = $1;

-- name: instagram_post_by_id
SELECT * FROM instagram_post WHERE post_id = $1;
