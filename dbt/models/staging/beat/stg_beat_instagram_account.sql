with

renamed as (
    select
        profile_id,
        handle,
        full_name,
        biography,
        external_url,
        nullIf(lower(trim(category)), '') as category,
        nullIf(lower(trim(language)), '') as language,
        nullIf(upper(trim(country)), '') as country,
        nullIf(city, '') as city,
        nullIf(lower(trim(gender)), '') as gender,
        topics,
        followers,
        following,
        media_count,
        profile_pic_url,
        audience_gender as audience_gender_json,
        audience_age as audience_age_json,
        audience_location as audience_location_json,
        is_verified = 1 as is_verified,
        is_business = 1 as is_business,
        is_private = 1 as is_private,
        toTimeZone(refreshed_at, 'UTC') as refreshed_at
    from {{ source('beat_replica', 'instagram_account') }}
)

select * from renamed
