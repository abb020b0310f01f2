// Why the QEMU tests cannot run here, or null: the sentence each of them prints when it skips.
import { qemuSkipReason } from '../../sim/qemu/qemu-board.ts';

export const qemuSkip: string | null = qemuSkipReason();
if (qemuSkip) console.warn(`QEMU tests (real Zephyr smp_server builds): ${qemuSkip}`);
