{# The ON clause of a join of `left` and `right` on the key columns `keys` both have. #}
{% macro join_on(left, right, keys) -%}
    on {% for key in keys -%}
        {{ " and " if not loop.first }}{{ left }}.{{ key }} = {{ right }}.{{ key }}
    {%- endfor %}
{%- endmacro %}
