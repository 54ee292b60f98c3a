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

post_averages as (
    {{ recent_post_averages(
        'posts', 'profile_id', 'post_id', ['likes', 'comments'], count_as='recent_posts'
    ) }}
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
        {{ account_engagement('post_averages', 'accounts.followers') }},
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
