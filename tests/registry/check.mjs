// Checks `rmeshd chain-registry` output the way the registry's own tools read it: the files in
// <dir> are converted to the camelCase shape @chain-registry/types publishes (as the registry's
// npm packages do), type-checked against its `Chain` and `AssetList` types with excess-property
// checks (an unknown or mistyped field fails), and run through @chain-registry/keplr, whose
// ChainInfo is printed for the test to compare with rmeshd's keplr.json.
// Usage: node check.mjs <dir>
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chainRegistryChainToKeplr } from "@chain-registry/keplr";

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2];
const read = (name) => JSON.parse(readFileSync(join(dir, name), "utf8"));

const camel = (key) => key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
function toCamel(value) {
  if (Array.isArray(value)) return value.map(toCamel);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k.startsWith("$") ? k : camel(k), toCamel(v)]),
    );
  }
  return value;
}

const chain = toCamel(read("chain.json"));
const assets = toCamel(read("assetlist.json"));
const source = [
  'import type { Chain, AssetList } from "@chain-registry/types";',
  `export const chain: Chain = ${JSON.stringify(chain, null, 2)};`,
  `export const assets: AssetList = ${JSON.stringify(assets, null, 2)};`,
  "",
].join("\n");
// Beside node_modules, so that the types resolve; removed afterwards.
const checked = join(here, `check-${process.pid}.ts`);
writeFileSync(checked, source);
try {
  execFileSync(
    join(here, "node_modules/.bin/tsc"),
    ["--noEmit", "--strict", "--skipLibCheck", "--module", "nodenext", "--moduleResolution",
     "nodenext", "--target", "es2022", checked],
    { cwd: here, stdio: "pipe" },
  );
} catch (err) {
  console.error(`the files do not match the chain registry's types:\n${err.stdout}${err.stderr}`);
  process.exitCode = 1;
} finally {
  unlinkSync(checked);
}
if (process.exitCode) process.exit();
console.log(JSON.stringify(chainRegistryChainToKeplr(chain, [assets])));
