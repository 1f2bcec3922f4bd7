/** Command-line helpers shared by every task under pipeline/. */
export * from "./args.ts";
