-- The transactional schema: scraped profiles and posts, the scrape task queue, credentials,
-- audit logs, and the SaaS side (tenancy, collections, serving tables synced from ClickHouse).
-- Timestamps are timestamptz; counters are bigint; free-form payloads are jsonb.

-- Scraped data ------------------------------------------------------------------------------

CREATE TABLE instagram_account (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    profile_id        text NOT NULL UNIQUE,
    handle            text NOT NULL,
    full_name         text,
    biography         text,
    category          text,
    language          text,
    country           text,
    city              text,
    gender            text,
    topics            text[] NOT NULL DEFAULT '{}',
    followers         bigint,
    following         bigint,
    media_count       bigint,
    avg_likes         double precision,
    avg_comments      double precision,
    avg_reach         double precision,
    engagement_rate   double precision,
    profile_type      text,
    is_verified       boolean NOT NULL DEFAULT false,
    is_business       boolean NOT NULL DEFAULT false,
    is_private        boolean NOT NULL DEFAULT false,
    profile_pic_url   text,
    external_url      text,
    audience_gender   jsonb,
    audience_age      jsonb,
    audience_location jsonb,
    source            text,
    refreshed_at      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX instagram_account_handle_key ON instagram_account (lower(handle));

CREATE TABLE instagram_post (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id       text NOT NULL UNIQUE,
    shortcode     text NOT NULL UNIQUE,
    profile_id    text NOT NULL,
    post_type     text,
    caption       text,
    hashtags      text[] NOT NULL DEFAULT '{}',
    likes         bigint,
    comments      bigint,
    plays         bigint,
    views         bigint,
    reach         bigint,
    shares        bigint,
    saved         bigint,
    thumbnail_url text,
    display_url   text,
    publish_time  timestamptz,
    source        text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX instagram_post_profile_idx ON instagram_post (profile_id, publish_time DESC);

CREATE TABLE youtube_account (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel_id          text NOT NULL UNIQUE,
    handle              text,
    title               text,
    description         text,
    category            text,
    language            text,
    country             text,
    subscribers         bigint,
    total_views         bigint,
    video_count         bigint,
    avg_views           double precision,
    avg_likes           double precision,
    avg_comments        double precision,
    engagement_rate     double precision,
    plays               bigint,
    shorts_reach        bigint,
    uploads_playlist_id text,
    thumbnail_url       text,
    is_verified         boolean NOT NULL DEFAULT false,
    source              text,
    refreshed_at        timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX youtube_account_handle_key ON youtube_account (lower(handle));

CREATE TABLE youtube_post (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    video_id      text NOT NULL UNIQUE,
    channel_id    text NOT NULL,
    title         text,
    description   text,
    tags          text[] NOT NULL DEFAULT '{}',
    category_id   text,
    duration_s    integer,
    is_short      boolean NOT NULL DEFAULT false,
    views         bigint,
    likes         bigint,
    comments      bigint,
    thumbnail_url text,
    publish_time  timestamptz,
    source        text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX youtube_post_channel_idx ON youtube_post (channel_id, publish_time DESC);

-- The scrape task queue --------------------------------------------------------------------

CREATE TABLE scrape_request_log (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    flow             text NOT NULL,
    params           jsonb NOT NULL DEFAULT '{}',
    dedup_key        text,
    priority         smallint NOT NULL DEFAULT 0,
    status           text NOT NULL DEFAULT 'PENDING'
                     CHECK (status IN ('PENDING', 'PROCESSING', 'COMPLETE', 'FAILED', 'EXPIRED')),
    retry_count      integer NOT NULL DEFAULT 0,
    max_retries      integer NOT NULL DEFAULT 3,
    run_after        timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz,
    worker_id        text,
    lease_expires_at timestamptz,
    source           text,
    error            text,
    result           jsonb,
    picked_at        timestamptz,
    completed_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
-- Claiming: the highest priority, oldest pending task of a flow.
CREATE INDEX scrape_request_log_claim_idx
    ON scrape_request_log (flow, priority DESC, created_at) WHERE status = 'PENDING';
-- One pending task per flow + key.
CREATE UNIQUE INDEX scrape_request_log_dedup_key
    ON scrape_request_log (flow, dedup_key) WHERE status = 'PENDING' AND dedup_key IS NOT NULL;
-- Reclaiming tasks whose worker stopped heartbeating.
CREATE INDEX scrape_request_log_lease_idx
    ON scrape_request_log (lease_expires_at) WHERE status = 'PROCESSING';
CREATE INDEX scrape_request_log_status_idx ON scrape_request_log (status, flow);

CREATE TABLE credential (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source          text NOT NULL,
    name            text NOT NULL,
    credentials     jsonb NOT NULL DEFAULT '{}',
    enabled         boolean NOT NULL DEFAULT true,
    disabled_till   timestamptz,
    disabled_reason text,
    last_used_at    timestamptz,
    use_count       bigint NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, name)
);

-- Audit logs of what the scraper saw -----------------------------------------------------

CREATE TABLE profile_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform   text NOT NULL,
    profile_id text NOT NULL,
    dimensions jsonb NOT NULL DEFAULT '{}',
    metrics    jsonb NOT NULL DEFAULT '{}',
    source     text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX profile_log_profile_idx ON profile_log (platform, profile_id, created_at DESC);

CREATE TABLE post_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform   text NOT NULL,
    post_id    text NOT NULL,
    profile_id text,
    dimensions jsonb NOT NULL DEFAULT '{}',
    metrics    jsonb NOT NULL DEFAULT '{}',
    source     text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX post_log_post_idx ON post_log (platform, post_id, created_at DESC);

CREATE TABLE asset_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform     text NOT NULL,
    entity_type  text NOT NULL CHECK (entity_type IN ('profile', 'post')),
    entity_id    text NOT NULL,
    asset_type   text NOT NULL,
    source_url   text NOT NULL,
    storage_url  text,
    cdn_url      text,
    content_type text,
    size_bytes   bigint,
    sha256       text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (platform, entity_type, entity_id, asset_type)
);

CREATE TABLE sentiment_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform   text NOT NULL,
    post_id    text NOT NULL,
    comment_id text NOT NULL,
    text       text,
    score      double precision NOT NULL,
    positive   double precision,
    negative   double precision,
    neutral    double precision,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (platform, comment_id)
);
CREATE INDEX sentiment_log_post_idx ON sentiment_log (platform, post_id);

-- Tenancy ------------------------------------------------------------------------------------

CREATE TABLE partner (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL,
    plan_type  text NOT NULL DEFAULT 'FREE' CHECK (plan_type IN ('FREE', 'SAAS', 'PRO')),
    status     text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE account (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id bigint NOT NULL REFERENCES partner (id) ON DELETE CASCADE,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_partner_idx ON account (partner_id);

CREATE TABLE account_user (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    email      text NOT NULL UNIQUE,
    name       text,
    role       text NOT NULL DEFAULT 'MEMBER' CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_user_account_idx ON account_user (account_id);

CREATE TABLE partner_usage (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id   bigint NOT NULL REFERENCES partner (id) ON DELETE CASCADE,
    module       text NOT NULL,
    plan_type    text NOT NULL,
    usage_count  bigint NOT NULL DEFAULT 0,
    limit_count  bigint,
    valid_from   timestamptz NOT NULL,
    valid_to     timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (partner_id, module, valid_from),
    CHECK (valid_from < valid_to)
);

CREATE TABLE partner_profile_page_track (
    partner_id       bigint NOT NULL REFERENCES partner (id) ON DELETE CASCADE,
    platform         text NOT NULL,
    profile_id       text NOT NULL,
    access_count     bigint NOT NULL DEFAULT 0,
    last_accessed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (partner_id, platform, profile_id)
);

CREATE TABLE activity_tracker (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id    bigint NOT NULL REFERENCES partner (id) ON DELETE CASCADE,
    user_id       bigint,
    activity_type text NOT NULL,
    entity_type   text,
    entity_id     text,
    metadata      jsonb NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activity_tracker_partner_idx ON activity_tracker (partner_id, created_at DESC);

-- Collections --------------------------------------------------------------------------------

CREATE TABLE profile_collection (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id  bigint NOT NULL REFERENCES partner (id) ON DELETE CASCADE,
    name        text NOT NULL,
    description text,
    share_id    text NOT NULL UNIQUE,
    source      text NOT NULL DEFAULT 'SAAS' CHECK (source IN ('SAAS', 'CAMPAIGN')),
    created_by  bigint,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX profile_collection_partner_idx ON profile_collection (partner_id, created_at DESC);

CREATE TABLE profile_collection_item (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    collection_id       bigint NOT NULL REFERENCES profile_collection (id) ON DELETE CASCADE,
    platform            text NOT NULL CHECK (platform IN ('instagram', 'youtube')),
    platform_profile_id text NOT NULL,
    custom_data         jsonb NOT NULL DEFAULT '{}',
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (collection_id, platform, platform_profile_id)
);

CREATE TABLE post_collection (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id          bigint NOT NULL REFERENCES partner (id) ON DELETE CASCADE,
    name                text NOT NULL,
    share_id            text NOT NULL UNIQUE,
    source              text NOT NULL DEFAULT 'SAAS' CHECK (source IN ('SAAS', 'CAMPAIGN')),
    ingestion_frequency interval,
    show_in_report      boolean NOT NULL DEFAULT true,
    created_by          bigint,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX post_collection_partner_idx ON post_collection (partner_id, created_at DESC);

CREATE TABLE post_collection_item (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    collection_id  bigint NOT NULL REFERENCES post_collection (id) ON DELETE CASCADE,
    platform       text NOT NULL CHECK (platform IN ('instagram', 'youtube')),
    post_shortcode text NOT NULL,
    show_in_report boolean NOT NULL DEFAULT true,
    custom_data    jsonb NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (collection_id, platform, post_shortcode)
);

CREATE TABLE collection_group (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id     bigint NOT NULL REFERENCES partner (id) ON DELETE CASCADE,
    name           text NOT NULL,
    collection_ids bigint[] NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX collection_group_partner_idx ON collection_group (partner_id);

-- Serving tables, replaced as a whole by `reach pipelines sync` -------------------------------

CREATE TABLE leaderboard (
    platform                       text NOT NULL,
    profile_id                     text NOT NULL,
    month                          date NOT NULL,
    handle                         text,
    category                       text,
    language                       text,
    country                        text,
    followers                      bigint,
    engagement_rate                double precision,
    followers_rank                 bigint,
    engagement_rate_rank           bigint,
    followers_rank_by_cat          bigint,
    engagement_rate_rank_by_cat    bigint,
    followers_rank_by_lang         bigint,
    engagement_rate_rank_by_lang   bigint,
    followers_rank_by_cat_lang     bigint,
    followers_rank_change          bigint,
    engagement_rate_rank_change    bigint,
    PRIMARY KEY (platform, month, profile_id)
);
CREATE INDEX leaderboard_category_idx ON leaderboard (platform, month, category, followers_rank_by_cat);

CREATE TABLE social_profile_time_series (
    platform        text NOT NULL,
    profile_id      text NOT NULL,
    date            date NOT NULL,
    followers       bigint,
    following       bigint,
    posts           bigint,
    engagement_rate double precision,
    avg_likes       double precision,
    avg_comments    double precision,
    followers_growth double precision,
    PRIMARY KEY (platform, profile_id, date)
);

CREATE TABLE collection_post_metrics (
    collection_id   bigint NOT NULL,
    platform        text NOT NULL,
    post_shortcode  text NOT NULL,
    profile_id      text,
    likes           bigint,
    comments        bigint,
    views           bigint,
    reach           bigint,
    engagement_rate double precision,
    publish_time    timestamptz,
    PRIMARY KEY (collection_id, platform, post_shortcode)
);
