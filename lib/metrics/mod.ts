/** Classification metrics (Fβ with β = 2) and the contest score. */
export * from "./metrics.ts";
export * from "./score.ts";
