// What an import produces: service entries for `services` in a stack file, each with its events
// SLOs, and the reasons a source SLO could not be carried over.
import type { EventsSlo } from "../schema";

/** An events SLO with its period: rolling days, or a calendar period. */
export type ImportedSlo = EventsSlo & ({ periodDays: number } | { period: NonNullable<EventsSlo["period"]> });

export interface ImportedService {
  name: string;
  slos: ImportedSlo[];
  /** What the source said that the stack expresses elsewhere (alert names, routing labels). */
  notes: string[];
}

/** A source document, or part of one, that cannot be expressed as an events SLO. */
export class ImportError extends Error {
  override name = "ImportError";
}

/** Merges SLOs of one service name into one entry, in the order services first appear. */
export function byService(items: { service: string; slo: ImportedSlo; notes?: string[] }[]): ImportedService[] {
  const out = new Map<string, ImportedService>();
  for (const { service, slo, notes = [] } of items) {
    const entry = out.get(service) ?? { name: service, slos: [], notes: [] };
    entry.slos.push(slo);
    entry.notes.push(...notes);
    out.set(service, entry);
  }
  return [...out.values()];
}

/** An objective written as a ratio (OpenSLO's target 0.999) as the percentage the stack takes. */
export const percentOf = (ratio: number): number => Number((ratio * 100).toPrecision(10));

/** A name from the imported file as a message shows it: cut to 60 characters. */
export const nameOf = (name: string): string => (name.length > 60 ? `${name.slice(0, 57)}...` : name);
