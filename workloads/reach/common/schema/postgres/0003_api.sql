-- The REST API's own tables beyond 0001: keyword collections (a partner's saved post searches,
-- whose missing keywords are sent to the scraper).

CREATE TABLE keyword_collection (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id  bigint NOT NULL REFERENCES partner (id) ON DELETE CASCADE,
    name        text NOT NULL,
    platform    text NOT NULL CHECK (platform IN ('instagram', 'youtube')),
    keywords    text[] NOT NULL CHECK (cardinality(keywords) > 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX keyword_collection_partner_idx ON keyword_collection (partner_id, created_at DESC);

-- Trending content of a genre and keyword searches read recent posts of many creators.
CREATE INDEX instagram_post_publish_idx ON instagram_post (publish_time DESC);
CREATE INDEX youtube_post_publish_idx ON youtube_post (publish_time DESC);
