-- A graded account's rate reaches its grade's threshold and stays below the next better one.
with

accounts as (
    select
        profile_id,
        follower_tier,
        engagement_rate,
        engagement_grade
    from {{ ref('mart_instagram_account') }}
    where engagement_grade is not null
),

bands as (
    select
        follower_tier,
        grade,
        min_engagement_rate as lower_bound,
        leadInFrame(toNullable(min_engagement_rate)) over (
            partition by follower_tier
            order by min_engagement_rate
            rows between current row and unbounded following
        ) as upper_bound
    from {{ ref('engagement_grades') }}
)

select
    accounts.profile_id as profile_id,
    accounts.engagement_rate as engagement_rate,
    accounts.engagement_grade as engagement_grade
from accounts
inner join bands
    on accounts.follower_tier = bands.follower_tier
    and accounts.engagement_grade = bands.grade
where
    accounts.engagement_rate < bands.lower_bound
    or (bands.upper_bound is not null and accounts.engagement_rate >= bands.upper_bound)
