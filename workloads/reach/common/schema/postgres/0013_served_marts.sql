-- The marts the discovery and genre routes serve, replaced by the daily syncs
-- (`reach pipelines sync genre_trending_content`, `linked_socials`, `audience_info_gpt`):
-- created here with the syncs' declared columns, so the API can read them before the first sync.

CREATE TABLE mart_genre_trending_content (
    category         text,
    trend_rank       bigint,
    post_id          text PRIMARY KEY,
    shortcode        text,
    profile_id       text,
    handle           text,
    post_type        text,
    likes            bigint,
    comments         bigint,
    published_at     timestamptz,
    engagement_rate  double precision
);
CREATE INDEX mart_genre_trending_content_rank_idx
    ON mart_genre_trending_content (category, trend_rank);

CREATE TABLE mart_linked_socials (
    instagram_profile_id  text NOT NULL,
    youtube_channel_id    text NOT NULL,
    linked_by             text[],
    instagram_handle      text,
    youtube_handle        text,
    instagram_followers   bigint,
    youtube_subscribers   bigint,
    combined_followers    bigint,
    PRIMARY KEY (instagram_profile_id, youtube_channel_id)
);
CREATE INDEX mart_linked_socials_youtube_idx ON mart_linked_socials (youtube_channel_id);

CREATE TABLE mart_audience_info_gpt (
    platform       text NOT NULL,
    profile_id     text NOT NULL,
    male_share     double precision,
    female_share   double precision,
    age_split      jsonb,
    country_split  jsonb,
    top_age_group  text,
    top_country    text,
    interests      text[],
    inferred_at    timestamptz,
    PRIMARY KEY (platform, profile_id)
);
