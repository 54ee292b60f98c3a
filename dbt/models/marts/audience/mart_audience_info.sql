{{ config(
    tags=["daily"],
    order_by="profile_id",
) }}

with

accounts as (
    select
        profile_id,
        audience_gender_json,
        audience_age_json,
        audience_location_json
    from {{ ref('stg_beat_instagram_account') }}
),

relationships as (
    select
        creator_profile_id,
        related_profile_id,
        relationship_type
    from {{ ref('stg_beat_profile_relationship_log') }}
    where platform = 'instagram'
),

fake_analyses as (
    select
        creator_profile_id,
        followers_scored,
        real_share,
        scored_at
    from {{ ref('mart_instagram_creators_followers_fake_analysis') }}
),

demographics as (
    select
        profile_id,
        {{ audience_splits() }}
    from accounts
),

sampled_followers as (
    select
        creator_profile_id,
        uniqExact(related_profile_id) as sampled_followers
    from relationships
    where relationship_type = 'FOLLOWER'
    group by creator_profile_id
),

-- The latest analysis of each creator speaks for its audience.
latest_fake_analysis as (
    select
        creator_profile_id,
        argMax(
            (fake_analyses.followers_scored, fake_analyses.real_share), fake_analyses.scored_at
        ) as latest,
        tupleElement(latest, 1) as followers_scored,
        tupleElement(latest, 2) as real_share
    from fake_analyses
    group by creator_profile_id
),

audience as (
    select
        demographics.profile_id as profile_id,
        {{ map_value('demographics.gender_split', 'male') }} as male_share,
        {{ map_value('demographics.gender_split', 'female') }} as female_share,
        demographics.age_split as age_split,
        demographics.country_split as country_split,
        {{ largest_share('demographics.age_split') }} as top_age_group,
        {{ largest_share('demographics.country_split') }} as top_country,
        coalesce(sampled_followers.sampled_followers, 0) as sampled_followers,
        latest_fake_analysis.followers_scored as followers_scored,
        latest_fake_analysis.real_share as real_follower_share
    from demographics
    left join sampled_followers
        on demographics.profile_id = sampled_followers.creator_profile_id
    left join latest_fake_analysis
        on demographics.profile_id = latest_fake_analysis.creator_profile_id
)

select * from audience
