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

creators as (
    select
        profile_id,
        handle,
        category,
        followers
    from {{ ref('mart_instagram_account') }}
    where category is not null
),

recent_posts as (
    select
        post_id,
        shortcode,
        profile_id,
        post_type,
        likes,
        comments,
        published_at
    from {{ ref('stg_beat_instagram_post') }}
    where toDate(published_at) > toDate(now(), 'UTC') - {{ var('trending_days') }}
),

scored as (
    select
        creators.category as category,
        recent_posts.post_id as post_id,
        recent_posts.* except (post_id),
        creators.handle as handle,
        {{ engagement_rate('likes + comments', 'followers') }} as engagement_rate
    from recent_posts
    inner join creators {{ join_on('recent_posts', 'creators', ['profile_id']) }}
),

ranked as (
    select
        *,
        {{ rank_desc('engagement_rate', within=['category']) }} as trend_rank
    from scored
)

select * from ranked
where trend_rank <= {{ var('trending_top') }}
