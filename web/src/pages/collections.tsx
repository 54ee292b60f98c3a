// Collections: profile and post collections (create, add, remove), groups of profile
// collections, a share link per collection whose page anyone with the link can read signed out,
// and a post collection's metrics over time.
import { useMemo, useState } from "preact/hooks";
import { call } from "../api";
import type { Problem } from "../api";
import { count, percent, when } from "../format";
import type {
  Collection as Stored,
  CollectionDay,
  CollectionKind,
  CollectionSummary,
  Group,
  PageOf,
  PostItem,
  Profile,
  ProfileItem,
} from "../models";
import { Chart, Choice, Field, Link, NETWORKS, Notice, asProblem, submitted, useLoad } from "../ui";

const SERVICE: Record<CollectionKind, string> = {
  profile: "/profile-collection-service/api/collection",
  post: "/post-collection-service/api/collection",
};
const GROUPS = "/collection-group-service/api/group";

function list(kind: CollectionKind) {
  return call<PageOf<Stored>>("GET", `${SERVICE[kind]}?size=100`).then((a) => a.data.results);
}

/** Runs a change, then `after`; a failure is kept for the form to show. */
function useAction(): [Problem | null, (run: () => Promise<unknown>, after: () => void) => void] {
  const [problem, setProblem] = useState<Problem | null>(null);
  return [
    problem,
    (run, after) => {
      setProblem(null);
      run().then(after, (error) => setProblem(asProblem(error)));
    },
  ];
}

export function Collections() {
  // Bumped when a profile collection is created, so the groups' choices include it.
  const [created, setCreated] = useState(0);
  return (
    <section>
      <h1>Collections</h1>
      <div class="panels">
        <Kind kind="profile" title="Profile collections" created={() => setCreated(created + 1)} />
        <Kind kind="post" title="Post collections" />
      </div>
      <Groups created={created} />
    </section>
  );
}

function Kind({ kind, title, created }: { kind: CollectionKind; title: string; created?: () => void }) {
  const stored = useLoad(() => list(kind), [kind]);
  const [name, setName] = useState("");
  const [problem, act] = useAction();
  const id = `${kind}-collections`;
  return (
    <section class="panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {stored.problem && <Notice problem={stored.problem} retry={stored.reload} />}
      <ul>
        {stored.data?.map((c) => (
          <li>
            <Link href={`/collections/${kind}/${c.id}`}>{c.name}</Link> <small>{c.items} items</small>
          </li>
        ))}
      </ul>
      {stored.data?.length === 0 && <p>None yet.</p>}
      <form
        onSubmit={submitted(() => {
          const body = kind === "profile" ? { name, source: "SAAS" } : { name, source: "SAAS", show_in_report: true };
          act(() => call("POST", SERVICE[kind], body), () => {
            setName("");
            stored.reload();
            created?.();
          });
        })}
      >
        <Field label={`New ${kind} collection name`}>
          <input name={`${kind}-collection-name`} required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <button type="submit">Create {kind} collection</button>
      </form>
      {problem && <Notice problem={problem} />}
    </section>
  );
}

function Groups({ created }: { created: number }) {
  const groups = useLoad(() => call<PageOf<Group>>("GET", `${GROUPS}?size=100`).then((a) => a.data.results), []);
  const collections = useLoad(() => list("profile"), [created]);
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<number[]>([]);
  const [problem, act] = useAction();
  const names = new Map((collections.data ?? []).map((c) => [c.id, c.name]));
  return (
    <section class="panel" aria-labelledby="groups-title">
      <h2 id="groups-title">Groups of profile collections</h2>
      {groups.problem && <Notice problem={groups.problem} retry={groups.reload} />}
      <ul>
        {groups.data?.map((g) => (
          <li>
            <strong>{g.name}</strong>: {g.collection_ids.map((id) => names.get(id) ?? `#${id}`).join(", ") || "empty"}
          </li>
        ))}
      </ul>
      <form
        onSubmit={submitted(() => {
          act(() => call("POST", GROUPS, { name, collection_ids: chosen }), () => {
            setName("");
            setChosen([]);
            groups.reload();
          });
        })}
      >
        <Field label="New group name">
          <input name="group-name" required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <fieldset>
          <legend>Profile collections in the group</legend>
          {collections.data?.map((c) => (
            <label class="check">
              <input
                type="checkbox"
                checked={chosen.includes(c.id)}
                onChange={(e) => setChosen(e.currentTarget.checked ? [...chosen, c.id] : chosen.filter((x) => x !== c.id))}
              />
              {c.name}
            </label>
          ))}
        </fieldset>
        <button type="submit">Create group</button>
      </form>
      {problem && <Notice problem={problem} />}
    </section>
  );
}

type Items = PageOf<ProfileItem | PostItem>;

function itemLabel(kind: CollectionKind, item: ProfileItem | PostItem): string {
  return kind === "profile" ? (item as ProfileItem).platform_profile_id : (item as PostItem).post_shortcode;
}

export function Collection({ kind, id }: { kind: CollectionKind; id: number }) {
  const stored = useLoad(() => call<Stored>("GET", `${SERVICE[kind]}/${id}`).then((a) => a.data), [kind, id]);
  const items = useLoad(() => call<Items>("GET", `${SERVICE[kind]}/${id}/items?size=100`).then((a) => a.data), [kind, id]);
  const [platform, setPlatform] = useState("instagram");
  const [key, setKey] = useState("");
  const [problem, act] = useAction();
  const c = stored.data;
  const shareUrl = c ? `${location.origin}/shared/${kind}/${c.share_id}` : "";
  return (
    <section>
      {stored.problem && <Notice problem={stored.problem} retry={stored.reload} />}
      <h1>{c?.name ?? "Collection"}</h1>
      {c?.description && <p>{c.description}</p>}
      {c && (
        <p class="share">
          Share link (read-only, no sign-in): <a href={shareUrl}>{shareUrl}</a>{" "}
          <button type="button" onClick={() => navigator.clipboard?.writeText(shareUrl)}>
            Copy link
          </button>
        </p>
      )}
      <form
        class="panel filters"
        aria-label="Add to this collection"
        onSubmit={submitted(() => {
          const item =
            kind === "profile"
              ? { platform, platform_profile_id: key.trim() }
              : { platform, post_shortcode: key.trim(), show_in_report: true };
          act(() => call("POST", `${SERVICE[kind]}/${id}/items`, { items: [item] }), () => {
            setKey("");
            items.reload();
          });
        })}
      >
        <Field label="Platform">
          <Choice name="item-platform" value={platform} options={NETWORKS} onChoose={setPlatform} />
        </Field>
        <Field label={kind === "profile" ? "Profile id" : "Post shortcode"}>
          <input name="item-key" required value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        </Field>
        <div class="actions">
          <button type="submit">Add</button>
        </div>
      </form>
      {problem && <Notice problem={problem} />}
      {items.problem && <Notice problem={items.problem} retry={items.reload} />}
      <ItemList kind={kind} items={items.data?.results ?? []} remove={(itemId) =>
        act(() => call("DELETE", `${SERVICE[kind]}/${id}/items/${itemId}`), items.reload)
      } />
      {kind === "post" && <PostMetrics id={id} />}
    </section>
  );
}

function ItemList(props: {
  kind: CollectionKind;
  items: (ProfileItem | PostItem)[];
  remove?: (id: number) => void;
}) {
  if (props.items.length === 0) return <p>No items yet.</p>;
  return (
    <ul class="items">
      {props.items.map((item) => (
        <li>
          {props.kind === "profile" ? (
            <span>
              {item.platform} profile <code>{itemLabel(props.kind, item)}</code>
            </span>
          ) : (
            <span>
              {item.platform} post <code>{itemLabel(props.kind, item)}</code>
            </span>
          )}
          {props.remove && (
            <button type="button" onClick={() => props.remove!(item.id)} aria-label={`Remove ${itemLabel(props.kind, item)}`}>
              Remove
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

function PostMetrics({ id }: { id: number }) {
  const base = `/collection-analytics-service/api/collection/${id}`;
  const summary = useLoad(() => call<CollectionSummary>("GET", `${base}/summary`).then((a) => a.data), [id]);
  const days = useLoad(() => call<CollectionDay[]>("GET", `${base}/time-series`).then((a) => a.data), [id]);
  const series = useMemo(() => {
    const rows = days.data ?? [];
    return {
      days: rows.map((d) => d.date),
      lines: [
        { label: "Likes", values: rows.map((d) => d.likes), format: count },
        { label: "Comments", values: rows.map((d) => d.comments), format: count },
      ],
    };
  }, [days.data]);
  const s = summary.data;
  return (
    <section aria-labelledby="metrics-title">
      <h2 id="metrics-title">Post metrics</h2>
      {summary.problem && <Notice problem={summary.problem} retry={summary.reload} />}
      {s && (
        <dl class="metrics">
          <div><dt>Posts</dt><dd>{count(s.posts)}</dd></div>
          <div><dt>Likes</dt><dd>{count(s.likes)}</dd></div>
          <div><dt>Comments</dt><dd>{count(s.comments)}</dd></div>
          <div><dt>Views</dt><dd>{count(s.views)}</dd></div>
          <div><dt>Reach</dt><dd>{count(s.reach)}</dd></div>
          <div><dt>Avg engagement</dt><dd>{percent(s.avg_engagement_rate)}</dd></div>
        </dl>
      )}
      {days.problem && <Notice problem={days.problem} retry={days.reload} />}
      <Chart title="Likes and comments per day" days={series.days} series={series.lines} />
    </section>
  );
}

/** The public page of a share link: no token, read only. */
export function Shared({ kind, shareId }: { kind: CollectionKind; shareId: string }) {
  const shared = useLoad(
    () =>
      call<{ collection: Stored; items: (ProfileItem | PostItem)[] }>(
        "GET",
        `${SERVICE[kind]}/shared/${encodeURIComponent(shareId)}`,
        undefined,
        { signedIn: false },
      ).then((a) => a.data),
    [kind, shareId],
  );
  return (
    <section>
      <p class="brand">Reach · shared {kind} collection</p>
      {shared.problem && <Notice problem={shared.problem} retry={shared.reload} />}
      {shared.data && (
        <>
          <h1>{shared.data.collection.name}</h1>
          {shared.data.collection.description && <p>{shared.data.collection.description}</p>}
          <p>
            <small>Created {when(shared.data.collection.created_at)}</small>
          </p>
          <ItemList kind={kind} items={shared.data.items} />
        </>
      )}
    </section>
  );
}

/** On a profile page: put the creator into one of the partner's profile collections. */
export function AddToCollection({ profile }: { profile: Profile }) {
  const stored = useLoad(() => list("profile"), []);
  const [chosen, setChosen] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const [problem, act] = useAction();
  if (!stored.data || stored.data.length === 0) return null;
  return (
    <form
      class="inline"
      onSubmit={submitted(() => {
        const target = chosen || String(stored.data![0].id);
        const item = { platform: profile.platform, platform_profile_id: profile.profile_id };
        act(() => call("POST", `${SERVICE.profile}/${target}/items`, { items: [item] }), () =>
          setDone(stored.data!.find((c) => String(c.id) === target)?.name ?? target),
        );
      })}
    >
      <Field label="Collection">
        <select name="collection" value={chosen} onChange={(e) => setChosen(e.currentTarget.value)}>
          {stored.data.map((c) => (
            <option value={c.id}>{c.name}</option>
          ))}
        </select>
      </Field>
      <button type="submit">Add to collection</button>
      {done && <span role="status"> Added to {done}.</span>}
      {problem && <Notice problem={problem} />}
    </form>
  );
}
