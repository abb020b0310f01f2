// Pre-flight of a Mongoose OS push over BLE (ble-protocols.md §2.3): the file must be a fw.zip the
// updater reads (images/mongoose-bundle.ts says why not), built for the device's arch (Sys.GetInfo), and
// the device must be idle with committed firmware (OTA.Status), or OTA.Begin is refused.
import type { PreflightCheck } from '../../../shared/domain.ts';
import type { MongooseManifest } from '../images/mongoose-bundle.ts';
import { check } from './preflight-check.ts';
import type { FirmwareInfo } from './update-protocol.ts';

export interface MongooseBleFacts {
  manifest: MongooseManifest;
  info: FirmwareInfo;
  /** OTA.Status: state (0 idle, 1 progress, 2 error, 3 success) and whether the running firmware is committed. */
  status: { state: number | null; committed: boolean | null };
}

export function notFwZipChecks(fileName: string, problem: string | null): PreflightCheck[] {
  const why =
    problem ??
    `${fileName} is not a Mongoose OS fw.zip: Mongoose OS devices only take the fw.zip \`mos build\` produces.`;
  return [check('format', 'Mongoose OS fw.zip', 'fail', why)];
}

export function mongooseBleChecks({ manifest, info, status }: MongooseBleFacts): PreflightCheck[] {
  const checks = [
    check('format', 'Mongoose OS fw.zip', 'pass', `fw.zip ${manifest.version} for ${manifest.platform}.`),
  ];
  if (!info.arch) {
    checks.push(
      check('platform', 'Platform', 'warn', `The device did not say its arch; the fw.zip is for ${manifest.platform}.`),
    );
  } else if (info.arch.toLowerCase() !== manifest.platform.toLowerCase()) {
    checks.push(
      check(
        'platform',
        'Platform',
        'fail',
        `This fw.zip is built for ${manifest.platform}, but the device is an ${info.arch}: it would refuse it ("Wrong platform").`,
      ),
    );
  } else {
    checks.push(check('platform', 'Platform', 'pass', `The device is an ${info.arch}.`));
  }
  if (status.committed === false) {
    checks.push(
      check(
        'committed',
        'Running firmware committed',
        'fail',
        `It runs ${info.version ?? 'a firmware'} uncommitted and takes no other update until it is committed or reverted.`,
      ),
    );
  } else if (status.state === 1) {
    checks.push(
      check(
        'idle',
        'Updater idle',
        'warn',
        'It holds a half-finished update (an interrupted push); OTA Bench aborts it first.',
      ),
    );
  }
  if (info.version && info.version === manifest.version) {
    checks.push(check('version', 'Version', 'warn', `It already runs ${info.version}; the push flashes it again.`));
  }
  return checks;
}
