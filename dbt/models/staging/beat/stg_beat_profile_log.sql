with

renamed as (
    select
        event_id,
        platform,
        profile_id,
        handle,
        source as scrape_source,
        nullIf(dimensions['full_name'], '') as full_name,
        nullIf(lower(trim(dimensions['category'])), '') as category,
        nullIf(lower(trim(dimensions['language'])), '') as language,
        nullIf(upper(trim(dimensions['country'])), '') as country,
        -- YouTube says subscribers and video_count where Instagram says followers and
        -- media_count: one name each from here on.
        {{ network_metric(instagram='followers', youtube='subscribers') }} as followers,
        {{ map_value('metrics', 'following') }} as following,
        {{ network_metric(instagram='media_count', youtube='video_count') }} as posts,
        {{ map_value('metrics', 'total_views') }} as total_views,
        {{ map_value('metrics', 'avg_likes') }} as avg_likes,
        {{ map_value('metrics', 'avg_comments') }} as avg_comments,
        dimensions['is_verified'] = '1' as is_verified,
        dimensions['is_business'] = '1' as is_business,
        event_timestamp as scraped_at
    from {{ source('beat_events', 'profile_log') }} final
)

select * from renamed
