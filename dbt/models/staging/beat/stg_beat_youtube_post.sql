with

renamed as (
    select
        video_id,
        channel_id,
        title,
        tags,
        category_id,
        duration_s,
        views,
        likes,
        comments,
        thumbnail_url,
        is_short = 1 as is_short,
        toTimeZone(publish_time, 'UTC') as published_at
    from {{ source('beat_replica', 'youtube_post') }}
)

select * from renamed
