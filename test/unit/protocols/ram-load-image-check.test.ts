// A RAM-load image (the mps2 build's, load address 0x20240000) offered to a board that tests and confirms
// in flash is refused in the plan, before the upload; RAM-load boards, unknown modes and plain images pass.
import { describe, expect, it } from 'vitest';
import type { SmpBootMode } from '../../../shared/domain.ts';
import { ramLoadImageCheck } from '../../../electron/engine/protocols/mcumgr-boot-mode-plan.ts';

const swapProbe: SmpBootMode = {
  bootloader: null,
  mode: null,
  stateWrites: true,
  source: 'confirm-probe',
  summary: 'ok',
};
const ramLoad: SmpBootMode = {
  bootloader: 'MCUboot',
  mode: 'RAM load',
  stateWrites: false,
  source: 'bootloader-info',
  summary: 'ram',
};
const recovery: SmpBootMode = {
  bootloader: null,
  mode: null,
  stateWrites: false,
  source: 'rc8-answer',
  summary: 'rc8',
};
const mps2Header = { flags: 0x20, loadAddr: 0x20240000 };

describe('ramLoadImageCheck', () => {
  it('fails a RAM-load image on a board that tests and confirms, naming the flag and the load address', () => {
    const result = ramLoadImageCheck(swapProbe, mps2Header);
    expect(result).toMatchObject({ id: 'image-kind', status: 'fail' });
    expect(result?.detail).toMatch(/RAM_LOAD, load address 0x20240000/);
    expect(result?.detail).toMatch(/another board/);
  });

  it('says nothing for a plain image, a RAM-load board, a board without state writes, or an unknown mode', () => {
    expect(ramLoadImageCheck(swapProbe, { flags: 0, loadAddr: 0 })).toBeNull();
    expect(ramLoadImageCheck(ramLoad, mps2Header)).toBeNull();
    expect(ramLoadImageCheck(recovery, mps2Header)).toBeNull();
    expect(ramLoadImageCheck(null, mps2Header)).toBeNull();
  });
});
