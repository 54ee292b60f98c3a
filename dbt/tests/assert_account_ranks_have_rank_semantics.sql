-- rank() semantics, checked from their definition: a profile's rank is one more than the
-- number of profiles with strictly more followers (or a strictly higher engagement rate).
with

accounts as (
    select
        followers,
        engagement_rate,
        followers_rank,
        engagement_rate_rank
    from {{ ref('mart_instagram_account') }}
),

by_followers as (
    select
        followers,
        count() as profiles,
        any(followers_rank) as some_rank,
        min(followers_rank) = max(followers_rank) as is_one_rank
    from accounts
    where followers is not null
    group by followers
),

followers_check as (
    select
        followers as value,
        some_rank,
        is_one_rank,
        1 + coalesce(
            sum(profiles) over (
                order by followers desc rows between unbounded preceding and 1 preceding
            ),
            0
        ) as expected_rank
    from by_followers
),

by_engagement as (
    select
        engagement_rate,
        count() as profiles,
        any(engagement_rate_rank) as some_rank,
        min(engagement_rate_rank) = max(engagement_rate_rank) as is_one_rank
    from accounts
    where engagement_rate is not null
    group by engagement_rate
),

engagement_check as (
    select
        engagement_rate as value,
        some_rank,
        is_one_rank,
        1 + coalesce(
            sum(profiles) over (
                order by engagement_rate desc rows between unbounded preceding and 1 preceding
            ),
            0
        ) as expected_rank
    from by_engagement
)

select
    'followers' as ranking,
    toFloat64(value) as value,
    some_rank,
    expected_rank
from followers_check
where not is_one_rank or some_rank != expected_rank
union all
select
    'engagement_rate' as ranking,
    value,
    some_rank,
    expected_rank
from engagement_check
where not is_one_rank or some_rank != expected_rank
