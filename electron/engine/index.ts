// Composition root of the engine (placeholder until the engine lands; signature is final).
import type { OtaEngine } from './engine-api.ts';

export interface EngineOptions {
  /** Browse mDNS (default true). The CLI turns it off for `host[:port]` targets. */
  discovery?: boolean;
}

export function createEngine(_options: EngineOptions = {}): OtaEngine {
  throw new Error('engine not implemented yet');
}
