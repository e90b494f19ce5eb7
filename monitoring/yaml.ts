// The one YAML writer for generated files: no line folding (long PromQL and templates stay on
// one line) and no anchors or aliases (`&a1` / `*a1`), which some readers (AMP, Mimir's ruler
// API, people) handle badly.
import { stringify } from "yaml";

export const toYaml = (value: unknown): string => stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
