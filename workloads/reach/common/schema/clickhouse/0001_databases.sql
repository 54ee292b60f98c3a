-- Raw events land in `_e` (tables come with their writers); dbt builds its models in `dbt`.
CREATE DATABASE IF NOT EXISTS _e;
CREATE DATABASE IF NOT EXISTS dbt;
