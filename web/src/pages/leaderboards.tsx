// Leaderboards: a month's ranking per platform or across platforms, overall or within a
// category or a language, with each creator's rank change since the previous month.
import { useState } from "preact/hooks";
import { call } from "../api";
import { count, day, percent } from "../format";
import type { Leaderboard } from "../models";
import { Field, Link, Notice, useLoad } from "../ui";
import { Change } from "./profile";

const SIZE = 25;

export function Leaderboards() {
  const [platform, setPlatform] = useState("instagram");
  const [metric, setMetric] = useState("followers");
  const [dimension, setDimension] = useState<"" | "category" | "language">("");
  const [value, setValue] = useState("");
  const [applied, setApplied] = useState("");
  const [offset, setOffset] = useState(0);
  const board = useLoad(() => {
    const query = new URLSearchParams({ metric, size: String(SIZE), offset: String(offset) });
    if (dimension && applied) query.set(dimension, applied);
    return call<Leaderboard>("GET", `/leaderboard-service/api/leaderboard/${platform}?${query}`).then((a) => a.data);
  }, [platform, metric, dimension, applied, offset]);
  const total = board.data?.page.total ?? 0;
  return (
    <section>
      <h1>Leaderboards</h1>
      <form
        class="panel filters"
        aria-label="Which leaderboard"
        onSubmit={(e) => {
          e.preventDefault();
          setOffset(0);
          setApplied(value.trim());
        }}
      >
        <Field label="Platform">
          <select name="platform" value={platform} onChange={(e) => {
            setPlatform(e.currentTarget.value);
            setOffset(0);
          }}>
            <option value="instagram">Instagram</option>
            <option value="youtube">YouTube</option>
            <option value="cross_platform">Cross-platform</option>
          </select>
        </Field>
        <Field label="Ranked by">
          <select name="metric" value={metric} onChange={(e) => {
            setMetric(e.currentTarget.value);
            setOffset(0);
          }}>
            <option value="followers">Followers</option>
            <option value="engagement_rate">Engagement rate</option>
          </select>
        </Field>
        <Field label="Within">
          <select name="dimension" value={dimension} onChange={(e) => {
            setDimension(e.currentTarget.value as "" | "category" | "language");
            setOffset(0);
          }}>
            <option value="">Everyone</option>
            <option value="category">A category</option>
            <option value="language">A language</option>
          </select>
        </Field>
        {dimension && (
          <Field label={dimension === "category" ? "Category" : "Language"}>
            <input name="value" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
          </Field>
        )}
        <div class="actions">
          <button type="submit">Show</button>
        </div>
      </form>
      {board.problem && <Notice problem={board.problem} retry={board.reload} />}
      <div class="table-wrap">
        <table aria-busy={board.loading}>
          <caption>
            {!board.data
              ? "Leaderboard"
              : board.data.month
                ? `Ranking of ${day(board.data.month)}`
                : "No ranking computed yet"}
          </caption>
          <thead>
            <tr>
              <th scope="col">Rank</th>
              <th scope="col">Change</th>
              <th scope="col">Creator</th>
              <th scope="col">Platform</th>
              <th scope="col">Followers</th>
              <th scope="col">Engagement</th>
              <th scope="col">Category</th>
              <th scope="col">Language</th>
            </tr>
          </thead>
          <tbody>
            {board.data?.entries.map((e) => (
              <tr>
                <td class="num">{e.rank}</td>
                <td>
                  <Change change={e.overall_rank_change} />
                </td>
                <td>
                  {e.handle ? (
                    <Link href={`/profile/${e.platform}/${encodeURIComponent(e.handle)}`}>@{e.handle}</Link>
                  ) : (
                    e.profile_id
                  )}
                </td>
                <td>{e.platform}</td>
                <td class="num">{count(e.followers)}</td>
                <td class="num">{percent(e.engagement_rate)}</td>
                <td>{e.category ?? "–"}</td>
                <td>{e.language ?? "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Leaderboard pages">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - SIZE))}>
          Previous page
        </button>
        <span>
          {total ? `${offset + 1}–${Math.min(offset + SIZE, total)} of ${total}` : ""}
        </span>
        <button type="button" disabled={offset + SIZE >= total} onClick={() => setOffset(offset + SIZE)}>
          Next page
        </button>
      </nav>
    </section>
  );
}
