// Composition root of the engine. Callers pick options; everything else is wired here.
import type { OtaEngine } from './engine-api.ts';
import { Engine } from './engine.ts';
import { DEFAULT_JOB_TIMEOUTS, type JobTimeouts } from './jobs/job-runner.ts';

export interface EngineOptions {
  /** Per-phase timeouts; tests and the CLI shorten or lengthen some of them. */
  timeouts?: Partial<JobTimeouts>;
}

export function createEngine(options: EngineOptions = {}): OtaEngine {
  return new Engine({ ...DEFAULT_JOB_TIMEOUTS, ...options.timeouts });
}

export type { OtaEngine } from './engine-api.ts';
