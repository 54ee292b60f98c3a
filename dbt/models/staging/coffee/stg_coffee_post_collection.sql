with

renamed as (
    select
        {{ collection_columns() }},
        show_in_report = 1 as is_shown_in_report,
        toTimeZone(created_at, 'UTC') as created_at
    from {{ source('coffee_replica', 'post_collection') }}
)

select * from renamed
