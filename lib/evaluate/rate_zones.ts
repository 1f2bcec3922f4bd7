/**
 * The rate zones an implantable defibrillator is programmed with, for the clinical view: a
 * model that reads rate alone flags every fast non-VA rhythm, and grouping each rhythm's
 * decisions by zone shows at which rates it does.
 */
/**
 * Rate zones in bpm, lower bounds included: below 100 is a normal resting rate, 100–119 sinus
 * tachycardia or slow VT, 120–149 a typical VT detection zone's lower part, 150–199 fast VT
 * and SVT, 200 and over the fibrillation zone.
 */
export const RATE_ZONES = ["<100", "100-119", "120-149", "150-199", ">=200"] as const;

/** A segment whose rate could not be estimated. */
export const NO_RATE = "no rate";

export type RateZone = typeof RATE_ZONES[number] | typeof NO_RATE;

const ZONE_FLOORS = [100, 120, 150, 200];

/**
 * The zone of a rate from lib/data's `estimateRateBpm`.
 *
 * @example
 * ```ts
 * import { rateZone } from "./rate_zones.ts";
 * if (rateZone(119.9) !== "100-119" || rateZone(120) !== "120-149") throw new Error();
 * ```
 */
export function rateZone(bpm: number | null): RateZone {
  if (bpm === null) return NO_RATE;
  const above = ZONE_FLOORS.filter((floor) => bpm >= floor).length;
  return RATE_ZONES[above];
}
