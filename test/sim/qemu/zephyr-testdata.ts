// Where the real Zephyr smp_server builds are (../shared/testdata/zephyr-smp-server, see its README). A
// developer's checkout sits beside ../shared; a CI clone may not (bash .ci/run on a fresh clone in some
// temporary directory), so the tests look in order at:
//   1. $OTA_BENCH_TESTDATA (the testdata directory itself, the one holding zephyr-smp-server/)
//   2. ../shared/testdata relative to the repository
//   3. /work/shared/testdata (this project's machine, where CI clones main elsewhere)
// and skip, naming every place they looked, when none holds the builds.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { testdataCandidates } from '../../support/testdata.ts';

export const ZEPHYR_PREFIX = 'zephyr_4.4.0_smp_server_0eae053d_';
/** The files a QEMU test needs: both .hex builds and both signed images. */
export const ZEPHYR_FILES = [
  `${ZEPHYR_PREFIX}qemu_cortex_m0_serial.merged.hex`,
  `${ZEPHYR_PREFIX}qemu_cortex_m0_serial.signed.bin`,
  `${ZEPHYR_PREFIX}mps2_an385_serial_recovery_buf2048.hex`,
  `${ZEPHYR_PREFIX}mps2_an385_serial_recovery_buf2048.signed.bin`,
];

export { testdataCandidates };

/** The zephyr-smp-server directory holding every build, or null. */
export function findZephyrTestdata(): string | null {
  for (const testdata of testdataCandidates()) {
    const dir = path.join(testdata, 'zephyr-smp-server');
    if (ZEPHYR_FILES.every((file) => existsSync(path.join(dir, file)))) return dir;
  }
  return null;
}

/** The skip sentence when the builds are nowhere: "skipped: ../shared/testdata absent (looked in …)". */
export function testdataAbsentReason(): string {
  const looked = testdataCandidates().map((dir) => path.join(dir, 'zephyr-smp-server'));
  return `skipped: ../shared/testdata absent (looked in ${looked.join(', ')}; set OTA_BENCH_TESTDATA)`;
}
