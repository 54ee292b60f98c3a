{{ config(
    tags=["core"],
    order_by="channel_id",
) }}

with

channels as (
    select
        channel_id,
        handle,
        title,
        category,
        language,
        country,
        subscribers,
        total_views,
        video_count,
        thumbnail_url,
        is_verified,
        refreshed_at
    from {{ ref('stg_beat_youtube_account') }}
),

videos as (
    select
        channel_id,
        video_id,
        views,
        likes,
        comments,
        published_at
    from {{ ref('stg_beat_youtube_post') }}
),

video_averages as (
    {{ recent_post_averages(
        'videos', 'channel_id', 'video_id', ['views', 'likes', 'comments'], count_as='recent_videos'
    ) }}
),

measured as (
    select
        channels.channel_id as channel_id,
        channels.handle as handle,
        channels.title as title,
        channels.category as category,
        channels.language as language,
        channels.country as country,
        channels.subscribers as subscribers,
        channels.total_views as total_views,
        channels.video_count as video_count,
        channels.thumbnail_url as thumbnail_url,
        coalesce(video_averages.recent_videos, 0) as recent_videos,
        video_averages.avg_views as avg_views,
        video_averages.avg_likes as avg_likes,
        video_averages.avg_comments as avg_comments,
        -- Per subscriber, as the scraper computes it, so both platforms rank on one scale.
        {{ account_engagement('video_averages', 'channels.subscribers') }},
        channels.is_verified as is_verified,
        channels.refreshed_at as refreshed_at
    from channels
    left join video_averages on channels.channel_id = video_averages.channel_id
),

ranked as (
    select
        * except (is_verified, refreshed_at),
        {{ rank_columns(['subscribers', 'engagement_rate'], by=['', '_by_cat', '_by_lang']) }},
        is_verified,
        refreshed_at
    from measured
)

select * from ranked
