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

{#
    A staging model whose columns are the ones its .yml declares, in that order: each column is
    named once, with its description and tests, and selected as `meta.from` (an expression over
    the source's columns; the column of the same name when absent). Reads `relation` (a
    source()), with FINAL where `final` (raw event tables collapse redelivered events).
#}
{% macro staged(relation, final=false) -%}
with

renamed as (
    select
        {%- for column in model.columns.values() %}
        {% if "from" in column.meta %}{{ column.meta["from"] }} as {% endif -%}
        {{ column.name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ relation }}{{ " final" if final }}
)

select * from renamed
{%- endmacro %}
