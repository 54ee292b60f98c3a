{{ config(
    tags=["daily"],
    order_by="profile_id",
) }}

{#
    The head of an Instagram profile's page in one row: its standing (mart_instagram_account),
    its recent posts (mart_insta_recent_stats) and its latest observed month
    (mart_insta_account_monthly).
#}

with

accounts as (
    select
        profile_id,
        handle,
        category,
        language,
        country,
        followers,
        engagement_rate,
        engagement_grade,
        followers_rank,
        engagement_rate_rank
    from {{ ref('mart_instagram_account') }}
),

recent as (
    select
        profile_id,
        recent_posts,
        recent_reels,
        reach_rate
    from {{ ref('mart_insta_recent_stats') }}
),

latest_months as (
    select
        profile_id,
        max(month) as latest_month,
        -- In tuples, so that a NULL figure of the latest month is kept, not skipped.
        tupleElement(argMax(tuple(followers_gained), month), 1) as latest_month_followers_gained,
        tupleElement(argMax(tuple(followers_growth), month), 1) as latest_month_followers_growth
    from {{ ref('mart_insta_account_monthly') }}
    group by profile_id
),

summary as (
    select
        accounts.profile_id as profile_id,
        accounts.* except (profile_id),
        recent.* except (profile_id),
        latest_months.* except (profile_id)
    from accounts
    left join recent {{ join_on('accounts', 'recent', ['profile_id']) }}
    left join latest_months {{ join_on('accounts', 'latest_months', ['profile_id']) }}
)

select * from summary
