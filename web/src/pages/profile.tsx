// Profile: headline metrics, follower and engagement charts over a chosen range, ranks, recent
// posts, audience and follower authenticity (PRO), and a refresh. A creator Reach does not hold
// yet answers 202 while it is fetched: the page polls and shows it when it lands.
import { useEffect, useMemo, useState } from "preact/hooks";
import { call } from "../api";
import { count, day, exact, percent, share, when } from "../format";
import type { Leaderboard, PageOf, Post, Profile, ProfileLookup, TimeSeriesPoint } from "../models";
import { Chart, Gated, Notice, asProblem, useLoad } from "../ui";
import type { Problem } from "../api";
import { AddToCollection } from "./collections";

// How often a profile being fetched is asked for again (at most the API's Retry-After).
const POLL_SECONDS = 2;
// After "Refresh now", the page asks until the profile's refreshed time moves, for this long at
// most (a refresh that fails upstream leaves the profile as it was).
const REFRESH_WAIT_SECONDS = 120;

// A refresh asked for by the viewer: the refreshed time it started from, and when it gives up.
type Refreshing = { from: string | null; until: number };

type Lookup = { lookup: ProfileLookup; status: number; retryAfter: number | null };

export function ProfilePage(props: { platform: string; handle: string }) {
  const path = `/discovery-service/api/profile/${props.platform}/${encodeURIComponent(props.handle)}`;
  const [state, setState] = useState<Lookup | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [asked, setAsked] = useState(0);
  const [refreshing, setRefreshing] = useState<Refreshing | null>(null);
  useEffect(() => {
    let timer = 0;
    let current = true;
    const ask = () =>
      call<ProfileLookup>("GET", path).then(
        (a) => {
          if (!current) return;
          setState({ lookup: a.data, status: a.status, retryAfter: a.retryAfter });
          setProblem(null);
          const unchanged =
            refreshing !== null &&
            Date.now() < refreshing.until &&
            (a.data.profile?.refreshed_at ?? null) === refreshing.from;
          if (a.status === 202 || unchanged) {
            const wait = Math.min(POLL_SECONDS, a.retryAfter ?? POLL_SECONDS);
            timer = window.setTimeout(ask, wait * 1000);
          } else if (refreshing !== null) {
            setRefreshing(null);
          }
        },
        (error) => current && setProblem(asProblem(error)),
      );
    ask();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [path, asked, refreshing]);
  const profile = state?.lookup.profile ?? null;
  const fetching = state?.status === 202 || refreshing !== null;
  const refreshNow = () =>
    call<ProfileLookup>("POST", `${path}/refresh`).then(
      (a) => {
        setState({ lookup: a.data, status: a.status, retryAfter: a.retryAfter });
        setRefreshing({
          from: a.data.profile?.refreshed_at ?? null,
          until: Date.now() + REFRESH_WAIT_SECONDS * 1000,
        });
      },
      (error) => setProblem(asProblem(error)),
    );
  return (
    <section>
      {problem && <Notice problem={problem} retry={() => setAsked(asked + 1)} />}
      {fetching && (
        <p class="notice notice-fetching" role="status">
          @{props.handle} is being fetched from {props.platform}
          {profile ? " (showing what Reach has meanwhile)" : ""}; this page updates by itself.
        </p>
      )}
      {!state && !problem && <p role="status">Loading @{props.handle}…</p>}
      {profile && <Details profile={profile} refresh={refreshNow} fetching={fetching} />}
    </section>
  );
}

function Details(props: { profile: Profile; refresh: () => void; fetching: boolean }) {
  const p = props.profile;
  return (
    <>
      <div class="profile-head">
        {p.picture_url && <img src={p.picture_url} alt="" width={72} height={72} class="avatar" />}
        <div>
          <h1>
            {p.name ?? p.handle}
            {p.is_verified && <span class="badge" title="Verified">✔ verified</span>}
          </h1>
          <p>
            {[`@${p.handle}`, p.platform, p.category, p.language, p.country].filter(Boolean).join(" · ")}
          </p>
          <p>
            <small>Refreshed {when(p.refreshed_at)}</small>{" "}
            <button type="button" onClick={props.refresh} disabled={props.fetching}>
              Refresh now
            </button>
          </p>
        </div>
      </div>
      <dl class="metrics" aria-label="Headline metrics">
        {(
          [
            ["Followers", count(p.followers), exact(p.followers)],
            ["Engagement", percent(p.engagement_rate), null],
            ["Avg likes", count(p.avg_likes), null],
            ["Avg comments", count(p.avg_comments), null],
            ["Avg views", count(p.avg_views), null],
            ["Posts", count(p.posts), exact(p.posts)],
          ] as const
        ).map(([label, value, title]) => (
          <div>
            <dt>{label}</dt>
            <dd title={title ?? undefined}>{value}</dd>
          </div>
        ))}
      </dl>
      <AddToCollection profile={p} />
      <Growth profile={p} />
      <Ranks profile={p} />
      <Posts profile={p} />
      <div class="panels">
        <section class="panel" aria-labelledby="audience-title">
          <h2 id="audience-title">Audience</h2>
          <Gated minimum="PRO" what="Audience demographics">
            <Distribution title="Gender" values={p.audience_gender} />
            <Distribution title="Age" values={p.audience_age} />
            <Distribution title="Location" values={p.audience_location} />
          </Gated>
        </section>
        <section class="panel" aria-labelledby="authenticity-title">
          <h2 id="authenticity-title">Follower authenticity</h2>
          <Gated minimum="PRO" what="Follower authenticity">
            {p.authenticity ? (
              <>
                <Distribution
                  title={`${exact(p.authenticity.followers_scored)} followers scored`}
                  values={{
                    Real: p.authenticity.real_share,
                    "Possibly fake": p.authenticity.weak_fake_share,
                    Fake: p.authenticity.fake_share,
                  }}
                />
                <h3>Why followers look fake</h3>
                <ul>
                  {p.authenticity.top_fake_reasons.map((r) => (
                    <li>{r}</li>
                  ))}
                </ul>
                <small>Analysed {when(p.authenticity.analysed_at)}</small>
              </>
            ) : (
              <p>No follower analysis of this creator yet.</p>
            )}
          </Gated>
        </section>
      </div>
    </>
  );
}

/** Shares (0..1) as labelled bars, largest first. */
function Distribution(props: { title: string; values: Record<string, number> | null }) {
  const entries = Object.entries(props.values ?? {}).sort((a, b) => b[1] - a[1]).slice(0, 8);
  return (
    <figure class="distribution">
      <figcaption>{props.title}</figcaption>
      {entries.length === 0 ? (
        <p>No data yet.</p>
      ) : (
        <ul>
          {entries.map(([label, value]) => (
            <li>
              <span class="bar-label">{label}</span>
              <span class="bar" aria-hidden="true">
                <span style={{ width: `${Math.min(100, value * 100)}%` }} />
              </span>
              <span class="num">{share(value)}</span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}

const RANGES = [
  [30, "30 days"],
  [90, "90 days"],
  [365, "1 year"],
] as const;

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function Growth({ profile }: { profile: Profile }) {
  const [days, setDays] = useState(90);
  const span = useMemo((): [string, string] => {
    const until = new Date();
    return [isoDay(new Date(until.getTime() - days * 86_400_000)), isoDay(until)];
  }, [days]);
  const points = useLoad(() => {
    const query = `since=${span[0]}&until=${span[1]}`;
    return call<TimeSeriesPoint[]>(
      "GET",
      `/social-profile-service/api/profile/${profile.platform}/${encodeURIComponent(profile.profile_id)}/time-series?${query}`,
    ).then((a) => a.data);
  }, [profile.profile_id, days]);
  const series = useMemo(() => {
    const rows = points.data ?? [];
    return {
      days: rows.map((r) => r.date),
      followers: [{ label: "Followers", values: rows.map((r) => r.followers), format: count }],
      engagement: [{ label: "Engagement", values: rows.map((r) => r.engagement_rate), format: percent }],
    };
  }, [points.data]);
  return (
    <section aria-labelledby="growth-title">
      <h2 id="growth-title">Growth</h2>
      <div role="group" aria-label="Range" class="segmented">
        {RANGES.map(([value, label]) => (
          <button type="button" aria-pressed={days === value} onClick={() => setDays(value)}>
            {label}
          </button>
        ))}
      </div>
      {points.problem?.kind === "refused" ? (
        <p>No time series of this creator yet.</p>
      ) : points.problem ? (
        <Notice problem={points.problem} retry={points.reload} />
      ) : (
        <div class="panels">
          <div class="panel">
            <h3>Followers</h3>
            <Chart title="Followers" days={series.days} series={series.followers} span={span} />
          </div>
          <div class="panel">
            <h3>Engagement rate</h3>
            <Chart title="Engagement rate" days={series.days} series={series.engagement} span={span} />
          </div>
        </div>
      )}
    </section>
  );
}

// The boards a profile is ranked on: overall, in its category, in its language.
function boards(profile: Profile): [string, string][] {
  const list: [string, string][] = [["Overall", ""]];
  if (profile.category) list.push([`In ${profile.category}`, `&category=${encodeURIComponent(profile.category)}`]);
  if (profile.language) list.push([`In ${profile.language}`, `&language=${encodeURIComponent(profile.language)}`]);
  return list;
}

function Ranks({ profile }: { profile: Profile }) {
  const ranks = useLoad(
    () =>
      Promise.all(
        boards(profile).map(async ([label, query]) => {
          const board = await call<Leaderboard>(
            "GET",
            `/leaderboard-service/api/leaderboard/${profile.platform}?size=1` +
              `&profile_id=${encodeURIComponent(profile.profile_id)}${query}`,
          );
          const entry = board.data.entries[0] ?? null;
          return { label, entry, month: board.data.month };
        }),
      ),
    [profile.profile_id],
  );
  return (
    <section aria-labelledby="ranks-title">
      <h2 id="ranks-title">Ranks by followers</h2>
      {ranks.problem && <Notice problem={ranks.problem} retry={ranks.reload} />}
      <ul class="ranks">
        {ranks.data?.map(({ label, entry, month }) => (
          <li>
            <span>{label}</span>{" "}
            {entry ? (
              <>
                <strong>#{entry.rank}</strong> <Change change={entry.overall_rank_change} />
                <small> {day(month)}</small>
              </>
            ) : (
              <span>not ranked this month</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A rank change as an arrow; positive means the creator climbed. */
export function Change({ change }: { change: number | null }) {
  if (change === null) return <span class="change" aria-label="new this month">new</span>;
  if (change === 0) return <span class="change" aria-label="unchanged">–</span>;
  const up = change > 0;
  return (
    <span class={`change ${up ? "up" : "down"}`} aria-label={`${up ? "up" : "down"} ${Math.abs(change)}`}>
      {up ? "▲" : "▼"} {Math.abs(change)}
    </span>
  );
}

function Posts({ profile }: { profile: Profile }) {
  const posts = useLoad(
    () =>
      call<PageOf<Post>>(
        "GET",
        `/content-service/api/profile/${profile.platform}/${encodeURIComponent(profile.profile_id)}/posts?size=12`,
      ).then((a) => a.data),
    [profile.profile_id],
  );
  return (
    <section aria-labelledby="posts-title">
      <h2 id="posts-title">Recent posts</h2>
      {posts.problem && <Notice problem={posts.problem} retry={posts.reload} />}
      {posts.data?.results.length === 0 && <p>No posts stored yet.</p>}
      <ul class="posts">
        {posts.data?.results.map((post) => (
          <li>
            {post.thumbnail_url ? (
              <img src={post.thumbnail_url} alt={post.text ? post.text.slice(0, 80) : `Post ${post.shortcode}`} loading="lazy" />
            ) : (
              <div class="no-thumb">No thumbnail</div>
            )}
            <p>
              {count(post.likes)} likes · {count(post.comments)} comments
              {post.views !== null && <> · {count(post.views)} views</>}
            </p>
            <small>{when(post.publish_time)}</small>
          </li>
        ))}
      </ul>
    </section>
  );
}
