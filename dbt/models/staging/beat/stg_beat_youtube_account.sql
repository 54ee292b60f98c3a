with

renamed as (
    select
        channel_id,
        nullIf(handle, '') as handle,
        title,
        description,
        nullIf(lower(trim(category)), '') as category,
        nullIf(lower(trim(language)), '') as language,
        nullIf(upper(trim(country)), '') as country,
        subscribers,
        total_views,
        video_count,
        thumbnail_url,
        is_verified = 1 as is_verified,
        toTimeZone(refreshed_at, 'UTC') as refreshed_at
    from {{ source('beat_replica', 'youtube_account') }}
)

select * from renamed
