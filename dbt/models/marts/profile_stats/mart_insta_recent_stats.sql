{{ config(
    tags=["daily"],
    order_by="profile_id",
) }}

{#
    What an Instagram profile's posts of the last `recent_stats_days` days (today, UTC,
    included) did: how many, how many reels, their mean counters, and the engagement and reach
    they drew per 100 followers. Every profile has a row; one without recent posts has 0 posts
    and NULL averages.
#}

with

accounts as (
    select
        profile_id,
        followers
    from {{ ref('stg_beat_instagram_account') }}
),

recent_posts as (
    select
        profile_id,
        count() as recent_posts,
        countIf(post_type = 'reel') as recent_reels,
        avg(likes) as avg_likes,
        avg(comments) as avg_comments,
        avg(reach) as avg_reach,
        avg(plays) as avg_plays
    from {{ ref('stg_beat_instagram_post') }}
    where toDate(published_at) > toDate(now(), 'UTC') - {{ var('recent_stats_days') }}
    group by profile_id
),

measured as (
    select
        accounts.profile_id as profile_id,
        accounts.followers as followers,
        coalesce(recent_posts.recent_posts, 0) as recent_posts,
        coalesce(recent_posts.recent_reels, 0) as recent_reels,
        recent_posts.avg_likes as avg_likes,
        recent_posts.avg_comments as avg_comments,
        recent_posts.avg_reach as avg_reach,
        recent_posts.avg_plays as avg_plays,
        {{ engagement_rate('avg_likes + avg_comments', 'followers') }} as engagement_rate,
        {{ engagement_rate('avg_reach', 'followers') }} as reach_rate
    from accounts
    left join recent_posts {{ join_on('accounts', 'recent_posts', ['profile_id']) }}
)

select * from measured
