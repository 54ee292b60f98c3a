{{ config(
    tags=["daily"],
    order_by="profile_id",
) }}

with

-- What the enrichment flows wrote onto each account.
enrichments as (
    select
        profile_id,
        gender,
        country,
        city,
        category,
        language,
        topics
    from {{ ref('stg_beat_instagram_account') }}
),

inferred_audiences as (
    select
        profile_id,
        male_share,
        female_share,
        top_age_group,
        top_country,
        interests,
        inferred_at,
        true as is_inferred
    from {{ ref('mart_audience_info_gpt') }}
    where platform = 'instagram'
),

enriched as (
    select
        enrichments.profile_id as profile_id,
        enrichments.gender as gender,
        enrichments.country as country,
        enrichments.city as city,
        enrichments.category as category,
        enrichments.language as language,
        enrichments.topics as topics,
        -- Not `is not null` of a right-hand column: a non-nullable column's test folds to true.
        coalesce(inferred_audiences.is_inferred, false) as has_gpt_audience,
        inferred_audiences.male_share as audience_male_share,
        inferred_audiences.female_share as audience_female_share,
        inferred_audiences.top_age_group as audience_top_age_group,
        inferred_audiences.top_country as audience_top_country,
        coalesce(inferred_audiences.interests, []) as audience_interests,
        inferred_audiences.inferred_at as audience_inferred_at
    from enrichments
    left join inferred_audiences on enrichments.profile_id = inferred_audiences.profile_id
)

select * from enriched
