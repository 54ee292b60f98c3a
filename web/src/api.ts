// Talks to the gateway (same origin): the bearer token, the API's envelope {data, status, error},
// and every failure turned into a Problem a person can act on. Used by every page.

const TOKEN_KEY = "reach.token";
const PLAN_KEY = "reach.plan";

export type Plan = "FREE" | "SAAS" | "PRO";

export type Problem =
  | { kind: "sign-in"; message: string }
  | { kind: "limit"; message: string; resetAt: Date | null }
  | { kind: "unavailable"; message: string; requestId: string | null }
  | { kind: "refused"; message: string; requestId: string | null };

export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

export type Answer<T> = { status: number; data: T; retryAfter: number | null };

type Envelope<T> = {
  data: T | null;
  status: string;
  error: { code: string; message: string; details?: Record<string, unknown> } | null;
};

export function token(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function plan(): Plan | null {
  return localStorage.getItem(PLAN_KEY) as Plan | null;
}

export function signOut(): void {
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(PLAN_KEY);
}

// Listeners told when the gateway no longer accepts the token (expired, revoked).
const signedOut = new Set<(message: string) => void>();
export function onSignedOut(listener: (message: string) => void): () => void {
  signedOut.add(listener);
  return () => signedOut.delete(listener);
}

export function problemOf(status: number, body: Envelope<unknown> | null, headers: Headers): Problem {
  const error = body?.error;
  const requestId =
    (error?.details?.request_id as string | undefined) ?? headers.get("x-request-id");
  const message = error?.message ?? `HTTP ${status}`;
  if (status === 401) {
    return { kind: "sign-in", message: `Your session is no longer valid (${message}). Sign in again.` };
  }
  if (status === 429) {
    const reset = error?.details?.reset_at as string | undefined;
    const retry = Number(headers.get("retry-after"));
    const resetAt = reset ? new Date(reset) : retry ? new Date(Date.now() + retry * 1000) : null;
    return { kind: "limit", message, resetAt };
  }
  if (status >= 500) {
    return { kind: "unavailable", message, requestId };
  }
  return { kind: "refused", message, requestId };
}

export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  { signedIn = true }: { signedIn?: boolean } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  const bearer = token();
  if (signedIn && bearer) headers.authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiProblem({
      kind: "unavailable",
      message: "The gateway cannot be reached.",
      requestId: null,
    });
  }
  const envelope = (await response.json().catch(() => null)) as Envelope<T> | null;
  if (!response.ok) {
    const problem = problemOf(response.status, envelope, response.headers);
    if (problem.kind === "sign-in" && signedIn) {
      signOut();
      signedOut.forEach((listener) => listener(problem.message));
    }
    throw new ApiProblem(problem);
  }
  const retryAfter = Number(response.headers.get("retry-after")) || null;
  return { status: response.status, data: envelope?.data as T, retryAfter };
}

type UsageRow = { module: string; plan_type: Plan };

/** Checks `candidate` with the gateway and learns its plan. The plan is not in the token: the
 * usage of this month names it once a metered request was made, so one search is made first
 * (the discovery page makes the same one). */
export async function signIn(candidate: string): Promise<Plan> {
  localStorage.setItem(TOKEN_KEY, candidate);
  try {
    await call("POST", "/discovery-service/api/profile/instagram/search", { size: 1 });
    const usage = await call<UsageRow[]>("GET", "/usage-service/api/usage");
    const row = usage.data.find((u) => u.module === "discovery") ?? usage.data[0];
    const found: Plan = row?.plan_type ?? "FREE";
    localStorage.setItem(PLAN_KEY, found);
    return found;
  } catch (error) {
    signOut();
    throw error;
  }
}
