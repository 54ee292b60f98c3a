{# The metric definitions every mart shares; the plain-Python reference in
   reach.testing.marts mirrors each one. #}

{# Interactions per 100 followers (or views); NULL when the base is missing or zero. #}
{% macro engagement_rate(interactions, base) -%}
    if(({{ base }}) > 0, ({{ interactions }}) / ({{ base }}) * 100, NULL)
{%- endmacro %}

{# The mean of element `field` over an array of tuples, NULLs left out as avg() leaves them;
   NULL when no element has a value. #}
{% macro array_mean(tuples, field) -%}
    if(
        arrayCount(item -> isNotNull(item.{{ field }}), {{ tuples }}) > 0,
        arraySum(item -> ifNull(item.{{ field }}, 0), {{ tuples }})
            / arrayCount(item -> isNotNull(item.{{ field }}), {{ tuples }}),
        NULL
    )
{%- endmacro %}

{#
    Each account's averages over its most recent posts (var recent_posts), as the seed took
    them: newest first, unknown dates last, the larger post id first among equals. One array per
    account, sorted and cut there, rather than a sort of every post. Reads `posts` (with
    `account_id`, `post_id`, published_at and each of `metrics`); its columns are the account
    id, `count_as` (how many posts were averaged) and avg_<metric> for each of `metrics`.
#}
{% macro recent_post_averages(posts, account_id, post_id, metrics, count_as) -%}
    select
        {{ account_id }},
        length(recent) as {{ count_as }},
        {%- for metric in metrics %}
        {{ array_mean('recent', loop.index + 2) }} as avg_{{ metric }}{{ "," if not loop.last }}
        {%- endfor %}
    from (
        select
            {{ account_id }},
            arraySlice(
                arrayReverseSort(
                    post -> (isNotNull(post.1), assumeNotNull(post.1), post.2),
                    groupArray((published_at, {{ post_id }}, {{ metrics | join(', ') }}))
                ),
                1,
                {{ var('recent_posts') }}
            ) as recent
        from {{ posts }}
        group by {{ account_id }}
    )
{%- endmacro %}

{#
    An account's engagement rate (its recent posts' average likes + comments per 100 of its
    audience: followers, or a channel's subscribers) and the size tier it is graded within, from
    the recent_post_averages() relation `averages`.
#}
{% macro account_engagement(averages, audience) -%}
    {{ engagement_rate(averages ~ '.avg_likes + ' ~ averages ~ '.avg_comments', audience) }}
        as engagement_rate,
    {{ follower_tier(audience) }} as follower_tier
{%- endmacro %}

{# Relative change against the previous value; NULL without a previous non-zero value. #}
{% macro growth_rate(current, previous) -%}
    if(({{ previous }}) > 0, (({{ current }}) - ({{ previous }})) / ({{ previous }}), NULL)
{%- endmacro %}

{# The seed's size tiers, used to grade engagement against peers of similar reach. #}
{% macro follower_tier(followers) -%}
    multiIf(
        ({{ followers }}) IS NULL, NULL,
        ({{ followers }}) >= 1000000, 'mega',
        ({{ followers }}) >= 100000, 'macro',
        ({{ followers }}) >= 10000, 'micro',
        'nano'
    )
{%- endmacro %}

{#
    rank() semantics (ties share a rank, the next rank skips: 1, 1, 3), highest value first,
    within the groups of `within` (always-present keys such as platform and month) and of
    `dimensions` (optional text attributes such as category). Rows whose metric is NULL, or any
    of whose dimensions is NULL or empty, get NULL: they are not part of that ranking.
#}
{% macro rank_desc(metric, within=[], dimensions=[]) -%}
    {%- set excluded = ["(" ~ metric ~ ") IS NULL"] -%}
    {%- for column in dimensions -%}
        {%- do excluded.append("coalesce(" ~ column ~ ", '') = ''") -%}
    {%- endfor -%}
    {%- set is_excluded = excluded | join(" OR ") -%}
    if(
        {{ is_excluded }},
        NULL,
        rank() OVER (
            PARTITION BY {{ (within + dimensions + [is_excluded]) | join(", ") }}
            ORDER BY {{ metric }} DESC
        )
    )
{%- endmacro %}

{#
    The serving tables' rank columns, `<metric>_rank<suffix>`: each of `metrics` ranked by
    rank_desc within `within` and, per suffix of `by`, within its dimensions ("" none, "_by_cat"
    category, "_by_lang" language, "_by_cat_lang" both). Columns come suffix by suffix.
#}
{% macro rank_columns(metrics, by, within=[]) -%}
    {%- set dimensions_of = {
        "": [],
        "_by_cat": ["category"],
        "_by_lang": ["language"],
        "_by_cat_lang": ["category", "language"],
    } -%}
    {%- set columns = [] -%}
    {%- for suffix in by -%}
        {%- for metric in metrics -%}
            {%- do columns.append(
                rank_desc(metric, within=within, dimensions=dimensions_of[suffix])
                ~ " as " ~ metric ~ "_rank" ~ suffix
            ) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ columns | join(",\n") }}
{%- endmacro %}

{# A map's value at `key`, NULL when the key is absent (a map reads a missing key as 0). #}
{% macro map_value(map, key) -%}
    if(mapContains({{ map }}, '{{ key }}'), {{ map }}['{{ key }}'], NULL)
{%- endmacro %}

{# The gender, age and country splits (maps of shares) of a row's audience_*_json columns;
   an unknown split is empty. #}
{% macro audience_splits() -%}
    JSONExtract(coalesce(audience_gender_json, '{}'), 'Map(String, Float64)') as gender_split,
    JSONExtract(coalesce(audience_age_json, '{}'), 'Map(String, Float64)') as age_split,
    JSONExtract(coalesce(audience_location_json, '{}'), 'Map(String, Float64)') as country_split
{%- endmacro %}

{# The key of a split's (a map of shares) largest share, the key breaking ties; NULL when the
   split is unknown (empty). #}
{% macro largest_share(split) -%}
    nullIf(
        arraySort(
            share -> (-share.2, share.1),
            arrayZip(mapKeys({{ split }}), mapValues({{ split }}))
        )[1].1,
        ''
    )
{%- endmacro %}

{# A metric of an event's `metrics` map that the networks name differently, read under the name
   of the row's `platform` (YouTube's subscribers and video_count are Instagram's followers and
   media_count). #}
{% macro network_metric(instagram, youtube) -%}
    if(
        platform = 'youtube',
        {{ map_value('metrics', youtube) }},
        {{ map_value('metrics', instagram) }}
    )
{%- endmacro %}

{# Positive = climbed since the previous calendar month; NULL if not ranked then. Needs the
   model's `has_previous_month` and its window `profile_months` (the profile's rows by month,
   the previous one and the current one). #}
{% macro rank_change(rank) -%}
    if(
        has_previous_month,
        toInt64(lagInFrame({{ rank }}) over profile_months) - toInt64({{ rank }}),
        NULL
    )
{%- endmacro %}
