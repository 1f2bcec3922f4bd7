/**
 * A tiny synthetic Dataset for training tests: VA segments are a fast sine, the others a slow
 * one, with a per-subject phase and amplitude, so a model can learn it in an epoch or two.
 */
import type { Dataset } from "../../lib/data/dataset.ts";
import type { ArchSpec } from "../../lib/model/mod.ts";
import { defaultsFor, type TrainConfig } from "../../lib/train/mod.ts";
import { SEGMENT_LENGTH } from "../../lib/data/dataset.ts";

export function syntheticDataset(subjects = 4, perSubject = 12): Dataset {
  const size = subjects * perSubject;
  const samples = new Float32Array(size * SEGMENT_LENGTH);
  const labels = new Uint8Array(size);
  const subjectOf = new Uint16Array(size);
  const rhythms = new Uint8Array(size);
  const files: string[] = [];
  const names = Array.from({ length: subjects }, (_, s) => `S${String(s + 1).padStart(2, "0")}`);
  for (let i = 0; i < size; i++) {
    const s = Math.floor(i / perSubject);
    const va = i % 2;
    labels[i] = va;
    subjectOf[i] = s;
    rhythms[i] = va ? 5 : 0; // VT or SR
    files.push(`${names[s]}-${va ? "VT" : "SR"}-${i}.txt`);
    const omega = va ? 0.25 : 0.04;
    const amplitude = 0.5 + 0.1 * s;
    for (let t = 0; t < SEGMENT_LENGTH; t++) {
      samples[i * SEGMENT_LENGTH + t] = amplitude * Math.sin(omega * t + i);
    }
  }
  return { size, samples, labels, subjects: subjectOf, subjectNames: names, rhythms, files };
}

/** Segment indices of `dataset` whose subject is (or is not) `subject`. */
export function splitBySubject(dataset: Dataset, subject: number) {
  const train: number[] = [];
  const validation: number[] = [];
  for (let i = 0; i < dataset.size; i++) {
    (dataset.subjects[i] === subject ? validation : train).push(i);
  }
  return { train, validation };
}

/**
 * A one-epoch, batch-8 training config of `spec` on the synthetic subjects (S01–S03 train, S04
 * validates), with the arch's other defaults and `overrides` on top.
 */
export function syntheticConfig(spec: ArchSpec, overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    ...defaultsFor(spec.name),
    arch: spec.name,
    seed: 11,
    folds: 4,
    fold: 3,
    data: "synthetic",
    trainSubjects: ["S01", "S02", "S03"],
    validationSubjects: ["S04"],
    inputClip: spec.inputClip,
    backend: "wasm",
    fused: true,
    epochs: 1,
    batchSize: 8,
    ...overrides,
  };
}
