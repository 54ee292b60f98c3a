// Pieces every page shares: links that route in the browser, the hook that loads an API answer,
// the notice that says what to do about a problem, the "locked" mark of gated fields, a chart.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { ApiProblem, type Plan, type Problem, plan } from "./api";
import { when } from "./format";
import type { Platform } from "./models";

export function navigate(path: string): void {
  history.pushState(null, "", path);
  dispatchEvent(new PopStateEvent("popstate"));
}

export function Link(props: { href: string; children: ComponentChildren; class?: string }) {
  return (
    <a
      href={props.href}
      class={props.class}
      onClick={(event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}

export type Loaded<T> = {
  data: T | null;
  problem: Problem | null;
  loading: boolean;
  reload: () => void;
};

/** Runs `load` when `deps` change (and on `reload`), keeping the answer or the problem. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; problem: Problem | null; loading: boolean }>(
    { data: null, problem: null, loading: true },
  );
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ data, problem: null, loading: false }),
      (error) => current && setState({ data: null, problem: asProblem(error), loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  return { ...state, reload: () => setGeneration((g) => g + 1) };
}

export function asProblem(error: unknown): Problem {
  if (error instanceof ApiProblem) return error.problem;
  return { kind: "refused", message: String(error), requestId: null };
}

/** A problem said so a person can act on it. */
export function Notice({ problem, retry }: { problem: Problem; retry?: () => void }) {
  let advice: ComponentChildren;
  if (problem.kind === "limit") {
    advice = problem.resetAt
      ? `Your plan's limit is reached; it resets ${when(problem.resetAt)}.`
      : "Your plan's limit is reached.";
  } else if (problem.kind === "unavailable") {
    advice = (
      <>
        The service is unavailable right now: retry in a minute.
        {problem.requestId && (
          <>
            {" "}
            If it persists, give support the request id <code>{problem.requestId}</code>.
          </>
        )}
      </>
    );
  } else if (problem.kind === "sign-in") {
    advice = <Link href="/sign-in">Sign in again</Link>;
  }
  return (
    <div class={`notice notice-${problem.kind}`} role="alert">
      <p>{problem.message}</p>
      {advice && <p>{advice}</p>}
      {retry && problem.kind === "unavailable" && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}

const RANK: Record<Plan, number> = { FREE: 0, SAAS: 1, PRO: 2 };

export function allowed(minimum: Plan): boolean {
  return RANK[plan() ?? "FREE"] >= RANK[minimum];
}

/** Shows `children` when the viewer's plan includes them, else what would unlock them. */
export function Gated(props: { minimum: Plan; what: string; children: ComponentChildren }) {
  if (allowed(props.minimum)) return <>{props.children}</>;
  return (
    <p class="locked" data-locked={props.what}>
      <strong>Locked: </strong>
      {props.what} is locked on the {plan() ?? "FREE"} plan: it comes with {props.minimum}.
    </p>
  );
}

export type Series = { label: string; values: (number | null)[]; format: (v: number) => string };

/** A line chart of `series` over `days` (YYYY-MM-DD), sized to its container; `span` (first and
 * last day shown) keeps a short series in the range the viewer chose. */
export function Chart(props: { title: string; days: string[]; series: Series[]; span?: [string, string] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element || props.days.length === 0) return;
    const seconds = (d: string) => new Date(`${d}T00:00:00`).getTime() / 1000;
    const xs = props.days.map(seconds);
    const span = props.span;
    const colours = ["#1f5fbf", "#b3470f"];
    const chart = new uPlot(
      {
        width: element.clientWidth || 320,
        height: 220,
        scales: span ? { x: { time: true, range: [seconds(span[0]), seconds(span[1])] } } : undefined,
        series: [
          {},
          ...props.series.map((s, i) => ({
            label: s.label,
            stroke: colours[i % colours.length],
            width: 2,
            value: (_: uPlot, v: number | null) => (v === null ? "–" : s.format(v)),
          })),
        ],
        axes: [{}, { values: (_: uPlot, ticks: number[]) => ticks.map(props.series[0].format), size: 60 }],
      },
      [xs, ...props.series.map((s) => s.values)] as uPlot.AlignedData,
      element,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height: 220 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [props.days, props.series, props.span?.[0]]);
  if (props.days.length === 0) return <p>No data for {props.title.toLowerCase()} in this range yet.</p>;
  const first = props.series[0].values.find((v) => v !== null);
  const last = [...props.series[0].values].reverse().find((v) => v !== null);
  const fmt = props.series[0].format;
  const summary = `${props.title}: from ${first == null ? "–" : fmt(first)} to ${
    last == null ? "–" : fmt(last)
  } over ${props.days.length} days`;
  return <div class="chart" ref={box} role="img" aria-label={summary} />;
}

export function Field(props: { label: string; children: ComponentChildren; hint?: string }) {
  return (
    <label class="field">
      <span>{props.label}</span>
      {props.children}
      {props.hint && <small>{props.hint}</small>}
    </label>
  );
}

/** A select of labelled options (`[value, label]`), handing `onChoose` the value chosen. */
export function Choice<T extends string>(props: {
  name: string;
  value: T;
  options: readonly (readonly [T, string])[];
  onChoose: (value: T) => void;
}) {
  return (
    <select name={props.name} value={props.value} onChange={(e) => props.onChoose(e.currentTarget.value as T)}>
      {props.options.map(([value, label]) => (
        <option value={value}>{label}</option>
      ))}
    </select>
  );
}

/** The social networks as options, named as a person reads them. */
export const NETWORKS: readonly (readonly [Platform, string])[] = [
  ["instagram", "Instagram"],
  ["youtube", "YouTube"],
];

/** The headings of a table's columns, in a header row. */
export function Headings({ names }: { names: readonly string[] }) {
  return (
    <>
      {names.map((name) => (
        <th scope="col">{name}</th>
      ))}
    </>
  );
}

/** A form's submit handler: the browser does not navigate, `act` runs instead. */
export function submitted(act: () => void): (event: Event) => void {
  return (event) => {
    event.preventDefault();
    act();
  };
}
