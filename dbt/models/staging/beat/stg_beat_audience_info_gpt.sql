with

renamed as (
    select
        network as platform,
        profile_id,
        audience_gender as audience_gender_json,
        audience_age as audience_age_json,
        audience_location as audience_location_json,
        interests,
        source as inferred_by,
        toTimeZone(updated_at, 'UTC') as inferred_at
    from {{ source('beat_replica', 'audience_info_gpt') }}
)

select * from renamed
