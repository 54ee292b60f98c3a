-- The processing stage's writes, run by reach.scraper.processing. Upserts keep what a source
-- did not say (coalesce with the stored value): a fallback source that lacks a field must not
-- erase what a richer source found earlier.

-- name: free_instagram_handle
-- Handles move between accounts (renames); the account that held handle $2 before profile $1
-- took it gets a placeholder until its own refresh says its new handle.
UPDATE instagram_account
SET handle = handle || '#moved-' || profile_id, updated_at = now()
WHERE lower(handle) = lower($2) AND profile_id <> $1;

-- name: upsert_instagram_account
INSERT INTO instagram_account AS t (
    profile_id, handle, full_name, biography, category, followers, following, media_count,
    avg_likes, avg_comments, engagement_rate, is_verified, is_business, is_private,
    profile_pic_url, external_url, source, refreshed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, now())
ON CONFLICT (profile_id) DO UPDATE SET
    handle = excluded.handle,
    full_name = coalesce(excluded.full_name, t.full_name),
    biography = coalesce(excluded.biography, t.biography),
    category = coalesce(excluded.category, t.category),
    followers = coalesce(excluded.followers, t.followers),
    following = coalesce(excluded.following, t.following),
    media_count = coalesce(excluded.media_count, t.media_count),
    avg_likes = coalesce(excluded.avg_likes, t.avg_likes),
    avg_comments = coalesce(excluded.avg_comments, t.avg_comments),
    engagement_rate = coalesce(excluded.engagement_rate, t.engagement_rate),
    is_verified = excluded.is_verified,
    is_business = excluded.is_business,
    is_private = excluded.is_private,
    profile_pic_url = coalesce(excluded.profile_pic_url, t.profile_pic_url),
    external_url = coalesce(excluded.external_url, t.external_url),
    source = excluded.source,
    refreshed_at = now(),
    updated_at = now()
RETURNING id;

-- name: upsert_instagram_posts
-- Arrays of posts; hashtags come as JSON texts, since an array of arrays would be read as one
-- two-dimensional array.
INSERT INTO instagram_post AS t (
    post_id, shortcode, profile_id, post_type, caption, hashtags, likes, comments, plays, views,
    thumbnail_url, display_url, publish_time, source)
SELECT n.post_id, n.shortcode, n.profile_id, n.post_type, n.caption,
       ARRAY(SELECT jsonb_array_elements_text(n.hashtags::jsonb)), n.likes, n.comments, n.plays,
       n.views, n.thumbnail_url, n.display_url, n.publish_time, $14
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
            $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::text[], $12::text[],
            $13::timestamptz[])
     AS n (post_id, shortcode, profile_id, post_type, caption, hashtags, likes, comments,
           plays, views, thumbnail_url, display_url, publish_time)
ON CONFLICT (post_id) DO UPDATE SET
    shortcode = excluded.shortcode,
    post_type = coalesce(excluded.post_type, t.post_type),
    caption = coalesce(excluded.caption, t.caption),
    hashtags = excluded.hashtags,
    likes = coalesce(excluded.likes, t.likes),
    comments = coalesce(excluded.comments, t.comments),
    plays = coalesce(excluded.plays, t.plays),
    views = coalesce(excluded.views, t.views),
    thumbnail_url = coalesce(excluded.thumbnail_url, t.thumbnail_url),
    display_url = coalesce(excluded.display_url, t.display_url),
    publish_time = coalesce(excluded.publish_time, t.publish_time),
    source = excluded.source,
    updated_at = now();

-- name: free_youtube_handle
UPDATE youtube_account
SET handle = handle || '#moved-' || channel_id, updated_at = now()
WHERE lower(handle) = lower($2) AND channel_id <> $1;

-- name: upsert_youtube_account
INSERT INTO youtube_account AS t (
    channel_id, handle, title, description, country, subscribers, total_views, video_count,
    uploads_playlist_id, thumbnail_url, source, refreshed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
ON CONFLICT (channel_id) DO UPDATE SET
    handle = coalesce(excluded.handle, t.handle),
    title = coalesce(excluded.title, t.title),
    description = coalesce(excluded.description, t.description),
    country = coalesce(excluded.country, t.country),
    subscribers = coalesce(excluded.subscribers, t.subscribers),
    total_views = coalesce(excluded.total_views, t.total_views),
    video_count = coalesce(excluded.video_count, t.video_count),
    uploads_playlist_id = coalesce(excluded.uploads_playlist_id, t.uploads_playlist_id),
    thumbnail_url = coalesce(excluded.thumbnail_url, t.thumbnail_url),
    source = excluded.source,
    refreshed_at = now(),
    updated_at = now()
RETURNING id;

-- name: update_youtube_averages
-- Averages over the channel's stored videos, after its videos were refreshed.
UPDATE youtube_account AS t SET
    avg_views = v.avg_views,
    avg_likes = v.avg_likes,
    avg_comments = v.avg_comments,
    engagement_rate = CASE WHEN t.subscribers > 0
        THEN round(((v.avg_likes + v.avg_comments) / t.subscribers * 100)::numeric, 4)::float8
        END,
    updated_at = now()
FROM (
    SELECT avg(views)::float8 AS avg_views, coalesce(avg(likes), 0)::float8 AS avg_likes,
           coalesce(avg(comments), 0)::float8 AS avg_comments
    FROM youtube_post WHERE channel_id = $1
) AS v
WHERE t.channel_id = $1
RETURNING t.avg_views, t.avg_likes, t.avg_comments, t.engagement_rate, t.subscribers;

-- name: upsert_youtube_posts
INSERT INTO youtube_post AS t (
    video_id, channel_id, title, description, tags, category_id, duration_s, is_short, views,
    likes, comments, thumbnail_url, publish_time, source)
SELECT n.video_id, n.channel_id, n.title, n.description,
       ARRAY(SELECT jsonb_array_elements_text(n.tags::jsonb)), n.category_id, n.duration_s,
       n.is_short, n.views, n.likes, n.comments, n.thumbnail_url, n.publish_time, $14
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
            $7::integer[], $8::boolean[], $9::bigint[], $10::bigint[], $11::bigint[],
            $12::text[], $13::timestamptz[])
     AS n (video_id, channel_id, title, description, tags, category_id, duration_s, is_short,
           views, likes, comments, thumbnail_url, publish_time)
ON CONFLICT (video_id) DO UPDATE SET
    title = coalesce(excluded.title, t.title),
    description = coalesce(excluded.description, t.description),
    tags = excluded.tags,
    category_id = coalesce(excluded.category_id, t.category_id),
    duration_s = coalesce(excluded.duration_s, t.duration_s),
    is_short = excluded.is_short,
    views = coalesce(excluded.views, t.views),
    likes = coalesce(excluded.likes, t.likes),
    comments = coalesce(excluded.comments, t.comments),
    thumbnail_url = coalesce(excluded.thumbnail_url, t.thumbnail_url),
    publish_time = coalesce(excluded.publish_time, t.publish_time),
    source = excluded.source,
    updated_at = now();

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

-- name: instagram_account_by_id
SELECT profile_id, handle, full_name, biography, category, followers, media_count
FROM instagram_account WHERE profile_id = $1;

-- name: youtube_account_by_id
SELECT channel_id, handle, title, description, country, subscribers, uploads_playlist_id
FROM youtube_account WHERE channel_id = $1;

-- name: recent_instagram_captions
SELECT caption FROM instagram_post
WHERE profile_id = $1 AND caption IS NOT NULL
ORDER BY publish_time DESC NULLS LAST LIMIT $2;

-- name: recent_youtube_titles
SELECT title FROM youtube_post
WHERE channel_id = $1 AND title IS NOT NULL
ORDER BY publish_time DESC NULLS LAST LIMIT $2;

-- name: enrich_instagram_account
UPDATE instagram_account SET
    gender = $2, country = coalesce($3, country), city = coalesce($4, city), category = $5,
    topics = $6, language = coalesce($7, language), updated_at = now()
WHERE profile_id = $1
RETURNING handle, full_name, followers, following, media_count, is_verified, is_business;

-- name: enrich_youtube_account
UPDATE youtube_account SET
    country = coalesce($2, country), category = $3, language = coalesce($4, language),
    updated_at = now()
WHERE channel_id = $1
RETURNING handle, title, subscribers, total_views, video_count, is_verified;

-- name: instagram_post_id_by_shortcode
SELECT post_id FROM instagram_post WHERE shortcode = $1;
