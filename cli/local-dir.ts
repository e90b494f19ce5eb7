// The folder `npm run local` works in unless told otherwise (its rendered tree and state file).
import * as path from "node:path";
import { ROOT } from "./args";

export const LOCAL_DIR = path.join(ROOT, ".render", "local");
