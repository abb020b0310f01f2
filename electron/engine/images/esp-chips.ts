// What the ESP32-family extended header's chip id means, and how each chip encodes its flash
// frequency, as esptool decodes them (esptool/targets/*.py IMAGE_CHIP_ID and FLASH_FREQUENCY;
// image_info looks a code up with get_key_from_value, so where two names share a code the first
// one is printed, and a code not in the table is an "Invalid flash frequency").
// Chip revisions are `major * 100 + minor` (esptool: v{rev // 100}.{rev % 100}; 65535 = no maximum).

interface ChipInfo {
  name: string;
  frequencies: Record<number, string>;
}

const CLASSIC = { 0x0: '40m', 0x1: '26m', 0x2: '20m', 0xf: '80m' };
const C2 = { 0xf: '60m', 0x0: '30m', 0x1: '20m', 0x2: '15m' };
const H2 = { 0xf: '48m', 0x0: '24m', 0x1: '16m', 0x2: '12m' };
const H4 = { 0x0: '48m', 0x1: '16m', 0x2: '12m' };
/** The C6 ROM's wrong MSPI divider: esptool writes 0 for 80m as for 40m, and has no 0xF. */
const C6 = { 0x0: '80m', 0x2: '20m' };
const C5 = { 0xf: '80m', 0x0: '40m', 0x2: '20m' };

export const ESP32_CHIPS: Record<number, ChipInfo> = {
  0: { name: 'ESP32', frequencies: CLASSIC },
  2: { name: 'ESP32-S2', frequencies: CLASSIC },
  4: { name: 'ESP32-S3 beta 2', frequencies: CLASSIC },
  5: { name: 'ESP32-C3', frequencies: CLASSIC },
  7: { name: 'ESP32-C6 beta', frequencies: CLASSIC },
  9: { name: 'ESP32-S3', frequencies: CLASSIC },
  10: { name: 'ESP32-H2 beta 1', frequencies: CLASSIC },
  12: { name: 'ESP32-C2', frequencies: C2 },
  13: { name: 'ESP32-C6', frequencies: C6 },
  14: { name: 'ESP32-H2 beta 2', frequencies: CLASSIC },
  16: { name: 'ESP32-H2', frequencies: H2 },
  17: { name: 'ESP32-C5 beta 3', frequencies: CLASSIC },
  18: { name: 'ESP32-P4', frequencies: CLASSIC },
  20: { name: 'ESP32-C61', frequencies: C5 },
  23: { name: 'ESP32-C5', frequencies: C5 },
  25: { name: 'ESP32-H21', frequencies: H2 },
  28: { name: 'ESP32-H4', frequencies: H4 },
  31: { name: 'ESP32-E22', frequencies: CLASSIC },
  32: { name: 'ESP32-S31', frequencies: C5 },
};

/** `ESP32-C6`, or `ESP32 family, chip id 99` for an id esptool does not know (yet). */
export function esp32ChipName(chipId: number): string {
  return ESP32_CHIPS[chipId]?.name ?? `ESP32 family, chip id ${chipId}`;
}

/** The frequency name for this chip, null when the code means nothing on it. */
export function esp32FrequencyName(chipId: number, code: number): string | null {
  return ESP32_CHIPS[chipId]?.frequencies[code] ?? null;
}

const NO_MAXIMUM = 0xffff;
const revision = (rev: number): string => `v${Math.floor(rev / 100)}.${rev % 100}`;

/** `v0.0 – v0.99`, `v1.0 or later`: the chip revisions the image says it runs on. */
export function revisionRange(minRevFull: number, maxRevFull: number): string {
  return maxRevFull === NO_MAXIMUM
    ? `${revision(minRevFull)} or later (no maximum set)`
    : `${revision(minRevFull)} – ${revision(maxRevFull)}`;
}
