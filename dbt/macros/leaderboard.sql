{#
    The ranking a Leaderboard resource asks for, from the vars its CronJob passes
    (`--vars '{"leaderboard_name": ..., "leaderboard_network": ..., "leaderboard_metric": ...,
    "leaderboard_dimensions": [...]}'`), checked against the values the resource's schema allows
    so that a typo fails the build instead of serving a ranking nobody asked for. The name is the
    resource's (a Kubernetes object name), so it is safe to quote into SQL once it matches that
    pattern. Returns the name ("" when no Leaderboard asked: the model then builds no rows), the
    network, the metric and the dimensions the rank is computed within.
#}
{% macro leaderboard_request() %}
    {%- set networks = ["instagram", "youtube", "cross_platform"] -%}
    {%- set metrics = ["followers", "engagement_rate", "views"] -%}
    {%- set allowed_dimensions = ["category", "language", "country"] -%}
    {%- set name = var("leaderboard_name") -%}
    {%- set network = var("leaderboard_network") -%}
    {%- set metric = var("leaderboard_metric") -%}
    {%- set dimensions = var("leaderboard_dimensions") -%}
    {%- if name is not string
        or (name and not modules.re.fullmatch("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?", name)) -%}
        {{ exceptions.raise_compiler_error(
            "leaderboard_name must be a Kubernetes object name, not " ~ name) }}
    {%- endif -%}
    {%- if network not in networks -%}
        {{ exceptions.raise_compiler_error(
            "leaderboard_network must be one of " ~ networks ~ ", not " ~ network) }}
    {%- endif -%}
    {%- if metric not in metrics -%}
        {{ exceptions.raise_compiler_error(
            "leaderboard_metric must be one of " ~ metrics ~ ", not " ~ metric) }}
    {%- endif -%}
    {%- if dimensions is string or dimensions is mapping or dimensions is not iterable -%}
        {{ exceptions.raise_compiler_error(
            "leaderboard_dimensions must be a list, not " ~ dimensions) }}
    {%- endif -%}
    {%- set chosen = [] -%}
    {%- for dimension in dimensions -%}
        {%- if dimension not in allowed_dimensions -%}
            {{ exceptions.raise_compiler_error(
                "leaderboard_dimensions may hold " ~ allowed_dimensions ~ ", not " ~ dimension) }}
        {%- endif -%}
        {%- if dimension not in chosen -%}
            {%- do chosen.append(dimension) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return({
        "name": name,
        "network": network,
        "metric": metric,
        "dimensions": chosen,
    }) }}
{% endmacro %}

{# What mart_leaderboard keeps of a profile's month besides its platforms and ranks, and what a
   Leaderboard's ranking reads of it. #}
{% macro standing_columns() -%}
    {{ return([
        "profile_id",
        "month",
        "handle",
        "category",
        "language",
        "country",
        "followers",
        "engagement_rate",
        "views",
    ]) }}
{%- endmacro %}
