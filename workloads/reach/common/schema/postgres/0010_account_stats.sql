-- An Instagram profile's page head and monthly stats, replaced by the daily syncs
-- (`reach pipelines sync insta_account_summary`, `insta_account_monthly`); created here so the
-- API can read them before the first sync. Their rows are derived and replaced by every sync, so
-- a copy an earlier sync created with inferred types is dropped rather than kept.

DROP TABLE IF EXISTS mart_insta_account_summary;
DROP TABLE IF EXISTS mart_insta_account_monthly;

CREATE TABLE mart_insta_account_summary (
    profile_id                     text PRIMARY KEY,
    handle                         text,
    category                       text,
    language                       text,
    country                        text,
    followers                      bigint,
    engagement_rate                double precision,
    engagement_grade               text,
    followers_rank                 bigint,
    engagement_rate_rank           bigint,
    recent_posts                   bigint,
    recent_reels                   bigint,
    reach_rate                     double precision,
    latest_month                   date,
    latest_month_followers_gained  bigint,
    latest_month_followers_growth  double precision
);

CREATE TABLE mart_insta_account_monthly (
    profile_id                text NOT NULL,
    month                     date NOT NULL,
    followers                 bigint,
    following                 bigint,
    media_count               bigint,
    previous_month_followers  bigint,
    followers_gained          bigint,
    followers_growth          double precision,
    posts_published           bigint,
    avg_likes                 double precision,
    avg_comments              double precision,
    engagement_rate           double precision,
    PRIMARY KEY (profile_id, month)
);
