// npm run import -- --from sloth|openslo FILE [--plane P] [--period-days N]: prints service
// entries for `services` in a stack file, from SLOs written for Sloth or in OpenSLO.
import * as fs from "node:fs";
import { DEFAULT_PLANES } from "../settings";
import { ImportError, SOURCES, Source, importSlos } from "../settings/import";
import { UsageError, parseArgs, runMain } from "./args";

const USAGE = `npm run import -- --from ${SOURCES.join("|")} <file> [--plane <plane>] [--period-days <days, Sloth only; default 30>]`;

const ABOUT = `
Prints service entries (for \`services\` in a stack file) from SLOs written for Sloth
(prometheus/v1, or the Kubernetes PrometheusServiceLevel form) or in OpenSLO (v1alpha, v1).
Anything the stack cannot express is refused with the document, field and reason.

  --from sloth|openslo       the format of <file> (required)
  --plane <plane>            the plane of the imported services (default the first default plane)
  --period-days <days>       Sloth only: the SLO period (default 30)
  --help, -h                 this text
`;

runMain(USAGE, (argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { from: { type: "string" }, plane: { type: "string", default: DEFAULT_PLANES[0] }, "period-days": { type: "string", default: "30" } },
    allowPositionals: true,
    strict: true,
  });
  if (!values.from || !(SOURCES as readonly string[]).includes(values.from)) throw new UsageError(`--from must be one of: ${SOURCES.join(", ")}`);
  if (positionals.length !== 1) throw new UsageError("name one file to import");
  const periodDays = Number(values["period-days"]);
  if (!Number.isInteger(periodDays)) throw new UsageError(`--period-days ${values["period-days"]} is not a whole number of days`);
  const [file] = positionals;
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    console.error(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    return 1;
  }
  try {
    process.stdout.write(importSlos(values.from as Source, text, file, { plane: values.plane, periodDays }));
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    console.error(err.message);
    return 1;
  }
}, ABOUT);
