// The one function that turns settings into the file tree. `render` writes it to disk, the
// Docker component uploads it, validation and the local pipeline read the written tree.
import type { Settings } from "../settings";
import { DOCKER_RENDER, FILES, RenderOptions } from "./layout";
import { prometheusConfig } from "./prometheus";

/** Relative path (see FILES) → file content. */
export type FileTree = Record<string, string>;

export function renderFiles(settings: Settings, options: RenderOptions = DOCKER_RENDER): FileTree {
  const tree: FileTree = {
    [FILES.prometheusConfig]: prometheusConfig(settings, options),
  };
  return Object.fromEntries(Object.entries(tree).sort(([a], [b]) => a.localeCompare(b)));
}
