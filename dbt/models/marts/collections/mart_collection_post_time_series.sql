{{ config(
    tags=["core"],
    order_by="(collection_id, platform, post_shortcode, date)",
) }}

with

collection_items as (
    select
        collection_id,
        platform,
        post_shortcode
    from {{ ref('stg_coffee_post_collection_item') }}
),

post_events as (
    select
        event_id,
        platform,
        shortcode,
        likes,
        comments,
        views,
        plays,
        reach,
        shares,
        saved,
        scraped_at
    from {{ ref('stg_beat_post_log') }}
    where (platform, shortcode) in (select platform, post_shortcode from collection_items)
),

-- The day's last snapshot of each post, as in mart_time_series.
daily as (
    select
        platform,
        shortcode,
        toDate(scraped_at) as date,
        argMax(
            (likes, comments, views, plays, reach, shares, saved),
            (scraped_at, event_id)
        ) as last_snapshot
    from post_events
    group by platform, shortcode, date
),

series as (
    select
        collection_items.collection_id as collection_id,
        collection_items.platform as platform,
        collection_items.post_shortcode as post_shortcode,
        daily.date as date,
        toInt64(tupleElement(daily.last_snapshot, 1)) as likes,
        toInt64(tupleElement(daily.last_snapshot, 2)) as comments,
        toInt64(tupleElement(daily.last_snapshot, 3)) as views,
        toInt64(tupleElement(daily.last_snapshot, 4)) as plays,
        toInt64(tupleElement(daily.last_snapshot, 5)) as reach,
        toInt64(tupleElement(daily.last_snapshot, 6)) as shares,
        toInt64(tupleElement(daily.last_snapshot, 7)) as saved
    from collection_items
    inner join daily
        on collection_items.platform = daily.platform
        and collection_items.post_shortcode = daily.shortcode
)

select * from series
