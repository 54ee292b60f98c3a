{#
    PostgreSQL tables are read live through ClickHouse's postgresql() table function with the
    connection kept in the named collection `reach_postgres`. `reach pipelines dbt` sets the
    DBT_POSTGRES_* variables from REACH_POSTGRES_DSN; the collection is created once and then
    altered in place, so a changed password takes effect without a moment where views over it
    fail. ClickHouse masks the collection's values in system tables and SHOW CREATE.
#}
{% macro create_postgres_replica() %}
    {%- set params = {
        "host": env_var("DBT_POSTGRES_HOST", "127.0.0.1"),
        "port": env_var("DBT_POSTGRES_PORT", "5432"),
        "database": env_var("DBT_POSTGRES_DATABASE", "reach"),
        "user": env_var("DBT_POSTGRES_USER", "reach"),
        "password": env_var("DBT_POSTGRES_PASSWORD", ""),
        "schema": env_var("DBT_POSTGRES_SCHEMA", "public"),
    } -%}
    {%- set pairs = [] -%}
    {%- for key, value in params.items() -%}
        {%- do pairs.append(key ~ " = '" ~ (value | replace("\\", "\\\\") | replace("'", "\\'")) ~ "'") -%}
    {%- endfor -%}
    {%- if execute -%}
        {% do run_query("CREATE NAMED COLLECTION IF NOT EXISTS reach_postgres AS " ~ pairs | join(", ")) %}
    {%- endif -%}
    ALTER NAMED COLLECTION reach_postgres SET {{ pairs | join(", ") }}
{% endmacro %}


{#
    source() for the PostgreSQL sources (vars.postgres_replica_sources) renders the table
    function instead of a relation; calling builtins.source first keeps the lineage in the
    manifest and the docs. Every other source is an ordinary ClickHouse table.
#}
{% macro source(source_name, table_name) %}
    {%- set relation = builtins.source(source_name, table_name) -%}
    {%- if source_name in var("postgres_replica_sources") -%}
        {{ return("postgresql(reach_postgres, table = '" ~ relation.identifier ~ "')") }}
    {%- endif -%}
    {{ return(relation) }}
{% endmacro %}
