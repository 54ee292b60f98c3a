with

renamed as (
    select
        event_id,
        platform,
        post_id,
        profile_id,
        -- YouTube videos are addressed by their id wherever Instagram uses a shortcode.
        if(shortcode = '', post_id, shortcode) as shortcode,
        source as scrape_source,
        {{ map_value('metrics', 'likes') }} as likes,
        {{ map_value('metrics', 'comments') }} as comments,
        {{ map_value('metrics', 'views') }} as views,
        {{ map_value('metrics', 'plays') }} as plays,
        {{ map_value('metrics', 'reach') }} as reach,
        {{ map_value('metrics', 'shares') }} as shares,
        {{ map_value('metrics', 'saved') }} as saved,
        -- Reported by the Graph API's insights of a connected account's post only.
        {{ map_value('metrics', 'impressions') }} as impressions,
        {{ map_value('metrics', 'total_interactions') }} as total_interactions,
        event_timestamp as scraped_at
    from {{ source('beat_events', 'post_log_event') }} final
)

select * from renamed
