-- GPT enrichment beyond the account's own columns.
--
-- audience_info_gpt: the audience a model infers for a creator from the creator's texts (who
-- follows them: gender, age and country buckets as {bucket: share}, as the Graph API's
-- demographics fill the accounts' audience_* columns, and their interests), the input of the
-- `mart_audience_info_gpt` mart for accounts without real demographics. One row per profile,
-- replaced by each enrichment.
CREATE TABLE audience_info_gpt (
    network           text NOT NULL,
    profile_id        text NOT NULL,
    audience_gender   jsonb NOT NULL,
    audience_age      jsonb NOT NULL,
    audience_location jsonb NOT NULL,
    interests         text[] NOT NULL,
    task_id           bigint,
    source            text NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (network, profile_id)
);

-- The content classification of a post from its caption or title: its category, whether it
-- is a paid partnership, and the brands it names.
ALTER TABLE instagram_post
    ADD COLUMN content_category text,
    ADD COLUMN is_sponsored boolean,
    ADD COLUMN brands text[];
ALTER TABLE youtube_post
    ADD COLUMN content_category text,
    ADD COLUMN is_sponsored boolean,
    ADD COLUMN brands text[];
