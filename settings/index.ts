export * from "./schema";
export * from "./errors";
export * from "./load";
export * from "./stack-file";
export * from "./types";
export type { SecretValues } from "./pulumi-config";
export * from "./burn";
export * from "./maintenance";
export * from "./calendar";
