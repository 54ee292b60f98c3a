{#
    Column sets the staging models share, named the way the staging layer names them. Each
    staging model is one `renamed` step that reads its source() directly and names every column
    it keeps once: no `select *`, and no import CTE listing the same columns a second time.
#}

{# The ids and strings every coffee collection has, of posts or of profiles. #}
{% macro collection_columns() -%}
    id as collection_id,
    partner_id,
    name as collection_name,
    share_id,
    source as collection_source
{%- endmacro %}
