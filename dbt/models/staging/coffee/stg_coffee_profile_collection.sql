with

source as (
    select
        id,
        partner_id,
        name,
        share_id,
        source,
        created_at
    from {{ source('coffee_replica', 'profile_collection') }}
),

renamed as (
    select
        id as collection_id,
        partner_id,
        name as collection_name,
        share_id,
        source as collection_source,
        toTimeZone(created_at, 'UTC') as created_at
    from source
)

select * from renamed
