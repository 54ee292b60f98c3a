-- What the YouTube Data API says about channels beyond their account and videos: their
-- playlists and what each holds. Keyed by the API's own ids; the scraper's generated upserts
-- (reach.scraper.networks) fill every column but the timestamps.

CREATE TABLE youtube_playlist (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    playlist_id    text NOT NULL UNIQUE,
    channel_id     text NOT NULL,
    title          text,
    description    text,
    item_count     bigint,
    privacy_status text,
    thumbnail_url  text,
    publish_time   timestamptz,
    source         text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX youtube_playlist_channel_idx ON youtube_playlist (channel_id);

CREATE TABLE youtube_playlist_item (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id            text NOT NULL UNIQUE,
    playlist_id        text NOT NULL,
    video_id           text NOT NULL,
    position           integer,
    video_published_at timestamptz,
    source             text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX youtube_playlist_item_playlist_idx ON youtube_playlist_item (playlist_id, position);
