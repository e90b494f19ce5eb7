// The CrossGuard pack run on every preview (see .github/workflows/preview.yml):
//   pulumi preview --policy-pack policy
import { PolicyPack } from "@pulumi/policy";
import { INVARIANTS } from "./invariants";

new PolicyPack("ananta-invariants", { enforcementLevel: "mandatory", policies: INVARIANTS });
