-- Where an Instagram post is tagged: Instagram's location id, its name and coordinates, as the
-- RapidAPI-style source's posts say (the Graph API does not); a re-scrape without a location
-- keeps the stored one.
ALTER TABLE instagram_post
    ADD COLUMN location_id   text,
    ADD COLUMN location_name text,
    ADD COLUMN location_lat  double precision,
    ADD COLUMN location_lng  double precision;
CREATE INDEX instagram_post_location_id_idx ON instagram_post (location_id)
    WHERE location_id IS NOT NULL;

-- The posts and engagement of each location, replaced by the daily sync
-- (`reach pipelines sync post_location`, from mart_post_location); created here so the API can
-- read it before the first sync.
CREATE TABLE mart_post_location (
    location_id      text PRIMARY KEY,
    location_name    text,
    location_lat     double precision,
    location_lng     double precision,
    posts            bigint,
    creators         bigint,
    likes            bigint,
    comments         bigint,
    avg_likes        double precision,
    avg_comments     double precision,
    engagement_rate  double precision,
    latest_post_at   timestamptz
);
