with

renamed as (
    select
        event_id,
        platform,
        source_profile_id as creator_profile_id,
        target_profile_id as related_profile_id,
        target_handle as related_handle,
        target_full_name as related_full_name,
        relationship_type,
        source as scrape_source,
        event_timestamp as scraped_at
    from {{ source('beat_events', 'profile_relationship_log') }} final
)

select * from renamed
