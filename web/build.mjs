// Builds the dashboard into dist/: one minified bundle (JS + CSS, names carrying a content
// hash) and the index.html that loads it. Called by `make web` (npm run build); the gateway
// serves dist/ at / and the bundle under /ui/.
import { build } from "esbuild";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename } from "node:path";

rmSync("dist", { recursive: true, force: true });
const result = await build({
  entryPoints: ["src/main.tsx"],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2020",
  jsx: "automatic",
  jsxImportSource: "preact",
  entryNames: "app-[hash]",
  outdir: "dist",
  metafile: true,
  logLevel: "warning",
});
const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
const script = outputs.find((name) => name.endsWith(".js"));
const style = outputs.find((name) => name.endsWith(".css"));
const page = readFileSync("src/index.html", "utf8")
  .replace("%SCRIPT%", `/ui/${script}`)
  .replace("%STYLE%", `/ui/${style}`);
writeFileSync("dist/index.html", page);
