-- A profile's rank change is its rank of the previous calendar month minus this month's, and
-- is missing exactly when either rank is.
with

board as (
    select
        platform,
        profile_id,
        month,
        followers_rank,
        followers_rank_change,
        engagement_rate_rank,
        engagement_rate_rank_change
    from {{ ref('mart_leaderboard') }}
),

previous_month as (
    select
        platform,
        profile_id,
        addMonths(month, 1) as month,
        followers_rank,
        engagement_rate_rank
    from board
),

compared as (
    select
        board.platform as platform,
        board.profile_id as profile_id,
        board.month as month,
        board.followers_rank_change as followers_rank_change,
        toInt64(previous_month.followers_rank) - toInt64(board.followers_rank)
            as expected_followers_rank_change,
        board.engagement_rate_rank_change as engagement_rate_rank_change,
        toInt64(previous_month.engagement_rate_rank) - toInt64(board.engagement_rate_rank)
            as expected_engagement_rate_rank_change
    from board
    left join previous_month
        on board.platform = previous_month.platform
        and board.profile_id = previous_month.profile_id
        and board.month = previous_month.month
)

select
    platform,
    profile_id,
    month,
    followers_rank_change,
    expected_followers_rank_change,
    engagement_rate_rank_change,
    expected_engagement_rate_rank_change
from compared
where
    not isNotDistinctFrom(followers_rank_change, expected_followers_rank_change)
    or not isNotDistinctFrom(engagement_rate_rank_change, expected_engagement_rate_rank_change)
