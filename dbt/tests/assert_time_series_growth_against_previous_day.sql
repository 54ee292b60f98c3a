-- Over the whole stored series (so across incremental runs), each day's growth is the change
-- against the profile's previous stored day.
with

series as (
    select
        platform,
        profile_id,
        date,
        followers,
        followers_growth
    from {{ ref('mart_time_series') }} final
),

with_previous as (
    select
        platform,
        profile_id,
        date,
        followers,
        followers_growth,
        lagInFrame(toNullable(followers)) over (
            partition by platform, profile_id
            order by date
            rows between unbounded preceding and current row
        ) as previous_followers,
        row_number() over (partition by platform, profile_id order by date) as position
    from series
)

select
    platform,
    profile_id,
    date,
    followers,
    previous_followers,
    followers_growth
from with_previous
where
    if(
        position > 1 and previous_followers > 0 and followers is not null,
        followers_growth is null
        or abs(followers_growth - (followers - previous_followers) / previous_followers) > 1e-12,
        followers_growth is not null
    )
