{{ config(
    tags=["daily"],
    order_by="(profile_id, post_id)",
) }}

with

posts as (
    select
        post_id,
        shortcode,
        profile_id,
        post_type,
        caption,
        hashtags,
        likes,
        comments,
        coalesce(views, plays) as views,
        reach,
        shares,
        saved,
        thumbnail_url,
        published_at
    from {{ ref('stg_beat_instagram_post') }}
),

accounts as (
    select
        profile_id,
        handle,
        category,
        followers,
        avg_likes,
        avg_comments
    from {{ ref('mart_instagram_account') }}
),

measured as (
    select
        posts.post_id as post_id,
        posts.shortcode as shortcode,
        posts.profile_id as profile_id,
        accounts.handle as handle,
        accounts.category as category,
        posts.post_type as post_type,
        posts.caption as caption,
        posts.hashtags as hashtags,
        posts.thumbnail_url as thumbnail_url,
        posts.likes as likes,
        posts.comments as comments,
        posts.views as views,
        posts.reach as reach,
        posts.shares as shares,
        posts.saved as saved,
        accounts.followers as followers,
        {{ engagement_rate('posts.likes + posts.comments', 'accounts.followers') }}
            as engagement_rate,
        {{ engagement_rate('posts.reach', 'accounts.followers') }} as reach_rate,
        {{ engagement_rate('posts.views', 'accounts.followers') }} as view_rate,
        {{ engagement_rate(
            'posts.likes + posts.comments + posts.shares + posts.saved', 'posts.reach'
        ) }} as reach_engagement_rate,
        -- Against the account's usual post: 1.0 is an average post of its recent ones.
        if(
            accounts.avg_likes + accounts.avg_comments > 0,
            (posts.likes + posts.comments) / (accounts.avg_likes + accounts.avg_comments),
            NULL
        ) as performance_index,
        posts.published_at as published_at
    from posts
    left join accounts on posts.profile_id = accounts.profile_id
)

select * from measured
