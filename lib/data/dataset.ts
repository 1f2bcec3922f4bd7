/**
 * The Dataset contract: every stage after the loader takes a Dataset (or a subset of one),
 * never files. Samples of segment i are `samples.subarray(i * SEGMENT_LENGTH, (i + 1) * SEGMENT_LENGTH)`.
 */

/** Samples per segment: 5 s at 250 Hz. */
export const SEGMENT_LENGTH = 1250;

/** Rhythm codes, in the order their indices are stored. The last three are ventricular arrhythmia. */
export const RHYTHMS = ["SR", "SVT", "AFb", "AFt", "VPD", "VT", "VFb", "VFt"] as const;
export type Rhythm = typeof RHYTHMS[number];

/** Rhythms whose segments are labelled 1 (ventricular arrhythmia). */
export const VA_RHYTHMS: ReadonlySet<Rhythm> = new Set(["VT", "VFb", "VFt"]);

/** Where a loaded Dataset came from. */
export interface DatasetSource {
  /** The directory or archive, as given to the loader. */
  readonly data: string;
  /** The index CSV used (a path, or a path inside `data`), or "" when every *.txt was indexed. */
  readonly index: string;
  /** Hex SHA-256 over the loader version and the contents of every input: a cache key. */
  readonly key: string;
}

export interface Dataset {
  /** Number of segments. */
  readonly size: number;
  /** [size × SEGMENT_LENGTH] raw samples, segment-major. */
  readonly samples: Float32Array;
  /** [size] 1 = ventricular arrhythmia, 0 = anything else. */
  readonly labels: Uint8Array;
  /** [size] index into `subjectNames`. */
  readonly subjects: Uint16Array;
  /** Sorted subject names, e.g. "S01". */
  readonly subjectNames: readonly string[];
  /** [size] index into `RHYTHMS`. */
  readonly rhythms: Uint8Array;
  /** [size] file name of each segment, e.g. "S66-VT-114.txt". */
  readonly files: readonly string[];
  /** Set by lib/data's loadDataset(); absent on subsets and hand-made datasets. */
  readonly source?: DatasetSource;
}

/** The samples of segment `i` (a view, not a copy). */
export function segment(dataset: Dataset, i: number): Float32Array {
  return dataset.samples.subarray(i * SEGMENT_LENGTH, (i + 1) * SEGMENT_LENGTH);
}

/** A new Dataset holding the segments at `indices`, in that order (samples are copied). */
export function subset(dataset: Dataset, indices: ArrayLike<number>): Dataset {
  const n = indices.length;
  const samples = new Float32Array(n * SEGMENT_LENGTH);
  const labels = new Uint8Array(n);
  const subjects = new Uint16Array(n);
  const rhythms = new Uint8Array(n);
  const files: string[] = new Array(n);
  for (let j = 0; j < n; j++) {
    const i = indices[j];
    if (!(i >= 0 && i < dataset.size)) throw new RangeError(`Segment index ${i} is out of range`);
    samples.set(segment(dataset, i), j * SEGMENT_LENGTH);
    labels[j] = dataset.labels[i];
    subjects[j] = dataset.subjects[i];
    rhythms[j] = dataset.rhythms[i];
    files[j] = dataset.files[i];
  }
  return { size: n, samples, labels, subjects, subjectNames: dataset.subjectNames, rhythms, files };
}
