// npm run import: SLOs written for Sloth or in OpenSLO, as service entries to paste under
// `services` in a stack file. The entries are checked with the settings loader (names, PromQL
// for every window) before they are printed.
import { Document, parseAllDocuments } from "yaml";
import { SettingsError } from "../errors";
import { parseSettings } from "../load";
import { noSecrets, type Settings } from "../types";
import { ImportError, ImportedService, nameOf } from "./entries";
import { fromOpenSlo } from "./openslo";
import { fromSloth } from "./sloth";

export { ImportError } from "./entries";

export const SOURCES = ["sloth", "openslo"] as const;
export type Source = (typeof SOURCES)[number];

export interface ImportOptions {
  plane: string;
  /** Sloth specs carry no period: Sloth's own default is 30 days. */
  periodDays: number;
}

/** The file's documents as plain data; an empty one (a trailing `---`) is skipped, aliases are bounded. */
function documents(text: string, file: string): unknown[] {
  const docs = parseAllDocuments(text) as Document[];
  for (const d of docs) {
    const e = d.errors[0];
    if (e) throw new ImportError(`${file}:${e.linePos?.[0].line ?? "?"}:${e.linePos?.[0].col ?? "?"}: not valid YAML: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`);
  }
  return docs
    .map((d) => {
      try {
        // yaml refuses more than 100 alias expansions: a "billion laughs" file ends here.
        return d.toJS({ maxAliasCount: 100 }) as unknown;
      } catch (error) {
        throw new ImportError(`${file}: cannot be read: ${(error as Error).message}`);
      }
    })
    .filter((doc) => doc !== null && doc !== undefined);
}

/** The stack-file entries for the imported services. */
const entriesOf = (services: ImportedService[], plane: string) =>
  services.map((s) => ({ name: s.name, plane, slo: { availability: false, latency: [], events: s.slos } }));

/** A throwaway stack around the entries, through the one loader: the stack's defaults, and the entries checked as the stack will. */
function throwaway(services: ImportedService[], options: ImportOptions, file: string): Settings {
  const values = {
    environment: "import",
    namePrefix: "import",
    runbookBaseUrl: "https://runbooks.invalid/",
    planes: [options.plane],
    services: entriesOf(services, options.plane),
    notifications: { teams: { owner: { email: "owner@example.com" } }, routing: { defaultTeam: "owner" } },
  };
  return parseSettings({ values, secrets: noSecrets() }, file, { requireSecrets: false });
}

function check(services: ImportedService[], options: ImportOptions, file: string): void {
  try {
    throwaway(services, options, file);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    const where = (k: string) =>
      k.replace(/^[^:]+:services\[(\d+)\](?:\.slo\.events\[(\d+)\](?:\.(\w+))?)?/, (_, i: string, j?: string, field?: string) =>
        `${nameOf(services[Number(i)].name)}${j !== undefined ? ` / SLO ${nameOf(services[Number(i)].slos[Number(j)].name)}${field ? `, ${field}` : ""}` : ""}`,
      );
    throw new ImportError(`${file}: the imported SLOs are not valid here:\n${error.problems.map((p) => `  - ${where(p.key)}: ${p.message}`).join("\n")}`);
  }
}

/** YAML for `services:` (a list of entries), with comments naming what was not carried over. */
export function importSlos(source: Source, text: string, file: string, options: ImportOptions): string {
  const docs = documents(text, file);
  // Alert policies become the burn-rate tiers of the stack's default slo.alerting.
  const alerting = throwaway([{ name: "defaults", slos: [], notes: [] }], options, file).slo.alerting;
  const services = source === "sloth" ? docs.flatMap((d, i) => fromSloth(d, docs.length > 1 ? `${file} (document ${i + 1})` : file, options.periodDays)) : fromOpenSlo(docs, file, alerting);
  check(services, options, file);
  const doc = new Document(entriesOf(services, options.plane));
  const notes = services.flatMap((s) => s.notes);
  doc.commentBefore = [
    ` Imported from ${source === "sloth" ? "Sloth" : "OpenSLO"} (${file}): paste under services in a stack file.`,
    ` Set each service's plane (here ${options.plane}), team and targets; SLIs are events SLOs (README "SLOs and burn-rate alerts").`,
    ...notes.map((n) => ` Note: ${n}`),
  ].join("\n");
  return doc.toString({ lineWidth: 0 });
}
