// Numbers and times for people: 1.2M, 3.4%, dates in the viewer's own time zone.

const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat();

export function count(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : compact.format(value);
}

export function exact(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : whole.format(value);
}

/** An engagement rate as the API gives it (percent points: 3.4 means 3.4%). */
export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : `${value.toFixed(1)}%`;
}

/** A share between 0 and 1. */
export function share(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : `${(value * 100).toFixed(1)}%`;
}

export function when(value: string | Date | null | undefined): string {
  if (!value) return "–";
  return new Date(value).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function day(value: string | null | undefined): string {
  if (!value) return "–";
  // A calendar date (YYYY-MM-DD) is a day, not an instant: shown as is, not shifted by zone.
  const [y, m, d] = value.slice(0, 10).split("-").map(Number);
  return new Date(y, m - 1, d).toLocaleDateString(undefined, { dateStyle: "medium" });
}
