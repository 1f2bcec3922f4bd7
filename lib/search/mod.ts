/**
 * Architecture and training-setting search scored by the contest formula: a search space as
 * data (space.ts), one candidate measured by subject-wise cross-validation in int8 plus the
 * Cortex-M4 firmware (evaluate_candidate.ts), an append-only results table that a search
 * resumes from (table.ts), parallel worker processes (search.ts, worker.ts) and a report with
 * a Pareto plot and the clinical view (report.ts).
 *
 * @example A candidate's id and ArchSpec
 * ```ts
 * import { candidateId, candidateSpec, COMPACT } from "./mod.ts";
 * const spec = candidateSpec(COMPACT);
 * if (spec.name !== `search-${candidateId(COMPACT)}`) throw new Error(spec.name);
 * ```
 *
 * @module
 */
export * from "./space.ts";
export * from "./table.ts";
export {
  type CandidateResult,
  chooseDecision,
  evaluateCandidate,
  type EvaluateCandidateOptions,
  metricsAt,
  pooledAtDecision,
  pooledClasses,
  type PooledOutputs,
  pooledOutputs,
} from "./evaluate_candidate.ts";
export { runSearch, type SearchOptions, summarize } from "./search.ts";
export { type JobOutcome, runJob, type SearchJob, type SearchSelection } from "./worker.ts";
export {
  CLINICAL_TARGETS,
  clinicalShortfall,
  formatTable,
  paretoFront,
  paretoSpec,
  TABLE_HEAD,
  tableCells,
  writeReport,
} from "./report.ts";
export {
  type FitBlock,
  fitByRhythm,
  type FitDecision,
  type FitRhythm,
  trainingFit,
} from "./training_fit.ts";
export {
  applyVeto,
  type MatchBlock,
  matchBlocks,
  type MorphologyVeto,
  NON_OVERLAPPING_STEP,
  overlapsTemplate,
  type SinusTemplate,
  sinusTemplates,
  type StudyMetrics,
  studyMetrics,
  TEMPLATE_SEGMENTS,
  type TemplateMatch,
  templateMatches,
  VETO_GRID,
} from "./template_match.ts";
