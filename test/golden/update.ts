// npm run golden: rewrites test/golden/<variant>/ from the generators and the program under
// mocks. Run it after a deliberate change and review `git diff test/golden` before committing.
import { committedFiles, writeGolden } from "./files";
import { goldenFiles } from "./snapshot";

async function main() {
  const before = committedFiles();
  const after = await goldenFiles();
  writeGolden(after);
  const changed = Object.keys(after).filter((f) => before[f] !== after[f]);
  const removed = Object.keys(before).filter((f) => !(f in after));
  console.log(`golden files: ${Object.keys(after).length} (${changed.length} written or changed, ${removed.length} removed)`);
  for (const f of changed) console.log(`  ${f in before ? "changed" : "new    "}  ${f}`);
  for (const f of removed) console.log(`  removed  ${f}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
