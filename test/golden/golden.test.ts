// The rendered files, container specs and registered resources equal their committed golden
// copies. A failure shows the first differing file as a diff and lists the others; when the
// change is deliberate, `npm run golden` rewrites the copies for review in `git diff`.
import * as assert from "node:assert/strict";
import { committedFiles } from "./files";
import { goldenFiles, variants } from "./snapshot";

const HINT = "if this change is deliberate, run `npm run golden` and review `git diff test/golden`";

describe("golden files", () => {
  let rendered: Record<string, string>;
  let committed: Record<string, string>;
  before(async () => {
    rendered = await goldenFiles();
    committed = committedFiles();
  });

  it("no generated YAML file uses anchors or aliases (one YAML writer, monitoring/yaml.ts)", () => {
    const anchored = Object.entries(rendered).filter(([f, text]) => /\.ya?ml$/.test(f) && /:\s+[&*]a\d+\b|-\s+[&*]a\d+\b/.test(text));
    assert.deepEqual(anchored.map(([f]) => f), []);
  });

  for (const variant of Object.keys(variants())) {
    it(`${variant}: every rendered file, container spec and resource equals its golden copy`, () => {
      const mine = (files: Record<string, string>) => Object.keys(files).filter((f) => f.startsWith(`${variant}/`)).sort();
      assert.deepEqual(mine(rendered), mine(committed), `the set of golden files changed; ${HINT}`);
      const differing = mine(rendered).filter((f) => rendered[f] !== committed[f]);
      if (differing.length > 0) {
        const first = differing[0];
        assert.equal(rendered[first], committed[first], `${first} differs from its golden copy (${differing.length} files differ: ${differing.join(", ")}); ${HINT}`);
      }
    });
  }
});
