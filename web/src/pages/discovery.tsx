// Discovery: find a creator by handle, or search by filters (sorted, paginated by cursor).
import { useState } from "preact/hooks";
import { call } from "../api";
import { count, percent } from "../format";
import type { Platform, Profile, SearchResult } from "../models";
import { EMPTY, type Filters, type Sort, searchBody } from "../search";
import { Choice, Field, Headings, Link, NETWORKS, Notice, navigate, submitted, useLoad } from "../ui";

export function Discovery() {
  const [platform, setPlatform] = useState<Platform>("instagram");
  const [handle, setHandle] = useState("");
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [sort, setSort] = useState<Sort>("followers");
  const [order, setOrder] = useState<"asc" | "desc">("desc");
  // Cursors of the pages before this one, and this one's.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1];
  const found = useLoad(
    () =>
      call<SearchResult>("POST", `/discovery-service/api/profile/${platform}/search`, searchBody(filters, sort, order, cursor)).then(
        (a) => a.data,
      ),
    [platform, filters, sort, order, cursor],
  );
  const sortBy = (column: Sort) => {
    setCursors([null]);
    if (column === sort) setOrder(order === "desc" ? "asc" : "desc");
    else {
      setSort(column);
      setOrder("desc");
    }
  };
  const ariaSort = (column: Sort) => (column === sort ? (order === "desc" ? "descending" : "ascending") : "none");
  const bind = (key: keyof Filters) => ({
    name: key,
    value: draft[key],
    onInput: (e: { currentTarget: HTMLInputElement }) => setDraft({ ...draft, [key]: e.currentTarget.value }),
  });
  const text = (key: keyof Filters) => <input type="text" {...bind(key)} />;
  const number = (key: keyof Filters) => <input type="number" min={0} step="any" {...bind(key)} />;
  return (
    <section>
      <h1>Discovery</h1>
      <div class="panels">
        <form
          class="panel"
          aria-labelledby="lookup-title"
          onSubmit={submitted(() => {
            const wanted = handle.trim().replace(/^@/, "");
            if (wanted) navigate(`/profile/${platform}/${encodeURIComponent(wanted)}`);
          })}
        >
          <h2 id="lookup-title">Find a creator</h2>
          <Field label="Platform">
            <Choice name="platform" value={platform} options={NETWORKS} onChoose={(v) => {
              setPlatform(v);
              setCursors([null]);
            }} />
          </Field>
          <Field label="Handle" hint="Not in Reach yet? It is fetched while you wait.">
            <input name="handle" required value={handle} onInput={(e) => setHandle(e.currentTarget.value)} />
          </Field>
          <button type="submit">Open profile</button>
        </form>
        <form
          class="panel filters"
          aria-labelledby="filters-title"
          onSubmit={submitted(() => {
            setCursors([null]);
            setFilters(draft);
          })}
        >
          <h2 id="filters-title">Filter creators</h2>
          <Field label="Category">{text("category")}</Field>
          <Field label="Language">{text("language")}</Field>
          <Field label="Country">{text("country")}</Field>
          <Field label="Followers from">{number("followers_min")}</Field>
          <Field label="Followers to">{number("followers_max")}</Field>
          <Field label="Engagement from (%)">{number("engagement_min")}</Field>
          <Field label="Engagement to (%)">{number("engagement_max")}</Field>
          <div class="actions">
            <button type="submit">Apply filters</button>
            <button type="button" onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
              setCursors([null]);
            }}>
              Clear
            </button>
          </div>
        </form>
      </div>
      {found.problem && <Notice problem={found.problem} retry={found.reload} />}
      <div class="table-wrap">
        <table aria-busy={found.loading}>
          <caption>{platform === "instagram" ? "Instagram" : "YouTube"} creators</caption>
          <thead>
            <tr>
              <th scope="col">Creator</th>
              {(
                [
                  ["followers", "Followers"],
                  ["engagement_rate", "Engagement"],
                  ["avg_likes", "Avg likes"],
                ] as const
              ).map(([column, label]) => (
                <th scope="col" aria-sort={ariaSort(column)}>
                  <button type="button" class="sort" onClick={() => sortBy(column)}>
                    {label}
                    <span aria-hidden="true">{column === sort ? (order === "desc" ? " ▼" : " ▲") : ""}</span>
                  </button>
                </th>
              ))}
              <Headings names={["Category", "Language", "Country"]} />
            </tr>
          </thead>
          <tbody>
            {found.data?.profiles.map((p) => <Row profile={p} />)}
            {found.data && found.data.profiles.length === 0 && (
              <tr>
                <td colSpan={7}>No creator matches these filters.</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Result pages">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <span>Page {cursors.length}</span>
        <button
          type="button"
          disabled={!found.data?.next_cursor}
          onClick={() => setCursors([...cursors, found.data!.next_cursor])}
        >
          Next page
        </button>
      </nav>
    </section>
  );
}

function Row({ profile }: { profile: Profile }) {
  const handle = profile.handle ?? profile.profile_id;
  return (
    <tr>
      <td>
        <Link href={`/profile/${profile.platform}/${encodeURIComponent(handle)}`}>
          {profile.name ?? handle}
        </Link>
        <small> @{handle}</small>
      </td>
      <td class="num">{count(profile.followers)}</td>
      <td class="num">{percent(profile.engagement_rate)}</td>
      <td class="num">{count(profile.avg_likes)}</td>
      <td>{profile.category ?? "–"}</td>
      <td>{profile.language ?? "–"}</td>
      <td>{profile.country ?? "–"}</td>
    </tr>
  );
}
