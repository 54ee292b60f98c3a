-- Every Leaderboard resource's ranking, one leaderboard's rows replaced at a time by
-- `reach pipelines sync leaderboard_ranking --partition NAME`; created here so the API can
-- read it before the first sync.

CREATE TABLE leaderboard_ranking (
    leaderboard      text COLLATE "C" NOT NULL,
    network          text COLLATE "C",
    metric           text COLLATE "C",
    dimensions       text[],
    month            date NOT NULL,
    profile_platform text COLLATE "C" NOT NULL,
    profile_id       text COLLATE "C" NOT NULL,
    handle           text COLLATE "C",
    category         text COLLATE "C",
    language         text COLLATE "C",
    country          text COLLATE "C",
    value            double precision,
    rank             bigint,
    rank_change      bigint,
    followers        bigint,
    engagement_rate  double precision,
    views            bigint,
    PRIMARY KEY (leaderboard, month, profile_platform, profile_id)
);
CREATE INDEX leaderboard_ranking_rank_idx ON leaderboard_ranking (leaderboard, month, rank);
