{# Fails for each row whose `column_name` lies outside [min_value, max_value] (NULLs pass). #}
{% test within_range(model, column_name, min_value, max_value) %}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}
{% endtest %}
