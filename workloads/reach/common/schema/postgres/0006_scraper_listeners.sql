-- What the scraper's `identity_token` and `sentiment_report` listeners keep.
--
-- credential.token_issued_at: when the identity service issued (or revoked) the token a
-- credential holds. A token message older than it changes nothing, so a redelivered or
-- reordered message cannot bring back a rotated-out or revoked token.
--
-- sentiment_report: the latest sentiment summary of each post a report was asked for, from its
-- comments' scores in sentiment_log; asking again replaces it.

ALTER TABLE credential ADD COLUMN token_issued_at timestamptz;

CREATE TABLE sentiment_report (
    platform     text NOT NULL CHECK (platform IN ('instagram', 'youtube')),
    post_id      text NOT NULL,
    comments     integer NOT NULL,
    mean_score   double precision,
    positive     integer NOT NULL,
    negative     integer NOT NULL,
    neutral      integer NOT NULL,
    scored_until timestamptz,
    reported_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (platform, post_id)
);
