-- What the Instagram Graph API's insights say about the business and creator accounts
-- that connected to Reach (a `graphapi` credential named by the account's profile id):
-- their days, one row per network, account and day (the day the upstream's end_time
-- closes, UTC), and their posts' impressions next to the reach, saves and shares their
-- rows already count. Generated from reach.scraper.networks (a test compares them):
-- change the Python and add a new migration; never edit this file once applied.

CREATE TABLE profile_insights (
    platform text NOT NULL,
    profile_id text NOT NULL,
    date date NOT NULL,
    reach bigint,
    impressions bigint,
    profile_views bigint,
    website_clicks bigint,
    follower_count bigint,
    source text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (platform, profile_id, date)
);

ALTER TABLE instagram_post ADD COLUMN impressions bigint;
