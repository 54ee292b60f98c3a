{{ config(
    tags=["daily"],
    order_by="(profile_id, month)",
) }}

{#
    An Instagram profile's month: its counters at the month's last daily snapshot, the followers
    it gained since the previous calendar month's last one, and the posts it published in the
    month with their averages and engagement rate. A month is one the profile was observed in
    (has a snapshot); posts of a month without one are not counted anywhere else either.
#}

with

month_ends as (
    select
        profile_id,
        toStartOfMonth(date) as month,
        argMax(tuple(followers, following, posts), date) as snapshot
    from {{ ref('mart_time_series') }} final
    where platform = 'instagram'
    group by profile_id, month
),

with_previous as (
    select
        profile_id,
        month,
        snapshot.1 as followers,
        snapshot.2 as following,
        snapshot.3 as media_count,
        lagInFrame(toNullable(month)) over profile_months as previous_month,
        lagInFrame(snapshot.1) over profile_months as previous_followers
    from month_ends
    window profile_months as (
        partition by profile_id order by month
        rows between unbounded preceding and current row
    )
),

monthly_posts as (
    select
        profile_id,
        toStartOfMonth(published_at) as month,
        count() as month_posts,
        avg(likes) as avg_likes,
        avg(comments) as avg_comments
    from {{ ref('stg_beat_instagram_post') }}
    -- Posts of months before the first snapshot's would join no month: not aggregated at all.
    where toDate(published_at) >= (
        select toStartOfMonth(min(date)) from {{ ref('mart_time_series') }}
    )
    group by profile_id, month
),

months as (
    select
        with_previous.profile_id as profile_id,
        with_previous.month as month,
        followers,
        following,
        media_count,
        -- Only the calendar month before counts as "previous": a gap month has no growth.
        if(previous_month = addMonths(month, -1), previous_followers, NULL)
            as previous_month_followers,
        coalesce(month_posts, 0) as posts_published,
        avg_likes,
        avg_comments
    from with_previous
    left join monthly_posts {{ join_on('with_previous', 'monthly_posts', ['profile_id', 'month']) }}
),

measured as (
    select
        *,
        followers - previous_month_followers as followers_gained,
        {{ growth_rate('followers', 'previous_month_followers') }} as followers_growth,
        {{ engagement_rate('avg_likes + avg_comments', 'followers') }} as engagement_rate
    from months
)

select * from measured
