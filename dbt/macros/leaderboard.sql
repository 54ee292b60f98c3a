{#
    The ranking a Leaderboard resource asks for, from the vars its CronJob passes
    (`--vars '{"leaderboard_network": ..., "leaderboard_metric": ..., "leaderboard_dimensions": [...]}'`),
    checked against the values the resource's schema allows so that a typo fails the build
    instead of serving a ranking nobody asked for. Returns the platforms to build rows for, the
    metric and the dimensions the `rank` column groups by.
#}
{% macro leaderboard_request() %}
    {%- set platforms = ["instagram", "youtube", "cross_platform"] -%}
    {%- set metrics = ["followers", "engagement_rate", "views"] -%}
    {%- set allowed_dimensions = ["category", "language", "country"] -%}
    {%- set platform = var("leaderboard_network") -%}
    {%- set metric = var("leaderboard_metric") -%}
    {%- set dimensions = var("leaderboard_dimensions") -%}
    {%- if platform != "all" and platform not in platforms -%}
        {{ exceptions.raise_compiler_error(
            "leaderboard_network must be all or one of " ~ platforms ~ ", not " ~ platform) }}
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
        "platforms": platforms if platform == "all" else [platform],
        "metric": metric,
        "dimensions": chosen,
    }) }}
{% endmacro %}
