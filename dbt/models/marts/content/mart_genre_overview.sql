{{ config(
    tags=["weekly"],
    order_by="(platform, category)",
) }}

with

instagram_accounts as (
    select
        profile_id,
        category,
        followers,
        engagement_rate
    from {{ ref('mart_instagram_account') }}
),

youtube_channels as (
    select
        channel_id,
        category,
        subscribers,
        engagement_rate
    from {{ ref('mart_youtube_account') }}
),

accounts as (
    select
        'instagram' as platform,
        profile_id,
        category,
        followers,
        engagement_rate
    from instagram_accounts
    where category is not null
    union all
    select
        'youtube' as platform,
        channel_id as profile_id,
        category,
        subscribers as followers,
        engagement_rate
    from youtube_channels
    where category is not null
),

genres as (
    select
        platform,
        assumeNotNull(category) as category,
        count() as creators,
        sum(coalesce(followers, 0)) as total_followers,
        avg(engagement_rate) as avg_engagement_rate,
        quantileExact(0.5)(engagement_rate) as median_engagement_rate,
        -- Largest first, the profile id breaking ties.
        arrayMap(
            creator -> creator.2,
            arraySlice(arraySort(groupArray((-coalesce(followers, 0), profile_id))), 1, 10)
        ) as top_profile_ids
    from accounts
    group by platform, category
)

select * from genres
