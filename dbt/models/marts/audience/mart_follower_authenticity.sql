{{ config(tags=["daily"]) }}

with

analyses as (
    select
        creator_profile_id,
        followers_scored,
        real_share,
        weak_fake_share,
        fake_share,
        top_fake_reasons,
        scored_at
    from {{ ref('mart_instagram_creators_followers_fake_analysis') }}
),

-- A creator analysed again is described by the newest analysis only.
latest as (
    select
        'instagram' as platform,
        creator_profile_id as profile_id,
        argMax(followers_scored, scored_at) as followers_scored,
        argMax(real_share, scored_at) as real_share,
        argMax(weak_fake_share, scored_at) as weak_fake_share,
        argMax(fake_share, scored_at) as fake_share,
        argMax(top_fake_reasons, scored_at) as top_fake_reasons,
        max(scored_at) as analysed_at
    from analyses
    group by creator_profile_id
)

select * from latest
