with

renamed as (
    select
        collection_id,
        platform,
        platform_profile_id as profile_id,
        toTimeZone(created_at, 'UTC') as added_at
    from {{ source('coffee_replica', 'profile_collection_item') }}
)

select * from renamed
