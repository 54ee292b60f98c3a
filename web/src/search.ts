// The discovery search request built from the filter form: pure, so it is unit-tested.

export type Filters = {
  category: string;
  language: string;
  country: string;
  followers_min: string;
  followers_max: string;
  engagement_min: string;
  engagement_max: string;
};

export const EMPTY: Filters = {
  category: "",
  language: "",
  country: "",
  followers_min: "",
  followers_max: "",
  engagement_min: "",
  engagement_max: "",
};

export type Sort = "followers" | "engagement_rate" | "avg_likes";

/** The search body: blank filters left out, numbers as numbers. */
export function searchBody(filters: Filters, sort: Sort, order: "asc" | "desc", cursor: string | null) {
  const body: Record<string, unknown> = { sort, order, size: 20 };
  for (const [key, value] of Object.entries(filters)) {
    if (value.trim() === "") continue;
    body[key] = key.endsWith("_min") || key.endsWith("_max") ? Number(value) : value.trim();
  }
  if (cursor) body.cursor = cursor;
  return body;
}
