// Planes: unique names, none the reserved infra plane.
import { Check } from "./context";

/** The plane label of alerts about shared infrastructure; no plane of `planes` may take it. */
const RESERVED_PLANE = "infra";

export const planes: Check = ({ s, problem }) => {
  s.planes.forEach((p, i) => {
    if (p === RESERVED_PLANE) problem("planes", ["planes", i], p, `is reserved: alerts about shared infrastructure carry plane="${RESERVED_PLANE}"`);
    else if (s.planes.indexOf(p) < i) problem("planes", ["planes", i], p, `duplicates planes[${s.planes.indexOf(p)}]; plane names must be unique`);
  });
};
