// esp-link's CGI handlers, as the firmware writes them (jeelabs/esp-link esp-link/cgiflash.c,
// cgi.c, cgiservices.c, httpd/httpd.c): each one is called when the head is in (no body) or for
// every 1024-byte body piece, and answers with the exact headers and bodies of the firmware.
import type { EspLinkBoard } from './esp-link-board.ts';
import { FLASH_SECTOR, checkHeader, type Slot } from './esp-link-flash.ts';
import type { Cgi, HttpdRequest } from './esp-link-httpd.ts';

/** cgiservices.c rst_codes and flash_maps, indexed by rst_info->reason and the SDK flash size map. */
export const RESET_CAUSES = [
  'normal',
  'wdt reset',
  'exception',
  'soft wdt',
  'restart',
  'deep sleep',
  'external',
] as const;
export const FLASH_MAPS = [
  '512KB:256/256',
  '256KB',
  '1MB:512/512',
  '2MB:512/512',
  '4MB:512/512',
  '2MB:1024/1024',
  '4MB:1024/1024',
] as const;

const FLASH_TOO_SMALL = 'Flash too small for OTA update';

/** cgi.c noCacheHeaders + errorResponse: no Content-Type, no CRLF after the message. */
function errorResponse(request: HttpdRequest, code: number, message: string): 'done' {
  noCacheHeaders(request, code);
  request.endHeaders();
  request.send(message);
  return 'done';
}

function noCacheHeaders(request: HttpdRequest, code: number): void {
  request.startResponse(code);
  request.header('Cache-Control', 'no-cache, no-store, must-revalidate');
  request.header('Pragma', 'no-cache');
  request.header('Expires', '0');
}

/** The cgiflash.c error answer: text/plain, message + CRLF, no Content-Length. */
function flashError(request: HttpdRequest, code: number, message: string): 'done' {
  request.startResponse(code);
  request.header('Content-Type', 'text/plain');
  request.endHeaders();
  request.send(`${message}\r\n`);
  return 'done';
}

function garbage(request: HttpdRequest): 'done' {
  request.startResponse(200);
  request.header('Content-Type', 'text/plain');
  request.endHeaders();
  request.send(Buffer.from('\u0000\u00ffuser?.b\u0007{"menu":<garbage>\r\n', 'latin1'));
  return 'done';
}

interface UploadState {
  slot: Slot;
  pieces: Buffer[];
  /** Set once an answer went out (error or success): later calls do nothing. */
  answered: boolean;
}

export function flashRoutes(board: EspLinkBoard): Record<string, Cgi> {
  const record = (
    request: HttpdRequest,
    state: UploadState,
    outcome: 'applied' | 'rejected' | 'hung',
    status: number | null,
    message: string,
  ) =>
    board.recordEspUpload({
      headers: request.headers,
      data: Buffer.concat(state.pieces),
      slot: state.slot,
      declaredLength: request.contentLength,
      status,
      outcome,
      message,
    });

  const next: Cgi = (request) => {
    if (!request.connected) return 'done';
    if (!board.canOta) return errorResponse(request, 400, FLASH_TOO_SMALL);
    if (board.quirks.garbageResponses) return garbage(request);
    request.startResponse(200);
    request.header('Content-Type', 'text/plain');
    request.header('Content-Length', '9');
    request.endHeaders();
    request.send(`user${board.nextSlot}.bin`);
    return 'done';
  };

  const upload: Cgi = (request) => {
    const piece = request.piece;
    const offset = request.received - (piece?.length ?? 0);
    if (offset === 0 && request.connected)
      request.state = { slot: board.nextSlot, pieces: [], answered: false } satisfies UploadState;
    const state = request.state as UploadState | undefined;
    if (!request.connected) {
      // The connection went away mid-body: what arrived is in flash, nobody got an answer.
      if (state && !state.answered)
        record(
          request,
          state,
          'rejected',
          null,
          `connection closed after ${request.received} of ${request.contentLength} bytes`,
        );
      return 'done';
    }
    if (!state || state.answered) return 'done';
    const fail = (
      code: number,
      message: string,
      send: (request: HttpdRequest, code: number, message: string) => 'done',
    ) => {
      state.answered = true;
      if (piece) state.pieces.push(piece);
      record(
        request,
        state,
        'rejected',
        code,
        code === 400 && message === FLASH_TOO_SMALL ? message : `${message}\r\n`,
      );
      return send(request, code, message);
    };
    if (!board.canOta) return fail(400, FLASH_TOO_SMALL, errorResponse);
    let error: string | null = null;
    let code = 400;
    if (request.contentLength > board.firmwareSizeLimit) error = 'Firmware image too large';
    if (piece === null || request.method !== 'POST' || request.contentLength < 1024) error = 'Invalid request';
    if (error === null && offset === 0) error = checkHeader(piece!);
    if (error === null && offset % 1024 !== 0) {
      error = 'Buffering problem';
      code = 500;
    }
    if (error !== null) return fail(code, error, flashError);
    // Write the piece where the next slot lives, erasing each 4 KB sector as the write reaches it.
    const slot = board.slots[state.slot];
    if ((slot.address + offset) % FLASH_SECTOR === 0) slot.eraseSectorAt(offset);
    slot.write(offset, piece!);
    state.pieces.push(piece!);
    if (request.received < request.contentLength) return 'more';
    state.answered = true;
    if (board.quirks.hangResponse) {
      record(request, state, 'hung', null, '');
      return 'hang';
    }
    record(request, state, 'applied', 200, '');
    request.startResponse(200);
    request.endHeaders();
    return 'done';
  };

  const reboot: Cgi = (request) => {
    if (!request.connected) return 'done';
    if (!board.canOta) return errorResponse(request, 400, FLASH_TOO_SMALL);
    // Sanity-check the first 32 bytes of the next slot before arming the upgrade reboot.
    const error = checkHeader(board.slots[board.nextSlot].bytes.subarray(0, 32));
    if (error !== null) return flashError(request, 400, error);
    request.startResponse(200);
    request.header('Content-Length', '0');
    request.endHeaders();
    board.scheduleReboot(true);
    return 'done';
  };

  const reset: Cgi = (request) => {
    if (!request.connected) return 'done';
    request.startResponse(200);
    request.header('Content-Length', '0');
    request.endHeaders();
    board.scheduleReboot(false);
    return 'done';
  };

  return { '/flash/next': next, '/flash/upload': upload, '/flash/reboot': reboot, '/log/reset': reset };
}

/** getUserPageSectionEnd() - getUserPageSectionStart() for each flash map (config.c). */
function userPageSize(map: number): number {
  const sizes = [0x1000, 0, 0x2000, 0xfc000, 0x2fc000, 0xfc000, 0x2fc000];
  return sizes[map] ?? 0;
}

const hex = (value: number, width: number) => `0x${value.toString(16).toUpperCase().padStart(width, '0')}`;

export function infoRoutes(board: EspLinkBoard): Record<string, Cgi> {
  const systemInfo: Cgi = (request) => {
    if (!request.connected) return 'done';
    if (board.quirks.garbageResponses) return garbage(request);
    const fid = board.flashChipId;
    const body =
      '{ ' +
      `"name": "${board.hostname}", ` +
      `"reset cause": "${board.resetCause}=${RESET_CAUSES[board.resetCause]}", ` +
      `"size": "${FLASH_MAPS[board.flashSizeMap]}", ` +
      `"upload-size": "${userPageSize(board.flashSizeMap)}", ` +
      `"id": "${hex(fid & 0xff, 2)} ${hex((fid & 0xff00) | ((fid >> 16) & 0xff), 4)}", ` +
      `"partition": "user${board.runningSlot}.bin", ` +
      '"slip": "disabled", ' +
      '"mqtt": "disabled/disconnected", ' +
      '"baud": "115200", ' +
      '"description": ""' +
      ' }';
    noCacheHeaders(request, 200);
    request.header('Content-Type', 'application/json');
    request.endHeaders();
    request.send(body);
    return 'done';
  };

  const menu: Cgi = (request) => {
    if (!request.connected) return 'done';
    if (board.quirks.garbageResponses) return garbage(request);
    const body =
      '{ "menu": [ ' +
      '"Home", "/home.html", "WiFi Station", "/wifi/wifiSta.html", "WiFi Soft-AP", "/wifi/wifiAp.html", ' +
      '"&#xb5;C Console", "/console.html", "Services", "/services.html", "REST/MQTT", "/mqtt.html", ' +
      '"Debug log", "/log.html","Upgrade Firmware", "/flash.html","Web Server", "/web-server.html"' +
      ' ], ' +
      `"version": "${board.version}", ` +
      `"name": "${board.hostname.slice(0, 12)}"` +
      ' }';
    noCacheHeaders(request, 200);
    request.header('Content-Type', 'application/json');
    request.endHeaders();
    request.send(body);
    return 'done';
  };

  const home: Cgi = (request) => {
    if (!request.connected) return 'done';
    request.startResponse(200);
    request.header('Content-Type', 'text/html; charset=UTF-8');
    request.endHeaders();
    request.send(
      '<!doctype html><html><head><title>esp-link</title><link rel=stylesheet href="/pure.css"><link rel=stylesheet href="/style.css">' +
        '<meta name=viewport content="width=device-width, initial-scale=1"><script src="/ui.js"></script></head>' +
        `<body><div id="layout"><div id="main"><div class="header"><h1><span class="esp">esp</span>-link</h1>` +
        `<h2>${board.hostname}</h2></div><div class="content"><p>JEELABS esp-link - ${board.version}</p></div></div></div></body></html>`,
    );
    return 'done';
  };

  const root: Cgi = (request) => {
    if (request.connected) request.redirect('/home.html');
    return 'done';
  };

  // cgiwifi.c cgiWifiInfo/printWifiInfo: the station MAC is the one thing here that tells boards apart.
  const wifiInfo: Cgi = (request) => {
    if (!request.connected) return 'done';
    if (board.quirks.garbageResponses) return garbage(request);
    const mac = board.mac.toLowerCase().replace(/(..)(?!$)/g, '$1:');
    const apMac = `${mac.slice(0, -2)}${((parseInt(mac.slice(-2), 16) + 1) & 0xff).toString(16).padStart(2, '0')}`;
    const body =
      '{"mode": "STA", "modechange": "no", "ssid": "ota-bench", "status": "got IP address", ' +
      '"phy": "11n", "rssi": "-58dB", "warn": "Switch to <a href=\\"#\\" onclick=\\"changeWifiMode(3)\\">STA+AP mode</a>",  "apwarn": "", ' +
      `"mac":"${mac}", "chan":"6", "apssid": "ESP_${board.mac.slice(-6)}", ` +
      '"appass": "", "apchan": "6", "apmaxc": "4", "aphidd": "disabled", ' +
      `"apbeac": "100", "apauth": "OPEN","apmac":"${apMac}"` +
      `, "ip": "${board.address}", "netmask": "255.0.0.0", "gateway": "127.0.0.1", "hostname": "${board.hostname}"` +
      ', "staticip": "0.0.0.0", "dhcp": "on"}';
    request.startResponse(200);
    request.header('Content-Type', 'application/json');
    request.endHeaders();
    request.send(body);
    return 'done';
  };

  return { '/': root, '/menu': menu, '/system/info': systemInfo, '/home.html': home, '/wifi/info': wifiInfo };
}
