with

source as (
    select
        event_id,
        event_timestamp,
        platform,
        post_id,
        profile_id,
        shortcode,
        metrics,
        source
    from {{ source('beat_events', 'post_log_event') }} final
),

renamed as (
    select
        event_id,
        platform,
        post_id,
        profile_id,
        -- YouTube videos are addressed by their id wherever Instagram uses a shortcode.
        if(shortcode = '', post_id, shortcode) as shortcode,
        source as scrape_source,
        if(mapContains(metrics, 'likes'), metrics['likes'], NULL) as likes,
        if(mapContains(metrics, 'comments'), metrics['comments'], NULL) as comments,
        if(mapContains(metrics, 'views'), metrics['views'], NULL) as views,
        if(mapContains(metrics, 'plays'), metrics['plays'], NULL) as plays,
        if(mapContains(metrics, 'reach'), metrics['reach'], NULL) as reach,
        if(mapContains(metrics, 'shares'), metrics['shares'], NULL) as shares,
        if(mapContains(metrics, 'saved'), metrics['saved'], NULL) as saved,
        event_timestamp as scraped_at
    from source
)

select * from renamed
