{{ config(
    tags=["core"],
    order_by="profile_id",
) }}

with

accounts as (
    select
        profile_id,
        handle,
        full_name,
        category,
        language,
        country,
        followers,
        following,
        media_count,
        profile_pic_url,
        is_verified,
        is_business,
        refreshed_at
    from {{ ref('stg_beat_instagram_account') }}
),

posts as (
    select
        profile_id,
        post_id,
        likes,
        comments,
        published_at
    from {{ ref('stg_beat_instagram_post') }}
),

grades as (
    select
        follower_tier,
        grade,
        min_engagement_rate
    from {{ ref('engagement_grades') }}
),

-- The seed averaged an account's most recent posts: newest first, unknown dates last, the
-- larger post id first among equals. One array per account, sorted and cut there, rather
-- than a sort of every post.
recent_posts as (
    select
        profile_id,
        arraySlice(
            arrayReverseSort(
                post -> (isNotNull(post.1), assumeNotNull(post.1), post.2),
                groupArray((published_at, post_id, likes, comments))
            ),
            1,
            {{ var('recent_posts') }}
        ) as recent
    from posts
    group by profile_id
),

post_averages as (
    select
        profile_id,
        length(recent) as recent_posts,
        {{ array_mean('recent', 3) }} as avg_likes,
        {{ array_mean('recent', 4) }} as avg_comments
    from recent_posts
),

grade_scales as (
    select
        follower_tier,
        arrayReverseSort(groupArray((min_engagement_rate, grade))) as steps
    from grades
    group by follower_tier
),

measured as (
    select
        accounts.profile_id as profile_id,
        accounts.handle as handle,
        accounts.full_name as full_name,
        accounts.category as category,
        accounts.language as language,
        accounts.country as country,
        accounts.followers as followers,
        accounts.following as following,
        accounts.media_count as media_count,
        accounts.profile_pic_url as profile_pic_url,
        coalesce(post_averages.recent_posts, 0) as recent_posts,
        post_averages.avg_likes as avg_likes,
        post_averages.avg_comments as avg_comments,
        {{ engagement_rate('post_averages.avg_likes + post_averages.avg_comments', 'accounts.followers') }}
            as engagement_rate,
        {{ follower_tier('accounts.followers') }} as follower_tier,
        accounts.is_verified as is_verified,
        accounts.is_business as is_business,
        accounts.refreshed_at as refreshed_at
    from accounts
    left join post_averages on accounts.profile_id = post_averages.profile_id
),

graded as (
    select
        measured.*,
        if(
            measured.engagement_rate is null or grade_scales.steps is null,
            NULL,
            nullIf(
                arrayFirst(
                    step -> assumeNotNull(measured.engagement_rate) >= step.1, grade_scales.steps
                ).2,
                ''
            )
        ) as engagement_grade
    from measured
    left join grade_scales on measured.follower_tier = grade_scales.follower_tier
),

ranked as (
    select
        * except (is_verified, is_business, refreshed_at),
        {{ rank_columns(
            ['followers', 'engagement_rate'], by=['', '_by_cat', '_by_lang', '_by_cat_lang']
        ) }},
        is_verified,
        is_business,
        refreshed_at
    from graded
)

select * from ranked
