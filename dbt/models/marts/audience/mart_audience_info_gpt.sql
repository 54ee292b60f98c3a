{{ config(
    tags=["daily"],
    order_by="(platform, profile_id)",
) }}

with

inferred as (
    select
        platform,
        profile_id,
        {{ audience_splits() }},
        interests,
        inferred_at
    from {{ ref('stg_beat_audience_info_gpt') }}
),

audience as (
    select
        platform,
        profile_id,
        {{ map_value('gender_split', 'male') }} as male_share,
        {{ map_value('gender_split', 'female') }} as female_share,
        age_split,
        country_split,
        {{ largest_share('age_split') }} as top_age_group,
        {{ largest_share('country_split') }} as top_country,
        interests,
        inferred_at
    from inferred
)

select * from audience
