{{ config(
    tags=["daily"],
    order_by="(hashtag, post_id)",
) }}

with

posts as (
    select
        post_id,
        profile_id,
        caption,
        hashtags,
        likes,
        comments,
        published_at
    from {{ ref('stg_beat_instagram_post') }}
    where published_at >= now() - toIntervalDay({{ var('hashtag_window_days') }})
),

-- The scraper's list and the caption's #words together, spelled one way: lower case, no
-- leading '#', each once per post.
normalized as (
    select
        post_id,
        profile_id,
        likes,
        comments,
        published_at,
        arrayDistinct(
            arrayFilter(
                tag -> tag != '',
                arrayMap(
                    tag -> lower(replaceRegexpAll(tag, '^#+', '')),
                    arrayConcat(hashtags, extractAll(caption, '#([^\\s#]+)'))
                )
            )
        ) as post_hashtags
    from posts
),

post_hashtags as (
    select
        post_id,
        profile_id,
        hashtag,
        likes,
        comments,
        published_at
    from normalized
    array join post_hashtags as hashtag
)

select * from post_hashtags
