// Leaderboards: a month's ranking per platform or across platforms, overall or within a
// category or a language, with each creator's rank change since the previous month.
import { useState } from "preact/hooks";
import { call } from "../api";
import { count, day, percent } from "../format";
import type { Leaderboard } from "../models";
import { Choice, Field, Headings, Link, NETWORKS, Notice, submitted, useLoad } from "../ui";
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
        onSubmit={submitted(() => {
          setOffset(0);
          setApplied(value.trim());
        })}
      >
        <Field label="Platform">
          <Choice name="platform" value={platform} options={[...NETWORKS, ["cross_platform", "Cross-platform"]]} onChoose={(v) => {
            setPlatform(v);
            setOffset(0);
          }} />
        </Field>
        <Field label="Ranked by">
          <Choice name="metric" value={metric} options={[["followers", "Followers"], ["engagement_rate", "Engagement rate"]]} onChoose={(v) => {
            setMetric(v);
            setOffset(0);
          }} />
        </Field>
        <Field label="Within">
          <Choice name="dimension" value={dimension} options={[["", "Everyone"], ["category", "A category"], ["language", "A language"]]} onChoose={(v) => {
            setDimension(v);
            setOffset(0);
          }} />
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
              <Headings names={["Rank", "Change", "Creator", "Platform", "Followers", "Engagement", "Category", "Language"]} />
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
