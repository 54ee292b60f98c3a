// Usage: this month's metered requests per module against the plan's limits.
import { call } from "../api";
import { day, exact } from "../format";
import type { Usage } from "../models";
import { Headings, Notice, useLoad } from "../ui";

export function UsagePage() {
  const usage = useLoad(() => call<Usage[]>("GET", "/usage-service/api/usage").then((a) => a.data), []);
  return (
    <section>
      <h1>Usage</h1>
      {usage.problem && <Notice problem={usage.problem} retry={usage.reload} />}
      {usage.data?.length === 0 && <p>No metered requests this month yet.</p>}
      <div class="table-wrap">
        <table>
          <caption>
            {usage.data?.[0]
              ? `${usage.data[0].plan_type} plan, ${day(usage.data[0].valid_from)} to ${day(usage.data[0].valid_to)}`
              : "This month"}
          </caption>
          <thead>
            <tr>
              <Headings names={["Module", "Used", "Limit", "Share of the limit"]} />
            </tr>
          </thead>
          <tbody>
            {usage.data?.map((u) => (
              <tr>
                <td>{u.module}</td>
                <td class="num">{exact(u.used)}</td>
                <td class="num">{u.limit === null ? "unlimited" : exact(u.limit)}</td>
                <td>
                  {u.limit === null ? (
                    "–"
                  ) : (
                    <progress max={u.limit} value={u.used} aria-label={`${u.module}: ${u.used} of ${u.limit}`}>
                      {u.used} of {u.limit}
                    </progress>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
