// The palette in style.css keeps text at >= 4.5:1 against what it is drawn on (WCAG AA for
// normal text): each pair below is one the stylesheet uses.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

// run.mjs runs the tests from web/.
const css = readFileSync("src/style.css", "utf8");
const palette = Object.fromEntries(
  [...css.matchAll(/--([a-z]+):\s*(#[0-9a-f]{6})/g)].map(([, name, hex]) => [name, hex]),
);

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

const WHITE = "#ffffff";
const DISABLED = /button:disabled \{ background: (#[0-9a-f]{6})/.exec(css)?.[1] ?? "";

test("text colours keep 4.5:1 against their backgrounds", () => {
  const pairs: [string, string, string][] = [
    ["body text", palette.ink, palette.wash],
    ["text in panels", palette.ink, palette.paper],
    ["muted text", palette.muted, palette.wash],
    ["muted text in panels", palette.muted, palette.paper],
    ["links", palette.accent, palette.paper],
    ["links on the page", palette.accent, palette.wash],
    ["buttons", WHITE, palette.accent],
    ["pressed buttons", WHITE, palette.ink],
    ["disabled buttons", WHITE, DISABLED],
    ["rank up", palette.up, palette.paper],
    ["rank down", palette.down, palette.paper],
  ];
  for (const [what, fg, bg] of pairs) {
    assert.ok(fg && bg, `${what}: colour not found in style.css`);
    const ratio = contrast(fg, bg);
    assert.ok(ratio >= 4.5, `${what}: ${fg} on ${bg} is ${ratio.toFixed(2)}:1`);
  }
});
