{{ config(
    tags=["core"],
    order_by="(platform, month, profile_id)",
) }}

{#
    Monthly rankings per platform and across platforms, in the serving table's fixed rank
    columns. A Leaderboard resource's own ranking (any metric and dimensions) is
    mart_leaderboard_ranking, computed from these standings.
#}

with

snapshots as (
    select
        platform,
        profile_id,
        date,
        followers,
        engagement_rate,
        views
    from {{ ref('mart_time_series') }} final
),

instagram_accounts as (
    select
        profile_id,
        handle,
        category,
        language,
        country
    from {{ ref('mart_instagram_account') }}
),

youtube_channels as (
    select
        channel_id,
        handle,
        category,
        language,
        country
    from {{ ref('mart_youtube_account') }}
),

attributes as (
    select
        'instagram' as platform,
        profile_id,
        handle,
        category,
        language,
        country
    from instagram_accounts
    union all
    select
        'youtube' as platform,
        channel_id as profile_id,
        handle,
        category,
        language,
        country
    from youtube_channels
),

-- A month's standing is the profile's last snapshot of that month.
monthly as (
    select
        platform,
        profile_id,
        toStartOfMonth(date) as month,
        argMax(
            (snapshots.followers, snapshots.engagement_rate, snapshots.views), snapshots.date
        ) as last_snapshot,
        tupleElement(last_snapshot, 1) as followers,
        tupleElement(last_snapshot, 2) as engagement_rate,
        tupleElement(last_snapshot, 3) as views
    from snapshots
    group by platform, profile_id, month
),

standings as (
    select
        monthly.platform as platform,
        monthly.profile_id as profile_id,
        monthly.month as month,
        attributes.handle as handle,
        attributes.category as category,
        attributes.language as language,
        attributes.country as country,
        monthly.followers as followers,
        monthly.engagement_rate as engagement_rate,
        monthly.views as views
    from monthly
    left join attributes {{ join_on('monthly', 'attributes', ['platform', 'profile_id']) }}
),

-- Each standing twice: under its platform, and under cross_platform where Instagram followers
-- and YouTube subscribers rank together. An array join rather than a union, so the standings
-- are computed once.
all_standings as (
    select
        ranking_platform as platform,
        standings.platform as profile_platform,
        {{ standing_columns() | join(',\n        ') }}
    from standings
    array join [platform, 'cross_platform'] as ranking_platform
),

-- The serving table's rank columns, metric by metric.
ranked as (
    select
        *,
        {%- for metric in ['followers', 'engagement_rate'] %}
        {{ rank_columns(
            [metric], by=['', '_by_cat', '_by_lang', '_by_cat_lang'], within=['platform', 'month']
        ) }}{{ "," if not loop.last }}
        {%- endfor %}
    from all_standings
),

-- Positive change = climbed since the previous calendar month; NULL if not ranked then. The
-- profile's previous row comes from a window rather than a self-join, which would rank
-- every row twice.
with_change as (
    select
        *,
        lagInFrame(toNullable(month)) over profile_months = addMonths(month, -1)
            as has_previous_month,
        {{ rank_change('followers_rank') }} as followers_rank_change,
        {{ rank_change('engagement_rate_rank') }} as engagement_rate_rank_change
    from ranked
    window profile_months as (
        partition by platform, profile_id
        order by month
        rows between 1 preceding and current row
    )
)

select * except (has_previous_month) from with_change
