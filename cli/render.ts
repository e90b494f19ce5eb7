// npm run render -- --stack <name> --out <dir>: writes the generated monitoring files.
import { renderFiles } from "../monitoring/files";
import { parseArgs, runMain, settingsFromArgs, stackOptions, UsageError } from "./args";
import { writeTree } from "../local/write-tree";

const USAGE = "npm run render -- (--stack <name> | --config <stack-file>) --out <dir>";

const ABOUT = `
Renders the stack's generated files (prometheus.yml, rule files, alertmanager.yml, templates,
Grafana provisioning and dashboards) into a folder, as the Docker stack uploads them. Reads no
secret and needs no tool.

  --stack, -s <name>     the stack file Pulumi.<name>.yaml at the project root (dev, prod, ...)
  --config, -c <file>    any stack file instead
  --out, -o <dir>        the output folder (files an earlier render left there are removed)
  --help, -h             this text
`;

runMain(USAGE, (argv) => {
  const { values } = parseArgs({ args: argv, options: { ...stackOptions, out: { type: "string", short: "o" } }, strict: true });
  if (!values.out) throw new UsageError("name the output folder with --out <dir>");
  const files = writeTree(values.out, renderFiles(settingsFromArgs(values)));
  console.log(`wrote ${files.length} files to ${values.out}:`);
  for (const f of files) console.log(`  ${f}`);
}, ABOUT);
