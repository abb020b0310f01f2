// USB vendor/product ids of the boards (and debug probes) that usually carry MCUmgr on a serial port,
// and of the common USB-serial bridges that do NOT mean MCUmgr. A port whose ids are a known MCUmgr board
// is allowed by default (OTA Bench may write a probe to it); anything else waits for the user, because
// writing to an unknown port can upset whatever is on it (a modem, a 3D printer, a bootloader).
//
// Where the ids come from:
// - 0x2fe3: Zephyr's own USB vendor id, the default of CONFIG_USB_DEVICE_VID (subsys/usb/device/Kconfig)
//   and of the samples' USBD_DEVICE_DEFINE(…, 0x2fe3, 0x0100) for the new USB stack; 0x0100 is what
//   Zephyr applications with a CDC-ACM console/MCUmgr UART enumerate as, 0x0001 is
//   CONFIG_USB_PID_CDC_ACM_SAMPLE (samples/subsys/usb/usb_pid.Kconfig), which MCUboot built with USB CDC
//   serial recovery (boot/zephyr, CONFIG_BOOT_SERIAL_CDC_ACM) also carries by default.
// - 0x1915: Nordic Semiconductor's vendor id (nRF52840 Dongle and DK nRF USB port running nRF Connect SDK
//   applications and the Open USB bootloader, e.g. 1915:520f / 1915:521f).
// - 0x1366: SEGGER; 1366:1015 (and 1366:1051/1061 on newer firmware) is the J-Link OB interface MCU of the
//   nRF51/52/53/91 DKs, whose virtual COM port is the nRF's UART (knurling-rs / probe-rs docs list
//   "ID 1366:1015 <- J-Link on the nRF52840 Development Kit").
// - 0x0d28:0x0204: Arm Mbed DAPLink / CMSIS-DAP (micro:bit, FRDM and LPC boards; Zephyr's board pages).
// - 0x0483:0x374b: ST-LINK/V2-1, the probe on Nucleo / Discovery boards (0x374e/0x374f: STLINK-V3).
// - Bridges (pyserial / Linux usb-serial drivers' id tables): Espressif 0x303a (ESP32-S2/S3/C3 USB
//   serial/JTAG), Silicon Labs CP210x 0x10c4, WCH CH340/CH341 0x1a86, FTDI 0x0403. These carry anything:
//   known, but not allowed by default.

export interface UsbBoardFamily {
  /** In words for the device row: "Nordic nRF52840 DK (J-Link)". */
  name: string;
  /** Boards with these ids normally run Zephyr / MCUboot with MCUmgr on this port: allowed by default. */
  carriesMcumgr: boolean;
}

interface UsbIdEntry extends UsbBoardFamily {
  vendorId: number;
  /** Null: any product of this vendor. */
  productId: number | null;
}

const USB_BOARDS: readonly UsbIdEntry[] = [
  { vendorId: 0x2fe3, productId: 0x0100, name: 'Zephyr CDC-ACM', carriesMcumgr: true },
  { vendorId: 0x2fe3, productId: 0x0001, name: 'Zephyr CDC-ACM (MCUboot USB serial recovery)', carriesMcumgr: true },
  { vendorId: 0x2fe3, productId: null, name: 'Zephyr USB device', carriesMcumgr: true },
  { vendorId: 0x1915, productId: 0x520f, name: 'Nordic nRF52840 Dongle (bootloader)', carriesMcumgr: true },
  { vendorId: 0x1915, productId: 0x521f, name: 'Nordic nRF52840 Dongle (bootloader)', carriesMcumgr: true },
  { vendorId: 0x1915, productId: null, name: 'Nordic nRF (USB CDC)', carriesMcumgr: true },
  { vendorId: 0x1366, productId: 0x1015, name: 'Nordic nRF DK (J-Link)', carriesMcumgr: true },
  { vendorId: 0x1366, productId: null, name: 'SEGGER J-Link (nRF DK)', carriesMcumgr: true },
  { vendorId: 0x0d28, productId: 0x0204, name: 'DAPLink (micro:bit, FRDM, LPC)', carriesMcumgr: true },
  { vendorId: 0x0483, productId: 0x374b, name: 'ST-LINK/V2-1 (Nucleo)', carriesMcumgr: true },
  { vendorId: 0x0483, productId: 0x374e, name: 'STLINK-V3 (Nucleo)', carriesMcumgr: true },
  { vendorId: 0x0483, productId: 0x374f, name: 'STLINK-V3 (Nucleo)', carriesMcumgr: true },
  { vendorId: 0x303a, productId: null, name: 'Espressif ESP32 USB serial', carriesMcumgr: false },
  { vendorId: 0x10c4, productId: null, name: 'Silicon Labs CP210x USB-serial bridge', carriesMcumgr: false },
  { vendorId: 0x1a86, productId: null, name: 'WCH CH340 USB-serial bridge', carriesMcumgr: false },
  { vendorId: 0x0403, productId: null, name: 'FTDI USB-serial bridge', carriesMcumgr: false },
];

/** Parses "2fe3", "0x2FE3" or a number into a 16-bit id; null for anything else. */
export function parseUsbId(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 0xffff ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim().toLowerCase().replace(/^0x/, '');
  return /^[0-9a-f]{1,4}$/.test(text) ? parseInt(text, 16) : null;
}

/** The 4 lowercase hex digits Device.serial carries ("2fe3"), or null. */
export function formatUsbId(value: unknown): string | null {
  const id = parseUsbId(value);
  return id === null ? null : id.toString(16).padStart(4, '0');
}

/** The family these ids name (an exact product first, then the vendor), or null when unknown. */
export function knownUsbBoard(vendorId: unknown, productId: unknown): UsbBoardFamily | null {
  const vendor = parseUsbId(vendorId);
  if (vendor === null) return null;
  const product = parseUsbId(productId);
  const entry =
    USB_BOARDS.find((row) => row.vendorId === vendor && row.productId !== null && row.productId === product) ??
    USB_BOARDS.find((row) => row.vendorId === vendor && row.productId === null);
  return entry ? { name: entry.name, carriesMcumgr: entry.carriesMcumgr } : null;
}

/** Whether OTA Bench may write to a port with these ids before the user says so. */
export function allowedByDefault(vendorId: unknown, productId: unknown): boolean {
  return knownUsbBoard(vendorId, productId)?.carriesMcumgr ?? false;
}
