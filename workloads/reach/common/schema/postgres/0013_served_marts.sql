-- The marts the discovery, genre and collection analytics routes serve, replaced by the daily
-- syncs (`reach pipelines sync genre_trending_content`, `linked_socials`, `audience_info_gpt`,
-- `gcc_orders`): created here with the syncs' declared columns, so the API can read them before
-- the first sync.

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

CREATE TABLE mart_gcc_orders (
    collection_id    bigint NOT NULL,
    partner_id       bigint,
    platform         text NOT NULL,
    profile_id       text NOT NULL,
    handle           text,
    currency         text NOT NULL,
    orders           bigint,
    refunded_orders  bigint,
    revenue          double precision,
    items            bigint,
    avg_order_value  double precision,
    revenue_share    double precision,
    first_order_at   timestamptz,
    last_order_at    timestamptz,
    PRIMARY KEY (collection_id, platform, profile_id, currency)
);

-- The accounts marts (`reach pipelines sync instagram_accounts`, `youtube_accounts`, after each
-- core build), whose figures the discovery search ranges over: created here so a search reads
-- them before the first sync. Their rows are derived and replaced by every sync, so a copy an
-- earlier sync created is dropped rather than kept.

DROP TABLE IF EXISTS mart_instagram_account;
DROP TABLE IF EXISTS mart_youtube_account;

CREATE TABLE mart_instagram_account (
    profile_id                        text PRIMARY KEY,
    handle                            text,
    category                          text,
    language                          text,
    country                           text,
    full_name                         text,
    followers                         bigint,
    following                         bigint,
    media_count                       bigint,
    recent_posts                      integer,
    avg_likes                         double precision,
    avg_comments                      double precision,
    engagement_rate                   double precision,
    follower_tier                     text,
    engagement_grade                  text,
    followers_rank                    bigint,
    engagement_rate_rank              bigint,
    followers_rank_by_cat             bigint,
    engagement_rate_rank_by_cat       bigint,
    followers_rank_by_lang            bigint,
    engagement_rate_rank_by_lang      bigint,
    followers_rank_by_cat_lang        bigint,
    engagement_rate_rank_by_cat_lang  bigint,
    is_verified                       boolean,
    is_business                       boolean,
    refreshed_at                      timestamptz
);

CREATE TABLE mart_youtube_account (
    channel_id                    text PRIMARY KEY,
    handle                        text,
    category                      text,
    language                      text,
    country                       text,
    title                         text,
    subscribers                   bigint,
    total_views                   bigint,
    video_count                   bigint,
    recent_videos                 integer,
    avg_views                     double precision,
    avg_likes                     double precision,
    avg_comments                  double precision,
    engagement_rate               double precision,
    follower_tier                 text,
    subscribers_rank              bigint,
    engagement_rate_rank          bigint,
    subscribers_rank_by_cat       bigint,
    engagement_rate_rank_by_cat   bigint,
    subscribers_rank_by_lang      bigint,
    engagement_rate_rank_by_lang  bigint,
    is_verified                   boolean,
    refreshed_at                  timestamptz
);
