// The Pulumi project file (Pulumi.yaml): the project name, which prefixes every config key,
// and the project-level defaults of its `config` block. The Pulumi CLI applies those defaults
// to every stack; readers of a stack file apply them here the same way (a stack's value, when
// set, replaces the default whole).
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

export const PROJECT_FILE = path.join(__dirname, "..", "Pulumi.yaml");

interface ProjectFile {
  name: string;
  config?: Record<string, { default?: unknown; secret?: boolean } | undefined>;
}

const project = parseYaml(fs.readFileSync(PROJECT_FILE, "utf8")) as ProjectFile;

/** The Pulumi project name: every config key is `<project>:<key>`. */
export const PROJECT = project.name;

/** Bare key → default value, for every key Pulumi.yaml gives a default. */
export const projectDefaults = (): Record<string, unknown> =>
  Object.fromEntries(Object.entries(project.config ?? {}).flatMap(([k, v]) => (v && "default" in v ? [[k, structuredClone(v.default)]] : [])));
