// The Espressif BLE OTA job (ble-protocols.md §3): pre-flight (a plain ESP32 app image), connect,
// START, the sectors with their ACKs (starting again from sector 0 after a dropped link: the firmware
// cannot resume), STOP, then wait for the restart the firmware does once esp_ota_end accepts the image,
// and reconnect. What can be verified is that it restarted and is back; the service cannot say which
// image runs, and the job says so instead of claiming a version.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { publishAfterClose } from './ble-connection-job.ts';
import { UpdateError } from '../update-error.ts';
import type { BleRadio } from '../ble/ble-radio.ts';
import { LinkLostError } from '../smp/smp-client.ts';
import { ESP_OTA_SECTOR_BYTES, sectorCount } from '../ble/esp-ble-ota.ts';
import { EspOtaSession, EspOtaTimeoutError } from '../ble/esp-ble-ota-session.ts';
import {
  DEFAULT_ESP_OTA_TIMEOUTS,
  EspOtaRefusedError,
  endTransfer,
  startTransfer,
  uploadSectors,
  type EspOtaTimeouts,
} from '../ble/esp-ble-ota-upload.ts';
import { espBleOtaChecks } from '../protocols/esp-ble-ota-plan.ts';
import { verdictOf } from './push-plan.ts';
import { ProgressSampler } from './progress-sampler.ts';
import type { JobContext } from './job-context.ts';
import {
  espBack,
  espLinkDropped,
  espLinkKeptDropping,
  espLinkOpened,
  espNotBack,
  espNotRestarted,
  espSectorsDone,
  espStarted,
} from './esp-ble-ota-messages.ts';

export interface EspOtaJobDeps {
  radio: BleRadio;
  /** The radio's id for the job's device, as the BLE table knows it now. */
  peripheralId(): string | null;
  connectTimeoutMs: number;
  timeouts?: EspOtaTimeouts;
  /** The job's last connection is closed (just before its terminal state is published). */
  onReleased?(): void;
}

/** Dropped links in one transfer before giving up (each one starts the transfer again). */
const MAX_DROPS = 3;

/** Runs the job; the terminal state is published once the connection is closed (as the SMP job does). */
export async function runEspOtaJob(ctx: JobContext, deps: EspOtaJobDeps): Promise<void> {
  const open: { session: EspOtaSession | null } = { session: null };
  await publishAfterClose(
    ctx,
    (held) => runOpen(held, deps, open),
    () => open.session?.close(),
    deps.onReleased,
  );
}

async function runOpen(ctx: JobContext, deps: EspOtaJobDeps, open: { session: EspOtaSession | null }): Promise<void> {
  const timeouts = deps.timeouts ?? DEFAULT_ESP_OTA_TIMEOUTS;
  ctx.setState('connecting');
  const info = ctx.image.info;
  const verdict = verdictOf(espBleOtaChecks(info));
  if (verdict.verdict !== 'ready')
    throw new UpdateError('unsupported-package', verdict.message ?? 'The pre-flight checks refused this push.');
  const file = await readFile(ctx.image.path);
  if (createHash('sha256').update(file).digest('hex') !== info.sha256) {
    throw new UpdateError(
      'integrity-failure',
      `${info.fileName} changed on disk since you opened it; open it again so OTA Bench checks what it sends.`,
    );
  }
  const name = ctx.device().name;
  const connect = async (purpose: string, timeoutMs = deps.connectTimeoutMs): Promise<EspOtaSession> => {
    const peripheralId = deps.peripheralId();
    if (!peripheralId)
      throw new UpdateError('connection-lost', `${name} is no longer in range of this Bluetooth adapter.`);
    const session = await EspOtaSession.open(deps.radio, peripheralId, {
      connectTimeoutMs: timeoutMs,
      signal: ctx.signal,
    });
    ctx.log(espLinkOpened(purpose, name, session.attMtu, session.maxPacket, session.writeKind));
    return session;
  };

  open.session = await connect('Connected to');
  ctx.update({ fromVersion: null });
  ctx.setState('transferring');
  const session = await transfer(ctx, file, open, connect, timeouts);

  ctx.setState('rebooting');
  await endTransfer(session, timeouts, ctx.log, ctx.signal);
  ctx.log('Waiting for the device to check the image (esp_ota_end) and restart into it.');
  if (!(await session.waitForDisconnect(ctx.timeouts.rebootGoneMs, ctx.signal)))
    throw new UpdateError('update-failed', espNotRestarted(name, ctx.timeouts.rebootGoneMs));
  await session.close();
  open.session = null;

  let stillOffersOta = true;
  try {
    open.session = await connect('Reconnected to', ctx.timeouts.rebootComeBackMs);
  } catch (error) {
    if (!(error instanceof UpdateError) || error.code === 'cancelled') throw error;
    if (error.code !== 'unsupported-protocol')
      throw new UpdateError('connection-lost', espNotBack(name, ctx.timeouts.rebootComeBackMs, error.message));
    stillOffersOta = false;
  }
  ctx.setState('verifying');
  ctx.setState('updated', {
    toVersion: null,
    result: { code: 'success', message: espBack(name, info.version, stillOffersOta), deviceMessage: null },
  });
}

/** START and every sector; after a dropped link, reconnect and start again. Returns the live session. */
async function transfer(
  ctx: JobContext,
  file: Buffer,
  open: { session: EspOtaSession | null },
  connect: (purpose: string) => Promise<EspOtaSession>,
  timeouts: EspOtaTimeouts,
): Promise<EspOtaSession> {
  const sampler = new ProgressSampler(file.length, (progress) => ctx.update({ progress }));
  let confirmed = 0;
  /** Sectors of this image the device acknowledged in any attempt of this job. */
  let ownSectors = 0;
  let drops = 0;
  try {
    for (;;) {
      const session = open.session!;
      try {
        const start = await startTransfer(session, file.length, timeouts, ctx.signal);
        ctx.log(espStarted(file.length, sectorCount(file.length), start.sectorWindow, start.stoppedEarlier));
        const done = await uploadSectors({
          session,
          image: file,
          timeouts,
          signal: ctx.signal,
          ownSectors,
          onConfirmed: (bytes) => {
            confirmed = bytes;
            ownSectors = Math.max(ownSectors, Math.ceil(bytes / ESP_OTA_SECTOR_BYTES));
            sampler.update(bytes);
          },
          log: ctx.log,
        });
        ctx.log(espSectorsDone(done.sectors, done.crcRetries, done.resyncs));
        return session;
      } catch (error) {
        if (ctx.signal.aborted) throw new UpdateError('cancelled', 'Cancelled.');
        if (error instanceof EspOtaRefusedError) throw new UpdateError('update-failed', error.message);
        if (error instanceof EspOtaTimeoutError)
          throw new UpdateError('connection-lost', `The device stopped answering: ${error.message}.`);
        if (!(error instanceof LinkLostError)) throw error;
        drops += 1;
        if (drops > MAX_DROPS) throw new UpdateError('connection-lost', espLinkKeptDropping(drops, error.message));
        ctx.log(espLinkDropped(confirmed, file.length, error.message));
        await session.close();
        open.session = null;
        confirmed = 0;
        sampler.update(0);
        open.session = await connect('Reconnected to');
      }
    }
  } finally {
    await sampler.flush();
  }
}
