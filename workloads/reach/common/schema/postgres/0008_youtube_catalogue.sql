-- What the YouTube Data API says about channels beyond their account and videos
-- (playlists and their entries, the video categories a region lists, the sections of a
-- channel's home page), keyed by the API's own ids. Generated from
-- reach.scraper.networks (a test compares them): change the Python and add a new
-- migration; never edit this file once applied.

CREATE TABLE youtube_playlist (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    playlist_id text NOT NULL,
    channel_id text NOT NULL,
    title text,
    description text,
    item_count bigint,
    privacy_status text,
    thumbnail_url text,
    publish_time timestamptz,
    source text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (playlist_id)
);
CREATE INDEX youtube_playlist_channel_id_idx ON youtube_playlist (channel_id);

CREATE TABLE youtube_playlist_item (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    playlist_id text NOT NULL,
    video_id text NOT NULL,
    item_id text,
    position integer,
    video_published_at timestamptz,
    source text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (playlist_id, video_id)
);

CREATE TABLE youtube_video_category (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region text NOT NULL,
    category_id text NOT NULL,
    title text NOT NULL,
    assignable boolean NOT NULL,
    source text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (region, category_id)
);

CREATE TABLE youtube_channel_section (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    section_id text NOT NULL,
    channel_id text NOT NULL,
    section_type text NOT NULL,
    title text,
    position integer,
    playlist_ids text[] NOT NULL,
    channel_ids text[] NOT NULL,
    source text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (section_id)
);
CREATE INDEX youtube_channel_section_channel_id_idx ON youtube_channel_section (channel_id, position);
