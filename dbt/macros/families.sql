{#
    The mart families whose members differ only in what they read: each family is one macro
    over its members' declarations in mart_families(), and each member's model is a one-line
    call naming itself.
#}

{#
    The declarations of the mart families, by family:
    - staging_collection, by collection kind: the items (`item_relation`, filtered to the
      platform, keeping `item_columns`) and their collection's header (`collection_relation`),
      and by platform the latest data of what an item points at (`latest`: its `relation`
      joined on `item_key` = `latest_key`, its `columns` as expression -> name).
    - partial_update, by subset of an account's columns: the `columns` it refreshes
      (expression -> name) from the newest row that has every column of `requires` of the
      source it `reads` (partial_update_sources: newest by `latest_by`, at `time`), and the
      figures `derived` from them.
#}
{% macro mart_families() -%}
    {{ return({
        "staging_collection": {
            "profile": {
                "collection_relation": "stg_coffee_profile_collection",
                "item_relation": "stg_coffee_profile_collection_item",
                "item_key": "profile_id",
                "item_columns": ["profile_id", "added_at"],
                "latest": {
                    "instagram": {
                        "relation": "mart_instagram_account",
                        "latest_key": "profile_id",
                        "columns": {
                            "handle": "handle",
                            "full_name": "display_name",
                            "profile_pic_url": "picture_url",
                            "category": "category",
                            "country": "country",
                            "followers": "followers",
                            "engagement_rate": "engagement_rate",
                            "engagement_grade": "engagement_grade",
                            "followers_rank": "followers_rank",
                            "refreshed_at": "refreshed_at",
                        },
                    },
                    "youtube": {
                        "relation": "mart_youtube_account",
                        "latest_key": "channel_id",
                        "columns": {
                            "handle": "handle",
                            "title": "display_name",
                            "thumbnail_url": "picture_url",
                            "category": "category",
                            "country": "country",
                            "subscribers": "followers",
                            "engagement_rate": "engagement_rate",
                            "subscribers_rank": "followers_rank",
                            "refreshed_at": "refreshed_at",
                        },
                    },
                },
            },
            "post": {
                "collection_relation": "stg_coffee_post_collection",
                "item_relation": "mart_collection_post",
                "item_key": "post_shortcode",
                "item_columns": [
                    "post_shortcode", "profile_id", "likes", "comments", "views", "reach",
                    "engagement_rate", "publish_time", "is_shown_in_report",
                ],
                "latest": {
                    "instagram": {
                        "relation": "stg_beat_instagram_post",
                        "latest_key": "shortcode",
                        "columns": {
                            "post_type": "post_type",
                            "caption": "caption",
                            "hashtags": "tags",
                            "thumbnail_url": "thumbnail_url",
                        },
                    },
                    "youtube": {
                        "relation": "stg_beat_youtube_post",
                        "latest_key": "video_id",
                        "columns": {
                            "if(is_short, 'short', 'video')": "post_type",
                            "title": "caption",
                            "tags": "tags",
                            "thumbnail_url": "thumbnail_url",
                        },
                    },
                },
            },
        },
        "partial_update_sources": {
            "profile_log": {
                "relation": "stg_beat_profile_log",
                "time": "scraped_at",
                "latest_by": "(scraped_at, event_id)",
            },
            "audience_info_gpt": {
                "relation": "stg_beat_audience_info_gpt",
                "time": "inferred_at",
                "latest_by": "inferred_at",
            },
        },
        "partial_update": {
            "followers": {
                "reads": "profile_log",
                "columns": {"followers": "followers", "following": "following", "posts": "posts"},
                "requires": ["followers"],
                "derived": {},
            },
            "engagement": {
                "reads": "profile_log",
                "columns": {
                    "followers": "followers",
                    "avg_likes": "avg_likes",
                    "avg_comments": "avg_comments",
                },
                "requires": ["avg_likes", "avg_comments"],
                "derived": {
                    "engagement_rate": engagement_rate('avg_likes + avg_comments', 'followers'),
                },
            },
            "attributes": {
                "reads": "profile_log",
                "columns": {
                    "handle": "handle",
                    "full_name": "full_name",
                    "category": "category",
                    "language": "language",
                    "country": "country",
                    "is_verified": "is_verified",
                    "is_business": "is_business",
                },
                "requires": [],
                "derived": {},
            },
            "audience": {
                "reads": "audience_info_gpt",
                "columns": {
                    "audience_gender_json": "audience_gender_json",
                    "audience_age_json": "audience_age_json",
                    "audience_location_json": "audience_location_json",
                    "interests": "audience_interests",
                    "inferred_by": "inferred_by",
                },
                "requires": [],
                "derived": {},
            },
        },
    }) }}
{%- endmacro %}

{#
    A staging-collection mart: every item of the `kind` collections ("profile" or "post") on
    `platform`, with its collection's name and partner (id and name) and the latest data of the
    profile or post it names (NULL while that was never scraped: `is_scraped` says which).
#}
{% macro staging_collection(kind, platform) -%}
{%- set member = mart_families().staging_collection[kind] -%}
{%- set latest = member.latest[platform] -%}
with

collections as (
    select
        collection_id,
        partner_id,
        collection_name
    from {{ ref(member.collection_relation) }}
),

partners as (
    select
        partner_id,
        partner_name
    from {{ ref('stg_coffee_partner') }}
),

items as (
    select
        collection_id,
        {{ member.item_columns | join(",\n        ") }}
    from {{ ref(member.item_relation) }}
    where platform = '{{ platform }}'
),

latest as (
    select
        {{ latest.latest_key }} as latest_key,
        true as is_scraped,
        {%- for expression, name in latest.columns.items() %}
        {{ expression }} as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref(latest.relation) }}
    where {{ latest.latest_key }} in (select {{ member.item_key }} from items)
),

collected as (
    select
        items.collection_id as collection_id,
        collections.partner_id as partner_id,
        partners.partner_name as partner_name,
        collections.collection_name as collection_name,
        '{{ platform }}' as platform,
        {%- for column in member.item_columns %}
        items.{{ column }} as {{ column }},
        {%- endfor %}
        -- Not `is not null` of a right-hand column: a non-nullable column's test folds to true.
        coalesce(latest.is_scraped, false) as is_scraped,
        {%- for name in latest.columns.values() %}
        latest.{{ name }} as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from items
    left join collections on items.collection_id = collections.collection_id
    left join partners on collections.partner_id = partners.partner_id
    left join latest on items.{{ member.item_key }} = latest.latest_key
)

select * from collected
{%- endmacro %}

{#
    A partial-update mart: per `platform` account, the `subset` of its columns as its newest
    data says, and when that data is from (`updated_at`). Incremental on the account: a run
    reads the data from var `partial_update_lookback_days` before the newest it stored (late
    data of those days counts) and replaces the rows of the accounts it saw.
#}
{% macro partial_update(platform, subset) -%}
{%- set families = mart_families() -%}
{%- set member = families.partial_update[subset] -%}
{%- set read = families.partial_update_sources[member.reads] -%}
with

changes as (
    select
        profile_id,
        {%- for expression, name in member.columns.items() %}
        {{ expression }} as {{ name }},
        {%- endfor %}
        {{ read.time }} as changed_at,
        {{ read.latest_by }} as change_order
    from {{ ref(read.relation) }}
    where platform = '{{ platform }}'
        {%- for column in member.requires %}
        and {{ column }} is not null
        {%- endfor %}
        {%- if is_incremental() %}
        and {{ read.time }} >= (
            select max(updated_at) - toIntervalDay({{ var('partial_update_lookback_days') }})
            from {{ this }}
        )
        {%- endif %}
),

-- One tuple of the newest row's columns: argMax of a single column would skip its NULLs and
-- mix the columns of different rows.
latest as (
    select
        profile_id,
        argMax(tuple({{ member.columns.values() | join(", ") }}), change_order) as newest,
        max(changed_at) as updated_at
    from changes
    group by profile_id
),

unpacked as (
    select
        profile_id,
        {%- for name in member.columns.values() %}
        tupleElement(newest, {{ loop.index }}) as {{ name }},
        {%- endfor %}
        updated_at
    from latest
),

updates as (
    select
        '{{ platform }}' as platform,
        profile_id,
        {%- for name in member.columns.values() %}
        {{ name }},
        {%- endfor %}
        {%- for name, expression in member.derived.items() %}
        {{ expression }} as {{ name }},
        {%- endfor %}
        updated_at
    from unpacked
)

select * from updates
{%- endmacro %}
