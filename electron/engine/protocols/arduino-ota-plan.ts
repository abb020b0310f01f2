// Pre-flight of an ArduinoOTA push. The board has nothing to ask before the invitation, so the plan
// judges the file against what `_arduino._tcp` says: ArduinoOTA writes a plain 0xE9 application
// image (the ESP8266 Updater also takes a gzipped one), never an SDK user1/user2 image (0xEA) or an
// MCUboot image; the chip comes from the port (8266 / 3232) and TXT `board`. Free space is not
// announced: the board says whether the image fits when invited (ERROR[4] Not Enough Space).
import type { Device, ImageInfo, PreflightCheck } from '../../../shared/domain.ts';
import { formatBytes } from '../../../shared/format.ts';
import { withArticle } from '../format.ts';
import { rememberedCredentials } from '../net/board-auth.ts';
import { check } from './preflight-check.ts';
import type { PlanInput, ProtocolPlan } from './update-protocol.ts';

type Chip = 'esp8266' | 'esp32';

/** The board's chip as ArduinoOTA announces it: ESP32 listens on 3232 and names its variant in `board`. */
export function boardChip(device: Pick<Device, 'port' | 'txt'>): Chip | null {
  const board = device.txt.board ?? '';
  if (/esp32/i.test(board) || device.port === 3232) return 'esp32';
  if (/esp8266|nodemcu|d1_mini|generic/i.test(board) || device.port === 8266) return 'esp8266';
  return null;
}

function imageChip(info: ImageInfo): Chip | null {
  if (info.pushableWith.includes('arduino-esp32')) return 'esp32';
  if (info.pushableWith.includes('arduino-esp8266')) return 'esp8266';
  return null;
}

const LABEL = 'Image ArduinoOTA takes';

function formatCheck(info: ImageInfo): PreflightCheck {
  if (info.problem) return check('format', LABEL, 'fail', info.problem);
  switch (info.format) {
    case 'esp-app':
      return check('format', LABEL, 'pass', `${info.formatLabel}, sent as an application update (command 0).`);
    case 'gzip':
      return check('format', LABEL, 'pass', `${info.formatLabel}: the ESP8266 Updater unpacks it (command 0).`);
    case 'littlefs':
      return check(
        'format',
        LABEL,
        'pass',
        `${info.formatLabel}, sent as a filesystem update (command 100): it replaces the board's filesystem partition.`,
      );
    case 'esp8266-ota-v2':
    case 'esp8266-ota-pair':
      return check(
        'format',
        LABEL,
        'fail',
        `${info.fileName} is an ESP8266 SDK user1/user2 image (0xEA), for esp-link and NONOS FOTA boards. ArduinoOTA writes the sketch's plain application .bin (starting with 0xE9): push the .bin the Arduino/PlatformIO build made.`,
      );
    case 'mcuboot':
      return check(
        'format',
        LABEL,
        'fail',
        `${info.fileName} is an MCUboot image (for SMP boards such as Zephyr). ArduinoOTA boards take the sketch's plain application .bin (starting with 0xE9).`,
      );
    default:
      return check(
        'format',
        LABEL,
        'fail',
        `${info.fileName} is ${withArticle(info.formatLabel)}: ArduinoOTA boards take the sketch's plain application .bin (starting with 0xE9).`,
      );
  }
}

function chipCheck(info: ImageInfo, device: Device): PreflightCheck | null {
  const board = boardChip(device);
  const image = imageChip(info);
  if (!board || !image) return null;
  const name = (chip: Chip) => (chip === 'esp32' ? 'ESP32' : 'ESP8266');
  if (board === image)
    return check('chip', 'Built for this chip', 'pass', `An ${name(image)} image for an ${name(board)} board.`);
  const why = device.txt.board
    ? `its _arduino._tcp board is "${device.txt.board}"`
    : `it listens on port ${device.port}`;
  return {
    ...check(
      'chip',
      'Built for this chip',
      'fail',
      `This is an ${name(image)} image but the board looks like an ${name(board)} (${why}); its Updater would refuse it or it would not boot.`,
    ),
    // Evidence from a port and a TXT string, not proof: "Push anyway" can send it.
    overridable: true,
  };
}

// Not a pass: nothing was checked. A warning (which does not block) says the board decides.
function sizeCheck(info: ImageInfo): PreflightCheck {
  return check(
    'size',
    'Free space not known',
    'warn',
    `${formatBytes(info.size)}; ArduinoOTA boards do not announce their free space, so the board says whether it fits when invited (ERROR[4] Not Enough Space).`,
  );
}

function passwordCheck(input: PlanInput): PreflightCheck | null {
  if (input.device.txt.auth_upload !== 'yes') return null;
  if (rememberedCredentials(input.target))
    return check('auth', 'OTA password', 'pass', 'It asks for an OTA password; OTA Bench answers with the one given.');
  return check(
    'auth',
    'OTA password',
    'warn',
    `${input.device.name} asks for its OTA password (auth_upload=yes): give it.`,
  );
}

export async function planArduinoOta(input: PlanInput): Promise<ProtocolPlan> {
  const { info } = input.image;
  const format = formatCheck(info);
  const checks = [format];
  if (format.status === 'pass') {
    const chip = chipCheck(info, input.device);
    if (chip) checks.push(chip);
    checks.push(sizeCheck(info));
  }
  const password = passwordCheck(input);
  if (password) checks.push(password);
  return { send: input.image, reason: null, slots: null, checks };
}
