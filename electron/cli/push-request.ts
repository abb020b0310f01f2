// The CLI's push goes through the contract's own `pushRequestSchema`, the one the IPC server checks
// the page's pushes with: the CLI accepts exactly the pushes the UI may ask for (no `--commit-timeout
// 0` the contract forbids), and says what is wrong in terms of the option the user typed.
import type { PushRequest } from '../../shared/domain.ts';
import {
  COMMIT_TIMEOUT_LIMITS,
  OTA_LISTEN_PORT_LIMITS,
  protocolIdSchema,
  pushRequestSchema,
  smpCommitModeSchema,
} from '../../shared/request-schemas.ts';
import { checkPair } from './password.ts';
import { UsageError } from './usage.ts';

/** What the command line decides about a push; the device, the image and the override come later. */
export type PushRequestOptions = Omit<PushRequest, 'deviceId' | 'imageId' | 'override'>;

/** The CLI option behind each field of a push request (a new schema field must be given one here). */
export const OPTION_OF_FIELD = {
  protocol: '--protocol',
  commitPolicy: '--commit',
  commitTimeoutSeconds: '--commit-timeout',
  credentials: '--user/--password',
  mode: '--mode',
  otaListenPort: '--ota-port',
} as const satisfies Record<keyof PushRequestOptions, string>;

/** The fields the CLI fills itself: the resolved device and image, and `--force`'s plan fingerprint. */
export const FILLED_BY_CLI = ['deviceId', 'imageId', 'override'] as const satisfies readonly Exclude<
  keyof PushRequest,
  keyof PushRequestOptions
>[];

/** The push options as parseArgs hands them over (strings, or absent). */
export interface PushOptionValues {
  protocol?: string;
  commit?: string;
  'commit-timeout'?: string;
  user?: string;
  password?: string;
  mode?: string;
  'ota-port'?: string;
}

const optionsSchema = pushRequestSchema.omit({ deviceId: true, imageId: true, override: true });

export const DEFAULT_COMMIT_TIMEOUT_SECONDS = 300;

/** Words for a refused option, naming it as typed and what it takes (fleet-request.ts says the shared ones with it). */
export function refusal(field: string, values: PushOptionValues, schemaWords: string): string {
  switch (field) {
    case 'protocol':
      return `Unknown --protocol "${values.protocol}". Known: ${protocolIdSchema.options.join(', ')}.`;
    case 'commitPolicy':
      return `--commit must be auto, prompt or never, not "${values.commit}".`;
    case 'commitTimeoutSeconds':
      return `--commit-timeout wants whole seconds from ${COMMIT_TIMEOUT_LIMITS.min} to ${COMMIT_TIMEOUT_LIMITS.max}, not "${values['commit-timeout']}".`;
    case 'otaListenPort':
      return `--ota-port wants a TCP port from ${OTA_LISTEN_PORT_LIMITS.min} to ${OTA_LISTEN_PORT_LIMITS.max}, not "${values['ota-port']}".`;
    case 'mode':
      return `--mode must be ${smpCommitModeSchema.options.join(', ')}, not "${values.mode}".`;
    case 'credentials':
      return `--user and --password: ${schemaWords}.`;
    default:
      return `${OPTION_OF_FIELD[field as keyof typeof OPTION_OF_FIELD] ?? field}: ${schemaWords}.`;
  }
}

/**
 * The push options checked by the contract's schema. `interactive`: stdin is a terminal, where
 * `--commit` defaults to prompt (never elsewhere). Throws a UsageError (exit 2) for a refused option.
 */
export function pushRequestOptions(
  values: PushOptionValues,
  { interactive }: { interactive: boolean },
): PushRequestOptions {
  // main.ts has looked for the password already (--password, OTA_BENCH_PASSWORD, the terminal).
  checkPair(values.user, values.password);
  const timeout = values['commit-timeout'];
  const otaPort = values['ota-port'];
  const candidate = {
    protocol: values.protocol,
    commitPolicy: values.commit ?? (interactive ? 'prompt' : 'never'),
    // '' would be Number('') = 0: keep it a string so the schema refuses it as what it is.
    commitTimeoutSeconds:
      timeout === undefined ? DEFAULT_COMMIT_TIMEOUT_SECONDS : timeout.trim() === '' ? timeout : Number(timeout),
    credentials:
      values.user || values.password ? { user: values.user ?? '', password: values.password ?? '' } : undefined,
    mode: values.mode,
    // Without --ota-port the engine falls back on OTA_BENCH_OTA_PORT, then on a free port.
    otaListenPort: otaPort === undefined ? undefined : otaPort.trim() === '' ? otaPort : Number(otaPort),
  };
  const parsed = optionsSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new UsageError(refusal(String(issue.path[0]), values, issue.message));
}

/** The request the CLI pushes, checked by the whole schema once the device and the image are known. */
export function pushRequestFor(
  options: PushRequestOptions,
  fields: Pick<PushRequest, 'deviceId' | 'imageId' | 'override'>,
): PushRequest {
  const parsed = pushRequestSchema.safeParse({ ...options, ...fields });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new UsageError(refusal(String(issue.path[0]), {}, `${issue.path.join('.')}: ${issue.message}`));
}
