with

renamed as (
    select
        post_id,
        shortcode,
        profile_id,
        nullIf(lower(post_type), '') as post_type,
        coalesce(caption, '') as caption,
        hashtags,
        likes,
        comments,
        plays,
        views,
        reach,
        shares,
        saved,
        thumbnail_url,
        nullIf(location_id, '') as location_id,
        location_name,
        location_lat,
        location_lng,
        toTimeZone(publish_time, 'UTC') as published_at
    from {{ source('beat_replica', 'instagram_post') }}
)

select * from renamed
