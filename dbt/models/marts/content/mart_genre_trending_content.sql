{{ config(
    tags=["daily"],
    order_by="post_id",
) }}

{#
    Each genre's trending Instagram posts: the posts of the last `trending_days` days (today,
    UTC, included) of creators of that category, ranked by the engagement they drew per 100 of
    their creator's followers; the best `trending_top` ranks of each genre are kept (ties
    share a rank, so a genre may keep more posts). A post missing likes or comments, or of a
    creator without followers, is not ranked.
#}

with

-- Each post's engagement rate is mart_insta_all_posts' (per 100 of its creator's followers).
recent_posts as (
    select
        category,
        post_id,
        shortcode,
        profile_id,
        post_type,
        likes,
        comments,
        published_at,
        handle,
        engagement_rate
    from {{ ref('mart_insta_all_posts') }}
    where category is not null
        and toDate(published_at) > toDate(now(), 'UTC') - {{ var('trending_days') }}
),

ranked as (
    select
        *,
        {{ rank_desc('engagement_rate', within=['category']) }} as trend_rank
    from recent_posts
)

select * from ranked
where trend_rank <= {{ var('trending_top') }}
