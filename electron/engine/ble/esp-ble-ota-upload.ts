// The Espressif BLE OTA transfer (ble-protocols.md §3.4–3.5), as the official apps run it: START with
// the image length, then one 4 KiB sector at a time — its packets, then wait for the sector's ACK —
// resending a sector the device reports a CRC error for, following the device to the sector it expects
// on an index error (at most 10 in a row, as the Android app), and stopping on a length error.
import { formatCount } from '../../../shared/format.ts';
import {
  ESP_OTA_SECTOR_BYTES,
  SECTOR_STATUS,
  sectorCount,
  sectorPackets,
  sectorStatusWords,
  startCommand,
  stopCommand,
  type SectorAck,
} from './esp-ble-ota.ts';
import type { EspOtaSession } from './esp-ble-ota-session.ts';

export interface EspOtaTimeouts {
  /** A command's ACK. */
  commandMs: number;
  /** One sector's ACK after its last packet (the Android app waits 30 s). */
  sectorAckMs: number;
}

export const DEFAULT_ESP_OTA_TIMEOUTS: EspOtaTimeouts = { commandMs: 5_000, sectorAckMs: 30_000 };

/** A CRC error on the same sector this many times in a row is not bad luck. */
export const MAX_CRC_RETRIES = 3;
/** The Android app's limit of consecutive resyncs on index errors. */
export const MAX_INDEX_RESYNCS = 10;

/** The device refused something (a command, a sector): a sentence, not a link problem. */
export class EspOtaRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EspOtaRefusedError';
  }
}

export interface StartResult {
  /** ble_ota_raw's START ACK: sectors it can buffer; null when the firmware does not say. */
  sectorWindow: number | null;
  /** The device was still in an earlier transfer and was stopped first. */
  stoppedEarlier: boolean;
}

/**
 * START; a device still in an earlier (dropped) transfer rejects it (ble_ota_raw), so it is stopped
 * and started again — the firmware then begins afresh from sector 0.
 */
export async function startTransfer(
  session: EspOtaSession,
  imageBytes: number,
  timeouts: EspOtaTimeouts,
  signal?: AbortSignal,
): Promise<StartResult> {
  const first = await session.command(startCommand(imageBytes), timeouts.commandMs, signal);
  if (first.accepted) return { sectorWindow: first.sectorWindow, stoppedEarlier: false };
  const stop = await session.command(stopCommand(), timeouts.commandMs, signal);
  const again = stop.accepted ? await session.command(startCommand(imageBytes), timeouts.commandMs, signal) : null;
  if (!again?.accepted) {
    throw new EspOtaRefusedError(
      `The device refused to start a transfer of ${formatCount(imageBytes)} bytes (START rejected${stop.accepted ? ' even after STOP' : ''}): ` +
        'its firmware rejects an empty image, one it has no room or memory for, or a transfer while another runs.',
    );
  }
  return { sectorWindow: again.sectorWindow, stoppedEarlier: true };
}

export interface SectorUploadInput {
  session: EspOtaSession;
  image: Buffer;
  timeouts: EspOtaTimeouts;
  signal?: AbortSignal;
  /**
   * Sectors this job has already had acknowledged (before a dropped link). The device may be followed
   * forward to those only: sectors it holds beyond them came from someone else's transfer.
   */
  ownSectors: number;
  /** Bytes the device has acknowledged so far (sectors × 4 KiB, the last one shorter). */
  onConfirmed(bytes: number): void;
  log(text: string): void;
}

export interface SectorUploadResult {
  sectors: number;
  crcRetries: number;
  resyncs: number;
}

/** Sends every sector from 0, following the device's ACKs. */
export async function uploadSectors(input: SectorUploadInput): Promise<SectorUploadResult> {
  const { session, image, timeouts, signal } = input;
  const total = sectorCount(image.length);
  const confirmedAt = (sector: number) => Math.min(image.length, sector * ESP_OTA_SECTOR_BYTES);
  let sector = 0;
  let crcInARow = 0;
  let resyncsInARow = 0;
  const result: SectorUploadResult = { sectors: total, crcRetries: 0, resyncs: 0 };
  let warnedExpected = false;
  let own = input.ownSectors;
  while (sector < total) {
    const packets = sectorPackets(image, sector, session.maxPacket);
    for (const [i, packet] of packets.entries()) {
      // An ACK before the sector's end is an error (an index error, most often): stop sending, so the
      // NimBLE firmware, which keeps wrongly numbered packets, does not take a whole wrong sector.
      if (i > 0 && session.hasSectorAckFor(sector)) break;
      await session.writeFirmware(packet);
    }
    const ack = await ackFor(session, sector, timeouts, signal);
    if (!ack.crcValid) input.log(`The ACK of sector ${sector} carries a wrong CRC16; taken as the device sent it.`);
    switch (ack.status) {
      case SECTOR_STATUS.success:
        // ble_ota_raw says the next sector; the NimBLE variant leaves 0 there (§3.6): log, not fail.
        if (ack.expected !== sector + 1 && ack.expected !== 0 && !warnedExpected) {
          input.log(`Sector ${sector} was received, but the device says it expects sector ${ack.expected} next.`);
          warnedExpected = true;
        }
        sector += 1;
        own = Math.max(own, sector);
        crcInARow = resyncsInARow = 0;
        input.onConfirmed(confirmedAt(sector));
        break;
      case SECTOR_STATUS.crcError:
        crcInARow += 1;
        result.crcRetries += 1;
        if (crcInARow > MAX_CRC_RETRIES)
          throw new EspOtaRefusedError(
            `The device reported a CRC error on sector ${sector} ${crcInARow} times in a row: ` +
              'what arrives is not what OTA Bench sent (a firmware computing another CRC, or a corrupting link).',
          );
        input.log(`Sector ${sector}: the device reported a ${sectorStatusWords(ack.status)}; sending it again.`);
        break;
      case SECTOR_STATUS.indexError:
        resyncsInARow += 1;
        result.resyncs += 1;
        if (resyncsInARow > MAX_INDEX_RESYNCS || ack.expected >= total)
          throw new EspOtaRefusedError(
            `The device kept asking for another sector (it expects sector ${ack.expected} of ${total}): ` +
              'it and OTA Bench disagree on where the transfer is.',
          );
        if (ack.expected > own)
          throw new EspOtaRefusedError(
            `The device is partway through an earlier transfer (it expects sector ${ack.expected}) and did not start ` +
              'over: its firmware (the NimBLE ble_ota) keeps its place until it restarts. Reset or power-cycle the device, then push again.',
          );
        input.log(`Sector ${sector}: the device expects sector ${ack.expected}; continuing from there.`);
        sector = ack.expected;
        input.onConfirmed(confirmedAt(sector));
        break;
      default:
        throw new EspOtaRefusedError(
          `The device refused sector ${sector}: ${sectorStatusWords(ack.status)}. The transfer cannot go on from here.`,
        );
    }
  }
  return result;
}

/** The ACK for this sector; ACKs naming another one are left-overs of an index error (one per packet). */
async function ackFor(
  session: EspOtaSession,
  sector: number,
  timeouts: EspOtaTimeouts,
  signal?: AbortSignal,
): Promise<SectorAck> {
  for (;;) {
    const ack = await session.nextSectorAck(timeouts.sectorAckMs, signal);
    if (ack.sector === sector) return ack;
  }
}

/**
 * After the last sector: STOP (the Android app's END). The example firmware restarts as soon as it has
 * every byte, so the ACK may never come; a rejected or unanswered STOP is logged, not a failure.
 */
export async function endTransfer(
  session: EspOtaSession,
  timeouts: EspOtaTimeouts,
  log: (text: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  try {
    const ack = await session.command(stopCommand(), timeouts.commandMs, signal);
    if (!ack.accepted) log('The device rejected STOP after the last sector (it had already finished the transfer).');
  } catch (error) {
    if (signal?.aborted) throw error;
    if (!session.connected) return; // restarting: what the firmware does once it has everything
    log(`No ACK for STOP after the last sector (${(error as Error).message}).`);
  }
}
