import { evaluationTime } from "../bench/rules/index";
const t0 = Date.now();
evaluationTime((m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0)}s] ${m}`), 1000).catch((e) => { console.error(e); process.exit(1); });
