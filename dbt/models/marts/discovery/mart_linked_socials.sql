{{ config(
    tags=["daily"],
    order_by="(instagram_profile_id, youtube_channel_id)",
) }}

{#
    Instagram profiles and YouTube channels that are the same creator, as the creators say it
    themselves: an Instagram bio or website linking youtube.com/@handle or
    youtube.com/channel/ID, or a channel description linking instagram.com/handle. Handles
    match whatever their case. A pair linked both ways has both in `linked_by`.
#}

with

instagram_accounts as (
    select
        profile_id,
        lower(handle) as handle,
        followers,
        concat(coalesce(external_url, ''), ' ', coalesce(biography, '')) as links_text
    from {{ ref('stg_beat_instagram_account') }}
),

youtube_channels as (
    select
        channel_id,
        lower(coalesce(handle, '')) as handle,
        subscribers,
        coalesce(description, '') as links_text
    from {{ ref('stg_beat_youtube_account') }}
),

-- A channel is named in a link by its handle or by its id.
youtube_names as (
    select
        channel_id,
        name
    from youtube_channels
    array join arrayFilter(name -> name != '', [handle, lower(channel_id)]) as name
),

from_instagram as (
    select
        instagram_accounts.profile_id as instagram_profile_id,
        youtube_names.channel_id as youtube_channel_id,
        'instagram' as linked_from
    from instagram_accounts
    array join
        extractAll(lower(links_text), 'youtube\\.com/(?:@|channel/)([a-z0-9_.-]+)') as named
    inner join youtube_names on named = youtube_names.name
),

from_youtube as (
    select
        instagram_accounts.profile_id as instagram_profile_id,
        youtube_channels.channel_id as youtube_channel_id,
        'youtube' as linked_from
    from youtube_channels
    array join extractAll(lower(links_text), 'instagram\\.com/([a-z0-9_.]+)') as named
    inner join instagram_accounts on named = instagram_accounts.handle
),

links as (
    select
        instagram_profile_id,
        youtube_channel_id,
        arraySort(groupUniqArray(linked_from)) as linked_by
    from (
        select * from from_instagram
        union all
        select * from from_youtube
    )
    group by instagram_profile_id, youtube_channel_id
),

linked as (
    select
        links.*,
        instagram_accounts.handle as instagram_handle,
        youtube_channels.handle as youtube_handle,
        instagram_accounts.followers as instagram_followers,
        youtube_channels.subscribers as youtube_subscribers,
        instagram_followers + youtube_subscribers as combined_followers
    from links
    inner join instagram_accounts on links.instagram_profile_id = instagram_accounts.profile_id
    inner join youtube_channels on links.youtube_channel_id = youtube_channels.channel_id
)

select * from linked
