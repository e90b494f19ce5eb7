export * from "./schema";
export * from "./errors";
export * from "./load";
export type { SecretValues } from "./pulumi-config";
export * from "./burn";
