{{ config(
    tags=["daily"],
    order_by="(analysis, creator_profile_id)",
) }}

with

scores as (
    select
        analysis,
        platform,
        creator_profile_id,
        follower_class,
        fake_score,
        reasons,
        scored_at
    from {{ ref('stg_followers_follower_score') }}
    where platform = 'instagram'
),

per_creator as (
    select
        analysis,
        creator_profile_id,
        count() as followers_scored,
        countIf(follower_class = 'real') as real_followers,
        countIf(follower_class = 'weak_fake') as weak_fake_followers,
        countIf(follower_class = 'fake') as fake_followers,
        real_followers / followers_scored as real_share,
        weak_fake_followers / followers_scored as weak_fake_share,
        fake_followers / followers_scored as fake_share,
        avg(fake_score) as avg_fake_score,
        max(scored_at) as scored_at
    from scores
    group by analysis, creator_profile_id
),

fake_reasons as (
    select
        analysis,
        creator_profile_id,
        toString(reason) as reason,
        count() as occurrences
    from scores
    array join reasons as reason
    where follower_class != 'real'
    group by analysis, creator_profile_id, reason
),

-- The reasons seen most often among (weak) fakes, for the report's "why".
top_reasons as (
    select
        analysis,
        creator_profile_id,
        arrayMap(
            counted -> counted.2,
            arraySlice(arraySort(groupArray((-occurrences, reason))), 1, 5)
        ) as top_fake_reasons
    from fake_reasons
    group by analysis, creator_profile_id
),

analysed as (
    select
        per_creator.analysis as analysis,
        per_creator.creator_profile_id as creator_profile_id,
        per_creator.followers_scored as followers_scored,
        per_creator.real_followers as real_followers,
        per_creator.weak_fake_followers as weak_fake_followers,
        per_creator.fake_followers as fake_followers,
        per_creator.real_share as real_share,
        per_creator.weak_fake_share as weak_fake_share,
        per_creator.fake_share as fake_share,
        per_creator.avg_fake_score as avg_fake_score,
        coalesce(top_reasons.top_fake_reasons, []) as top_fake_reasons,
        per_creator.scored_at as scored_at
    from per_creator
    left join top_reasons
        {{ join_on('per_creator', 'top_reasons', ['analysis', 'creator_profile_id']) }}
)

select * from analysed
