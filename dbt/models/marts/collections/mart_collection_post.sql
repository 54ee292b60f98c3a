{{ config(
    tags=["core"],
    order_by="(collection_id, platform, post_shortcode)",
) }}

with

collection_items as (
    select
        collection_id,
        platform,
        post_shortcode,
        is_shown_in_report
    from {{ ref('stg_coffee_post_collection_item') }}
),

instagram_posts as (
    select
        shortcode,
        profile_id,
        likes,
        comments,
        coalesce(views, plays) as views,
        reach,
        published_at
    from {{ ref('stg_beat_instagram_post') }}
),

youtube_videos as (
    select
        video_id,
        channel_id,
        likes,
        comments,
        views,
        published_at
    from {{ ref('stg_beat_youtube_post') }}
),

instagram_accounts as (
    select
        profile_id,
        followers
    from {{ ref('mart_instagram_account') }}
),

youtube_channels as (
    select
        channel_id,
        subscribers
    from {{ ref('mart_youtube_account') }}
),

{#- What differs between the networks' posts: where each keeps its posts, its authors and their
    audience, and the names it uses. YouTube counts no reach. #}
{%- set networks = [
    {
        "platform": "instagram",
        "posts": "instagram_posts",
        "post_key": "shortcode",
        "author": "profile_id",
        "reach": "instagram_posts.reach",
        "authors": "instagram_accounts",
        "audience": "followers",
    },
    {
        "platform": "youtube",
        "posts": "youtube_videos",
        "post_key": "video_id",
        "author": "channel_id",
        "reach": "CAST(NULL, 'Nullable(Int64)')",
        "authors": "youtube_channels",
        "audience": "subscribers",
    },
] %}

posts as (
    {%- for network in networks %}
    select
        '{{ network.platform }}' as platform,
        {{ network.posts }}.{{ network.post_key }} as post_shortcode,
        {{ network.posts }}.{{ network.author }} as profile_id,
        {{ network.posts }}.likes as likes,
        {{ network.posts }}.comments as comments,
        {{ network.posts }}.views as views,
        {{ network.reach }} as reach,
        {{ network.authors }}.{{ network.audience }} as followers,
        {{ network.posts }}.published_at as published_at
    from {{ network.posts }}
    left join {{ network.authors }}
        on {{ network.posts }}.{{ network.author }} = {{ network.authors }}.{{ network.author }}
    where {{ network.posts }}.{{ network.post_key }} in (
        select post_shortcode from collection_items where platform = '{{ network.platform }}'
    )
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

collection_posts as (
    select
        collection_items.collection_id as collection_id,
        collection_items.platform as platform,
        collection_items.post_shortcode as post_shortcode,
        posts.profile_id as profile_id,
        posts.likes as likes,
        posts.comments as comments,
        posts.views as views,
        posts.reach as reach,
        -- Interactions per 100 followers of the author, as for accounts.
        {{ engagement_rate('coalesce(posts.likes, 0) + coalesce(posts.comments, 0)', 'posts.followers') }}
            as engagement_rate,
        posts.published_at as publish_time,
        collection_items.is_shown_in_report as is_shown_in_report
    from collection_items
    left join posts {{ join_on('collection_items', 'posts', ['platform', 'post_shortcode']) }}
)

select * from collection_posts
