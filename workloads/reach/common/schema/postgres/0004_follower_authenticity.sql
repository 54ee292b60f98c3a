-- Each analysed creator's latest follower analysis, synced from ClickHouse
-- (`reach pipelines sync follower_authenticity`); created here so the API can read it before
-- the first sync.

CREATE TABLE follower_authenticity (
    platform          text NOT NULL,
    profile_id        text NOT NULL,
    followers_scored  bigint NOT NULL,
    real_share        double precision NOT NULL,
    weak_fake_share   double precision NOT NULL,
    fake_share        double precision NOT NULL,
    top_fake_reasons  text[] NOT NULL,
    analysed_at       timestamptz NOT NULL,
    PRIMARY KEY (platform, profile_id)
);
