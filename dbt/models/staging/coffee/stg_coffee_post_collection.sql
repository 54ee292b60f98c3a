with

source as (
    select
        id,
        partner_id,
        name,
        share_id,
        source,
        show_in_report,
        created_at
    from {{ source('coffee_replica', 'post_collection') }}
),

renamed as (
    select
        id as collection_id,
        partner_id,
        name as collection_name,
        share_id,
        source as collection_source,
        show_in_report = 1 as is_shown_in_report,
        toTimeZone(created_at, 'UTC') as created_at
    from source
)

select * from renamed
