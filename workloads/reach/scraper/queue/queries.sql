-- The task queue's SQL, run by reach.scraper.queue.manager. Tasks are rows of
-- scrape_request_log; a task is PENDING (claimable once run_after has come), PROCESSING (held
-- by worker_id until lease_expires_at), or finished: COMPLETE, FAILED (with the reason in
-- `error`) or EXPIRED (expires_at passed before a worker picked it).
-- Every write to a PROCESSING task is guarded by `worker_id` and the status, so a worker whose
-- lease ran out (and whose task another worker took) cannot finish it a second time.
-- Returning a task to PENDING checks for a pending duplicate first (the partial unique index
-- allows one per flow + dedup key): if one was enqueued meanwhile, that one carries the work
-- and this one is closed as FAILED with the reason.

-- name: enqueue
-- One task; a pending task with the same flow + dedup key absorbs it (its priority and
-- run_after move to the more urgent of the two). Returns the task's id and whether it is new.
INSERT INTO scrape_request_log AS t
    (flow, params, dedup_key, priority, max_retries, run_after, expires_at)
VALUES ($1, $2, $3, $4, $5, coalesce($6, now()), $7)
ON CONFLICT (flow, dedup_key) WHERE status = 'PENDING' AND dedup_key IS NOT NULL
DO UPDATE SET
    priority = greatest(t.priority, excluded.priority),
    run_after = least(t.run_after, excluded.run_after),
    updated_at = now()
RETURNING id, (xmax = 0) AS created;

-- name: enqueue_many
-- Many tasks in one statement (arrays of equal length); duplicates of pending tasks, and of
-- each other, are dropped. Returns the ids of the tasks created.
INSERT INTO scrape_request_log
    (flow, params, dedup_key, priority, max_retries, run_after, expires_at)
SELECT n.flow, n.params, n.dedup_key, n.priority, n.max_retries,
       coalesce(n.run_after, now()), n.expires_at
FROM unnest($1::text[], $2::jsonb[], $3::text[], $4::smallint[], $5::integer[],
            $6::timestamptz[], $7::timestamptz[])
     AS n (flow, params, dedup_key, priority, max_retries, run_after, expires_at)
ON CONFLICT (flow, dedup_key) WHERE status = 'PENDING' AND dedup_key IS NOT NULL DO NOTHING
RETURNING id;

-- name: claim
-- Up to $2 due tasks of flow $1, highest priority first then oldest, for worker $3 with a
-- lease of $4 seconds. Rows other workers are claiming are skipped, not waited for. A picked
-- task whose expires_at has passed is marked EXPIRED instead and returned as such, so expiry
-- costs no statement of its own.
WITH picked AS (
    SELECT id FROM scrape_request_log
    WHERE flow = $1 AND status = 'PENDING' AND run_after <= now()
    ORDER BY priority DESC, created_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
), stamped AS (
    SELECT picked.id, coalesce(t.expires_at <= now(), false) AS expired
    FROM picked JOIN scrape_request_log t USING (id)
)
UPDATE scrape_request_log AS t SET
    status = CASE WHEN s.expired THEN 'EXPIRED' ELSE 'PROCESSING' END,
    worker_id = $3,
    lease_expires_at = CASE WHEN s.expired THEN NULL ELSE now() + make_interval(secs => $4::float8) END,
    error = CASE WHEN s.expired THEN 'expired before a worker picked it' ELSE t.error END,
    completed_at = CASE WHEN s.expired THEN now() END,
    picked_at = now(),
    updated_at = now()
FROM stamped AS s
WHERE t.id = s.id
RETURNING t.id, t.flow, t.params, t.priority, t.status, t.retry_count, t.max_retries,
          t.dedup_key, t.created_at;

-- name: heartbeat
-- Extends the leases of worker $2's tasks $1 by $3 seconds; returns the ids it still holds.
UPDATE scrape_request_log SET
    lease_expires_at = now() + make_interval(secs => $3::float8),
    updated_at = now()
WHERE id = ANY($1::bigint[]) AND worker_id = $2 AND status = 'PROCESSING'
RETURNING id;

-- name: complete_many
-- Finishes worker $2's tasks: ids $1 with the source that answered ($3) and a result ($4).
-- Returns what it finished, with the attempt count and seconds since the pick.
UPDATE scrape_request_log AS t SET
    status = 'COMPLETE',
    source = d.source,
    result = d.result,
    error = NULL,
    lease_expires_at = NULL,
    completed_at = now(),
    updated_at = now()
FROM unnest($1::bigint[], $3::text[], $4::jsonb[]) AS d (id, source, result)
WHERE t.id = d.id AND t.worker_id = $2 AND t.status = 'PROCESSING'
RETURNING t.id, t.flow, t.retry_count,
          extract(epoch FROM now() - t.picked_at)::float8 AS seconds;

-- name: fail
-- A permanent failure of worker $2's task $1: FAILED at once with reason $3 (source $4).
UPDATE scrape_request_log SET
    status = 'FAILED',
    error = $3::text,
    source = $4::text,
    lease_expires_at = NULL,
    completed_at = now(),
    updated_at = now()
WHERE id = $1 AND worker_id = $2 AND status = 'PROCESSING'
RETURNING id, flow, status, retry_count, extract(epoch FROM now() - picked_at)::float8 AS seconds;

-- part: pending_duplicate
-- `d`: the pending task with the same flow + dedup key as task `me.task_id`, if one was
-- enqueued meanwhile (returning `me` to PENDING would then break the partial unique index).
LEFT JOIN LATERAL (
    SELECT dup.id FROM scrape_request_log dup, scrape_request_log self
    WHERE self.id = me.task_id AND dup.flow = self.flow AND dup.dedup_key = self.dedup_key
      AND dup.status = 'PENDING'
    LIMIT 1
) AS d ON true

-- part: task_back
-- The end of putting worker $2's task $1 back (its SET goes on): its lease is dropped, `d` is
-- the pending duplicate that supersedes it if there is one, and it returns what a finish does.
    lease_expires_at = NULL,
    updated_at = now()
FROM (SELECT $1::bigint AS task_id) AS me
{pending_duplicate}
WHERE t.id = me.task_id AND t.worker_id = $2 AND t.status = 'PROCESSING'
RETURNING t.id, t.flow, t.status, t.retry_count,
          extract(epoch FROM now() - t.picked_at)::float8 AS seconds

-- name: retry
-- A retryable failure of worker $2's task $1 with reason $3 (source $4): back to PENDING after
-- $5 seconds, or FAILED once max_retries retries were spent.
UPDATE scrape_request_log AS t SET
    retry_count = t.retry_count + 1,
    status = CASE
        WHEN t.retry_count >= t.max_retries THEN 'FAILED'
        WHEN d.id IS NOT NULL THEN 'FAILED'
        ELSE 'PENDING' END,
    error = CASE
        WHEN t.retry_count >= t.max_retries
            THEN format('gave up after %s retries: %s', t.max_retries, $3::text)
        WHEN d.id IS NOT NULL THEN format('superseded by pending task %s: %s', d.id, $3::text)
        ELSE $3::text END,
    source = $4::text,
    run_after = now() + make_interval(secs => $5::float8),
    completed_at = CASE WHEN t.retry_count >= t.max_retries OR d.id IS NOT NULL THEN now() END,
{task_back};

-- name: defer
-- Worker $2's task $1 would exceed a rate limit: back to PENDING until $3 (a timestamptz)
-- without spending a retry; $4 says why.
UPDATE scrape_request_log AS t SET
    status = CASE WHEN d.id IS NOT NULL THEN 'FAILED' ELSE 'PENDING' END,
    error = CASE WHEN d.id IS NOT NULL THEN format('superseded by pending task %s', d.id)
        ELSE $4::text END,
    run_after = $3::timestamptz,
    completed_at = CASE WHEN d.id IS NOT NULL THEN now() END,
{task_back};

-- name: release
-- A stopping worker $2 hands back tasks $1 it did not finish: PENDING again at once, no retry
-- spent, and idle workers of the flow are woken.
UPDATE scrape_request_log AS t SET
    status = CASE WHEN d.id IS NOT NULL THEN 'FAILED' ELSE 'PENDING' END,
    error = CASE WHEN d.id IS NOT NULL THEN format('superseded by pending task %s', d.id)
        ELSE t.error END,
    run_after = now(),
    lease_expires_at = NULL,
    completed_at = CASE WHEN d.id IS NOT NULL THEN now() END,
    updated_at = now()
FROM unnest($1::bigint[]) AS me (task_id)
{pending_duplicate}
WHERE t.id = me.task_id AND t.worker_id = $2 AND t.status = 'PROCESSING'
RETURNING t.id, t.status, pg_notify('scrape_request_log', t.flow)::text AS notified;

-- name: reclaim
-- Tasks of flow $1 whose worker stopped heartbeating (lease over): a retry is spent and they
-- are PENDING again (or FAILED when none is left). Up to $2 per call.
WITH lost AS (
    SELECT id FROM scrape_request_log
    WHERE status = 'PROCESSING' AND lease_expires_at < now() AND flow = $1
    ORDER BY lease_expires_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
)
UPDATE scrape_request_log AS t SET
    retry_count = t.retry_count + 1,
    status = CASE
        WHEN t.retry_count >= t.max_retries OR d.id IS NOT NULL THEN 'FAILED'
        ELSE 'PENDING' END,
    error = CASE
        WHEN d.id IS NOT NULL THEN format('superseded by pending task %s', d.id)
        WHEN t.retry_count >= t.max_retries
            THEN format('gave up after %s retries: lease of worker %s expired',
                        t.max_retries, t.worker_id)
        ELSE format('lease of worker %s expired', t.worker_id) END,
    run_after = now(),
    lease_expires_at = NULL,
    completed_at = CASE
        WHEN t.retry_count >= t.max_retries OR d.id IS NOT NULL THEN now() END,
    updated_at = now()
FROM lost AS me (task_id)
{pending_duplicate}
WHERE t.id = me.task_id
RETURNING t.id, t.flow, t.status, t.retry_count, 0.0::float8 AS seconds;

-- name: expire
-- Pending tasks of flow $1 past their expires_at, closed as EXPIRED.
UPDATE scrape_request_log SET
    status = 'EXPIRED',
    error = 'expired before a worker picked it',
    completed_at = now(),
    updated_at = now()
WHERE flow = $1 AND status = 'PENDING' AND expires_at <= now()
RETURNING id;

-- name: get
-- One task, as the API shows it.
SELECT id, flow, params, dedup_key, priority, status, retry_count, max_retries, run_after,
       expires_at, worker_id, lease_expires_at, source, error, result, picked_at, completed_at,
       created_at, updated_at
FROM scrape_request_log
WHERE id = $1;

-- name: stats
-- Monitoring: tasks by flow and status, with the age of the oldest due pending task.
SELECT flow, status, count(*) AS tasks,
       extract(epoch FROM now() - min(created_at) FILTER (
           WHERE status = 'PENDING' AND run_after <= now()))::float8 AS oldest_pending_s
FROM scrape_request_log
GROUP BY flow, status
ORDER BY flow, status;
