{{ config(
    tags=["daily"],
    order_by="(platform, profile_id, analysed_at, analysis)",
) }}

with

analyses as (
    select
        analysis,
        creator_profile_id,
        followers_scored,
        fake_followers,
        real_share,
        weak_fake_share,
        fake_share,
        avg_fake_score,
        scored_at
    from {{ ref('mart_instagram_creators_followers_fake_analysis') }}
),

-- Each analysis of a creator in the order they ran, beside the one before it (NULL for the
-- first: lagInFrame of a Nullable defaults to NULL).
in_order as (
    select
        'instagram' as platform,
        creator_profile_id as profile_id,
        scored_at as analysed_at,
        * except (creator_profile_id, scored_at),
        row_number() over profile_analyses as analysis_number,
        lagInFrame(toNullable(fake_share)) over profile_analyses as previous_fake_share
    from analyses
    window profile_analyses as (
        partition by creator_profile_id
        order by scored_at, analysis
        rows between unbounded preceding and current row
    )
),

fake_events as (
    select
        *,
        fake_share - previous_fake_share as fake_share_change
    from in_order
)

select * from fake_events
