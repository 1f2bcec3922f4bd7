/**
 * The contest's published final ranking (top 5 and the NNoM entry, from docs contest.md), to
 * place an estimated score among them.
 */
import { contestScore } from "../metrics/mod.ts";

/** One published entry. */
export interface ContestEntry {
  rank: number;
  team: string;
  score: number;
  fbeta: number;
  latencyMs: number;
  flashKiB: number;
}

/** The published results to beat (2022 ACM/IEEE TinyML Design Contest, final ranking). */
export const CONTEST_TOP: readonly ContestEntry[] = [
  {
    rank: 1,
    team: "Gatech EIC Lab",
    score: 135.43,
    fbeta: 0.972,
    latencyMs: 1.747,
    flashKiB: 26.39,
  },
  { rank: 2, team: "SEUer", score: 132.98, fbeta: 0.946, latencyMs: 1.712, flashKiB: 24.48 },
  { rank: 3, team: "MIT-HAN-Lab", score: 132.91, fbeta: 0.934, latencyMs: 0.538, flashKiB: 11.18 },
  {
    rank: 4,
    team: "HuskyCS Deepical",
    score: 132.84,
    fbeta: 0.978,
    latencyMs: 26.197,
    flashKiB: 35.46,
  },
  { rank: 5, team: "UBPercept", score: 132.21, fbeta: 0.93, latencyMs: 0.221, flashKiB: 16.4 },
  { rank: 10, team: "NNoM", score: 129.21, fbeta: 0.948, latencyMs: 32.393, flashKiB: 35.49 },
];

/** Our entry next to the published ones, sorted by score (highest first). */
export function placeAmongTop(
  name: string,
  fbeta: number,
  latencyMs: number,
  flashBytes: number,
): (ContestEntry & { ours: boolean })[] {
  const ours = {
    rank: 0,
    team: name,
    score: contestScore(fbeta, latencyMs, flashBytes),
    fbeta,
    latencyMs,
    flashKiB: flashBytes / 1024,
    ours: true,
  };
  return [...CONTEST_TOP.map((e) => ({ ...e, ours: false })), ours].sort((a, b) =>
    b.score - a.score
  );
}
