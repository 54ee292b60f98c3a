{{ config(
    tags=["core", "leaderboard"],
    materialized="incremental",
    incremental_strategy="insert_overwrite",
    partition_by="leaderboard",
    order_by="(leaderboard, month, profile_platform, profile_id)",
) }}

{#
    The ranking of one Leaderboard resource, named by var leaderboard_name, with the network,
    metric and dimensions of its spec (macros/leaderboard.sql), over the standings of
    mart_leaderboard. One table holds every Leaderboard's rows in a partition per leaderboard:
    a build replaces exactly its own partition (insert_overwrite: ALTER TABLE ... REPLACE
    PARTITION, atomic), so two Leaderboards built at the same time never touch each other's
    rows. Without a name the build adds nothing; the core schedule builds it that way so the
    table exists before any Leaderboard runs, and Leaderboards only ever replace partitions.
#}
{%- set request = leaderboard_request() %}

with

standings as (
    select
        profile_platform,
        {{ standing_columns() | join(',\n        ') }}
    from {{ ref('mart_leaderboard') }}
    where platform = '{{ request.network }}'
        and {{ "true" if request.name else "false" }}
),

ranked as (
    select
        *,
        toNullable(toFloat64({{ request.metric }})) as value,
        {{ rank_desc(request.metric, within=['month'], dimensions=request.dimensions) }} as rank
    from standings
),

-- Positive change = climbed since the previous calendar month; NULL if not ranked then.
with_change as (
    select
        *,
        lagInFrame(toNullable(month)) over profile_months = addMonths(month, -1)
            as has_previous_month,
        {{ rank_change('rank') }} as rank_change
    from ranked
    window profile_months as (
        partition by profile_platform, profile_id
        order by month
        rows between 1 preceding and current row
    )
)

select
    '{{ request.name }}' as leaderboard,
    '{{ request.network }}' as network,
    '{{ request.metric }}' as metric,
    cast(
        [{% for dimension in request.dimensions %}'{{ dimension }}'{{ ", " if not loop.last }}{% endfor %}],
        'Array(String)'
    ) as dimensions,
    month,
    profile_platform,
    profile_id,
    handle,
    category,
    language,
    country,
    value,
    rank,
    rank_change,
    followers,
    engagement_rate,
    views
from with_change
-- Profiles missing the metric or a dimension are not ranked; their change was taken above,
-- against the previous month's row whatever it held.
where rank is not null
