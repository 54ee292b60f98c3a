with

renamed as (
    select
        {{ collection_columns() }},
        toTimeZone(created_at, 'UTC') as created_at
    from {{ source('coffee_replica', 'profile_collection') }}
)

select * from renamed
