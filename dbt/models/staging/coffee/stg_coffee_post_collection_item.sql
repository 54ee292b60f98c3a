with

renamed as (
    select
        collection_id,
        platform,
        post_shortcode,
        show_in_report = 1 as is_shown_in_report,
        toTimeZone(created_at, 'UTC') as added_at
    from {{ source('coffee_replica', 'post_collection_item') }}
)

select * from renamed
