// The protocols OTA Bench can push with, by id. BLE/SMP (#4) joins this table.
import type { ProtocolId } from '../../../shared/domain.ts';
import { arduinoEsp32, arduinoEsp8266 } from './arduino-http-update.ts';
import { arduinoOta } from './arduino-ota.ts';
import { espLink } from './esp-link.ts';
import { esphomeWeb } from './esphome-web.ts';
import { esphomeNative } from './esphome-native.ts';
import { mongooseOs } from './mongoose-os.ts';
import type { UpdateProtocol } from './update-protocol.ts';

const PUSH_PROTOCOLS: Partial<Record<ProtocolId, UpdateProtocol>> = {
  'mongoose-os': mongooseOs,
  'arduino-esp8266': arduinoEsp8266,
  'arduino-esp32': arduinoEsp32,
  'esphome-web': esphomeWeb,
  'esphome-native': esphomeNative,
  'esp-link': espLink,
  'arduino-ota': arduinoOta,
};

export function pushProtocol(id: ProtocolId): UpdateProtocol | null {
  return PUSH_PROTOCOLS[id] ?? null;
}

export function canPush(id: ProtocolId): boolean {
  return id in PUSH_PROTOCOLS;
}
