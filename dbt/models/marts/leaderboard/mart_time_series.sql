{{ config(
    tags=["core"],
    materialized="incremental",
    incremental_strategy="delete+insert",
    unique_key="platform, profile_id, date",
    engine="ReplacingMergeTree()",
    order_by="(platform, profile_id, date)",
    partition_by="toYYYYMM(date)",
) }}

{#
    Daily snapshots: the last profile event of each day (latest scraped_at, then event_id).
    An incremental run recomputes the days from `time_series_lookback_days` before the newest
    stored day, so late events of those days are counted; the growth of the first recomputed
    day is taken against the snapshot stored before it.
    Each profile's events are gathered into one array and walked there, rather than sorted
    again by window functions over every event: that keeps a full build over millions of
    snapshots to a single aggregation.
#}
{% if is_incremental() %}
    {% set window_start %}
        (select max(date) - {{ var('time_series_lookback_days') }} from {{ this }})
    {% endset %}
{% endif %}

with

profile_events as (
    select
        event_id,
        platform,
        profile_id,
        followers,
        following,
        posts,
        total_views,
        avg_likes,
        avg_comments,
        scraped_at
    from {{ ref('stg_beat_profile_log') }}
    {% if is_incremental() %}
        where toDate(scraped_at) >= {{ window_start }}
    {% endif %}
),

-- A profile's events in order: time, then event id for events of the same time.
profile_histories as (
    select
        platform,
        profile_id,
        arraySort(
            event -> (event.1, event.2),
            groupArray(
                (
                    scraped_at,
                    event_id,
                    followers,
                    following,
                    posts,
                    total_views,
                    avg_likes,
                    avg_comments
                )
            )
        ) as events
    from profile_events
    group by platform, profile_id
),

-- The day's snapshot is its last event: the last of each run of events of one date.
daily_snapshots as (
    select
        platform,
        profile_id,
        arrayFilter(
            (event, position) -> position = length(events)
                or toDate(events[position + 1].1) != toDate(event.1),
            events,
            arrayEnumerate(events)
        ) as snapshots
    from profile_histories
),

{% if is_incremental() %}
stored_before_window as (
    select
        platform,
        profile_id,
        -- In a tuple, so that a stored NULL count is the previous value, not skipped.
        tupleElement(argMax(tuple(toNullable(toFloat64(followers))), date), 1) as followers
    from {{ this }} final
    where date < {{ window_start }}
    group by platform, profile_id
),
{% endif %}

-- Each day's previous followers: the day before it in the series; for the first day, the
-- snapshot stored before the recomputed window (incremental runs) or none.
with_previous as (
    select
        daily_snapshots.platform as platform,
        daily_snapshots.profile_id as profile_id,
        daily_snapshots.snapshots as snapshots,
        arrayPushFront(
            arrayPopBack(arrayMap(snapshot -> snapshot.3, daily_snapshots.snapshots)),
            {% if is_incremental() %}
                stored_before_window.followers
            {% else %}
                CAST(NULL, 'Nullable(Float64)')
            {% endif %}
        ) as previous_followers
    from daily_snapshots
    {% if is_incremental() %}
        left join stored_before_window
            on daily_snapshots.platform = stored_before_window.platform
            and daily_snapshots.profile_id = stored_before_window.profile_id
    {% endif %}
),

series as (
    select
        platform,
        profile_id,
        toDate(snapshot.1) as date,
        toInt64(snapshot.3) as followers,
        toInt64(snapshot.4) as following,
        toInt64(snapshot.5) as posts,
        toInt64(snapshot.6) as views,
        {{ engagement_rate('snapshot.7 + snapshot.8', 'snapshot.3') }} as engagement_rate,
        snapshot.7 as avg_likes,
        snapshot.8 as avg_comments,
        {{ growth_rate('snapshot.3', 'previous') }} as followers_growth
    from with_previous
    array join
        snapshots as snapshot,
        previous_followers as previous
)

select * from series
