-- A scheduled enqueue with `stale_after_hours` skips what a task of its flow completed within
-- that time (for the flows whose tables keep no time of their own): looked up by flow and
-- dedup key among completed tasks, the bulk of the queue table.

CREATE INDEX scrape_request_log_completed_idx
    ON scrape_request_log (flow, dedup_key, completed_at) WHERE status = 'COMPLETE';
