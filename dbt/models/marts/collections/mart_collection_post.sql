{{ config(
    tags=["core"],
    order_by="(collection_id, platform, post_shortcode)",
) }}

with

collection_items as (
    select
        collection_id,
        platform,
        post_shortcode,
        is_shown_in_report
    from {{ ref('stg_coffee_post_collection_item') }}
),

instagram_posts as (
    select
        shortcode,
        profile_id,
        likes,
        comments,
        coalesce(views, plays) as views,
        reach,
        published_at
    from {{ ref('stg_beat_instagram_post') }}
),

youtube_videos as (
    select
        video_id,
        channel_id,
        likes,
        comments,
        views,
        published_at
    from {{ ref('stg_beat_youtube_post') }}
),

instagram_accounts as (
    select
        profile_id,
        followers
    from {{ ref('mart_instagram_account') }}
),

youtube_channels as (
    select
        channel_id,
        subscribers
    from {{ ref('mart_youtube_account') }}
),

posts as (
    select
        'instagram' as platform,
        instagram_posts.shortcode as post_shortcode,
        instagram_posts.profile_id as profile_id,
        instagram_posts.likes as likes,
        instagram_posts.comments as comments,
        instagram_posts.views as views,
        instagram_posts.reach as reach,
        instagram_accounts.followers as followers,
        instagram_posts.published_at as published_at
    from instagram_posts
    left join instagram_accounts on instagram_posts.profile_id = instagram_accounts.profile_id
    where instagram_posts.shortcode in (
        select post_shortcode from collection_items where platform = 'instagram'
    )
    union all
    select
        'youtube' as platform,
        youtube_videos.video_id as post_shortcode,
        youtube_videos.channel_id as profile_id,
        youtube_videos.likes as likes,
        youtube_videos.comments as comments,
        youtube_videos.views as views,
        CAST(NULL, 'Nullable(Int64)') as reach,
        youtube_channels.subscribers as followers,
        youtube_videos.published_at as published_at
    from youtube_videos
    left join youtube_channels on youtube_videos.channel_id = youtube_channels.channel_id
    where youtube_videos.video_id in (
        select post_shortcode from collection_items where platform = 'youtube'
    )
),

collection_posts as (
    select
        collection_items.collection_id as collection_id,
        collection_items.platform as platform,
        collection_items.post_shortcode as post_shortcode,
        posts.profile_id as profile_id,
        posts.likes as likes,
        posts.comments as comments,
        posts.views as views,
        posts.reach as reach,
        -- Interactions per 100 followers of the author, as for accounts.
        {{ engagement_rate('coalesce(posts.likes, 0) + coalesce(posts.comments, 0)', 'posts.followers') }}
            as engagement_rate,
        posts.published_at as publish_time,
        collection_items.is_shown_in_report as is_shown_in_report
    from collection_items
    left join posts
        on collection_items.platform = posts.platform
        and collection_items.post_shortcode = posts.post_shortcode
)

select * from collection_posts
