// The API's answers this dashboard reads, as its OpenAPI schema declares them.

export type Platform = "instagram" | "youtube";

export type Authenticity = {
  followers_scored: number;
  real_share: number;
  weak_fake_share: number;
  fake_share: number;
  top_fake_reasons: string[];
  analysed_at: string;
};

export type Profile = {
  platform: Platform;
  profile_id: string;
  handle: string | null;
  name: string | null;
  category: string | null;
  language: string | null;
  country: string | null;
  city: string | null;
  followers: number | null;
  following: number | null;
  posts: number | null;
  avg_likes: number | null;
  avg_comments: number | null;
  avg_views: number | null;
  engagement_rate: number | null;
  is_verified: boolean;
  is_business: boolean | null;
  picture_url: string | null;
  refreshed_at: string | null;
  audience_gender: Record<string, number> | null;
  audience_age: Record<string, number> | null;
  audience_location: Record<string, number> | null;
  authenticity: Authenticity | null;
};

export type Refresh = { flow: string; task_id: number; retry_after_seconds: number };
export type ProfileLookup = { profile: Profile | null; refresh: Refresh | null };
export type SearchResult = { profiles: Profile[]; next_cursor: string | null };
export type Page = { offset: number; size: number; total: number };
export type PageOf<T> = { results: T[]; page: Page };

export type TimeSeriesPoint = {
  date: string;
  followers: number | null;
  engagement_rate: number | null;
  followers_growth: number | null;
};

export type Post = {
  platform: Platform;
  post_id: string;
  shortcode: string;
  post_type: string | null;
  text: string | null;
  likes: number | null;
  comments: number | null;
  views: number | null;
  thumbnail_url: string | null;
  publish_time: string | null;
};

export type LeaderboardEntry = {
  rank: number;
  overall_rank_change: number | null;
  platform: string;
  profile_id: string;
  handle: string | null;
  category: string | null;
  language: string | null;
  country: string | null;
  followers: number | null;
  engagement_rate: number | null;
};

export type Leaderboard = {
  platform: string;
  month: string | null;
  metric: string;
  entries: LeaderboardEntry[];
  page: Page;
};

export type CollectionKind = "profile" | "post";

export type Collection = {
  id: number;
  name: string;
  description?: string | null;
  share_id: string;
  items: number;
  created_at: string;
};

export type ProfileItem = { id: number; platform: string; platform_profile_id: string };
export type PostItem = { id: number; platform: string; post_shortcode: string };
export type Group = { id: number; name: string; collection_ids: number[] };

export type CollectionSummary = {
  posts: number;
  likes: number;
  comments: number;
  views: number;
  reach: number;
  avg_engagement_rate: number | null;
};

export type CollectionDay = { date: string; posts: number; likes: number; comments: number; views: number };

export type Usage = {
  module: string;
  plan_type: string;
  used: number;
  limit: number | null;
  valid_from: string;
  valid_to: string;
};
