-- Every account's engagement rate is its average interactions per 100 followers, and is
-- missing exactly when there is nothing to compute it from.
select
    profile_id,
    followers,
    avg_likes,
    avg_comments,
    engagement_rate
from {{ ref('mart_instagram_account') }}
where
    if(
        followers > 0 and avg_likes is not null and avg_comments is not null,
        engagement_rate is null
        or abs(engagement_rate - (avg_likes + avg_comments) * 100 / followers)
        > 1e-9 * greatest(1, engagement_rate),
        engagement_rate is not null
    )
