-- The scrape queue wakes its workers itself: any INSERT of pending tasks (the scraper's API,
-- its listeners, or an Airflow DAG writing SQL directly) notifies channel `scrape_request_log`
-- with the flow's name, once per flow per statement, so idle workers claim at once instead of
-- polling.

CREATE FUNCTION scrape_request_log_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('scrape_request_log', f.flow)
    FROM (SELECT DISTINCT flow FROM new_rows WHERE status = 'PENDING') AS f;
    RETURN NULL;
END
$$;

CREATE TRIGGER scrape_request_log_notify
    AFTER INSERT ON scrape_request_log
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION scrape_request_log_notify();
