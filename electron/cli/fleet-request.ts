// `ota-bench push FILE… --to A --to B,C` (or `--all`) is a fleet run. Its options go through the
// contract's own `fleetRequestSchema`, the one the IPC server checks the fleet card's runs with: the
// CLI takes exactly the runs the UI may ask for (no `--concurrency 0`), and says what is wrong in
// terms of the option the user typed (exit 2). Nothing here talks to the engine.
import type { FleetRequest } from '../../shared/fleet.ts';
import { FLEET_LIMITS, fleetRequestSchema } from '../../shared/request-schemas.ts';
import { checkPair } from './password.ts';
import { DEFAULT_COMMIT_TIMEOUT_SECONDS, refusal, type PushOptionValues } from './push-request.ts';
import { UsageError } from './usage.ts';

/** What the command line decides about a run; the boards and the images come later. */
export type FleetRequestOptions = Omit<FleetRequest, 'deviceIds' | 'imageIds'>;

/** The CLI option behind each field of a fleet request (a new schema field must be given one here). */
export const OPTION_OF_FLEET_FIELD = {
  commitPolicy: '--commit',
  commitTimeoutSeconds: '--commit-timeout',
  concurrency: '--concurrency',
  stopOnFailure: '--stop-on-failure',
  skipOffline: '--skip-offline',
  onlyOutdated: '--outdated',
  staged: '--staged',
  mode: '--mode',
  credentials: '--user/--password',
  otaListenPort: '--ota-port',
} as const satisfies Record<keyof FleetRequestOptions, string>;

/** The options as parseArgs hands them over. */
export interface FleetOptionValues extends PushOptionValues {
  to?: string[];
  all?: boolean;
  outdated?: boolean;
  'skip-offline'?: boolean;
  concurrency?: string;
  'stop-on-failure'?: boolean;
  staged?: boolean;
  force?: boolean;
}

/** Options that only mean something for several boards: any of them makes a push a fleet run. */
const FLEET_ONLY = ['all', 'outdated', 'skip-offline', 'concurrency', 'stop-on-failure', 'staged'] as const;

/** `--to A --to B,C` → A, B, C; a reference typed twice (in any case) counts once. */
export function targetRefs(to: string[] | undefined): string[] {
  const refs = (to ?? []).flatMap((value) => value.split(',')).map((ref) => ref.trim());
  const seen = new Set<string>();
  return refs.filter((ref) => {
    const key = ref.toLowerCase();
    if (!ref || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A push names several boards, or a fleet option: a fleet run. One board and none of them is the
 * single push of before, with its interactive plan and commit prompt, unchanged.
 */
export function isFleetPush(values: FleetOptionValues, refs: string[]): boolean {
  return refs.length > 1 || FLEET_ONLY.some((option) => values[option] !== undefined && values[option] !== false);
}

const optionsSchema = fleetRequestSchema.omit({ deviceIds: true, imageIds: true });

function fleetRefusal(field: string, values: FleetOptionValues, schemaWords: string): string {
  switch (field) {
    case 'concurrency':
      return `--concurrency wants a whole number of pushes at once from 1 to ${FLEET_LIMITS.maxConcurrency}, not "${values.concurrency}".`;
    case 'deviceIds':
      return `one run takes at most ${FLEET_LIMITS.maxDevices} boards; push to the rest in another run.`;
    case 'imageIds':
      return `one run takes at most ${FLEET_LIMITS.maxImages} images (a user1/user2 pair counts as one).`;
    default:
      return refusal(field, values, schemaWords);
  }
}

/**
 * The run's options checked by the contract's schema. `interactive`: stdin is a terminal, where
 * `--commit` defaults to prompt (one "Commit all healthy" question), never elsewhere.
 */
export function fleetRequestOptions(
  values: FleetOptionValues,
  { interactive }: { interactive: boolean },
): FleetRequestOptions {
  checkPair(values.user, values.password);
  if (values.all && (values.to?.length ?? 0) > 0)
    throw new UsageError('--all pushes to every board that can take the file: give --all or --to, not both.');
  if (values.protocol !== undefined)
    throw new UsageError('--protocol is for a push to one board; a run to several uses each board’s own protocol.');
  if (values.force)
    throw new UsageError('--force overrides one board’s checks and is not taken for a run to several boards.');
  const timeout = values['commit-timeout'];
  const otaPort = values['ota-port'];
  const concurrency = values.concurrency;
  // '' would be Number('') = 0: keep it a string so the schema refuses it as what it is.
  const number = (text: string | undefined, fallback: number | undefined) =>
    text === undefined ? fallback : text.trim() === '' ? text : Number(text);
  const candidate = {
    commitPolicy: values.commit ?? (interactive ? 'prompt' : 'never'),
    commitTimeoutSeconds: number(timeout, DEFAULT_COMMIT_TIMEOUT_SECONDS),
    concurrency: number(concurrency, FLEET_LIMITS.defaultConcurrency),
    stopOnFailure: Boolean(values['stop-on-failure']),
    skipOffline: Boolean(values['skip-offline']),
    onlyOutdated: Boolean(values.outdated),
    staged: Boolean(values.staged),
    mode: values.mode,
    credentials:
      values.user || values.password ? { user: values.user ?? '', password: values.password ?? '' } : undefined,
    otaListenPort: number(otaPort, undefined),
  };
  const parsed = optionsSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new UsageError(fleetRefusal(String(issue.path[0]), values, issue.message));
}

/** The run the CLI starts, checked by the whole schema once the boards and the images are known. */
export function fleetRequestFor(
  options: FleetRequestOptions,
  fields: Pick<FleetRequest, 'deviceIds' | 'imageIds'>,
): FleetRequest {
  const parsed = fleetRequestSchema.safeParse({ ...options, ...fields });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new UsageError(fleetRefusal(String(issue.path[0]), {}, `${issue.path.join('.')}: ${issue.message}`));
}
