{{ config(
    tags=["daily"],
    order_by="location_id",
) }}

{#
    Each place Instagram posts are tagged at: its name and coordinates as its most recently
    published post wrote them, its posts, their creators and engagement. The engagement rate
    is the interactions (likes + comments) per 100 followers of the posting creators, summed
    over the posts whose likes, comments and creator's followers are known (a creator without
    followers is not counted).
#}

with

located_posts as (
    select
        post_id,
        profile_id,
        location_id,
        location_name,
        location_lat,
        location_lng,
        likes,
        comments,
        published_at
    from {{ ref('stg_beat_instagram_post') }}
    where location_id is not null
),

creators as (
    select
        profile_id,
        followers
    from {{ ref('stg_beat_instagram_account') }}
),

measured as (
    select
        located_posts.*,
        creators.followers as followers,
        if(followers > 0, likes + comments, NULL) as interactions
    from located_posts
    left join creators {{ join_on('located_posts', 'creators', ['profile_id']) }}
),

-- Inputs named with their CTE: the output columns reuse their names.
locations as (
    select
        assumeNotNull(measured.location_id) as location_id,
        argMax(measured.location_name, measured.published_at) as location_name,
        argMax(measured.location_lat, measured.published_at) as location_lat,
        argMax(measured.location_lng, measured.published_at) as location_lng,
        count() as posts,
        uniqExact(measured.profile_id) as creators,
        sum(measured.likes) as likes,
        sum(measured.comments) as comments,
        avg(measured.likes) as avg_likes,
        avg(measured.comments) as avg_comments,
        {{ engagement_rate(
            'sum(measured.interactions)',
            'sumIf(measured.followers, isNotNull(measured.interactions))'
        ) }} as engagement_rate,
        max(measured.published_at) as latest_post_at
    from measured
    group by measured.location_id
)

select * from locations
