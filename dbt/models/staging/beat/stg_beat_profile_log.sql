with

source as (
    select
        event_id,
        event_timestamp,
        platform,
        profile_id,
        handle,
        dimensions,
        metrics,
        source
    from {{ source('beat_events', 'profile_log') }} final
),

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
        if(
            platform = 'youtube',
            if(mapContains(metrics, 'subscribers'), metrics['subscribers'], NULL),
            if(mapContains(metrics, 'followers'), metrics['followers'], NULL)
        ) as followers,
        if(mapContains(metrics, 'following'), metrics['following'], NULL) as following,
        if(
            platform = 'youtube',
            if(mapContains(metrics, 'video_count'), metrics['video_count'], NULL),
            if(mapContains(metrics, 'media_count'), metrics['media_count'], NULL)
        ) as posts,
        if(mapContains(metrics, 'total_views'), metrics['total_views'], NULL) as total_views,
        if(mapContains(metrics, 'avg_likes'), metrics['avg_likes'], NULL) as avg_likes,
        if(mapContains(metrics, 'avg_comments'), metrics['avg_comments'], NULL) as avg_comments,
        dimensions['is_verified'] = '1' as is_verified,
        dimensions['is_business'] = '1' as is_business,
        event_timestamp as scraped_at
    from source
)

select * from renamed
