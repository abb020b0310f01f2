// One pre-flight check line, as the plan panel and the CLI show it. Plans of every protocol build
// their checks with this, so a check reads the same whichever side planned it.
import type { PreflightCheck } from '../../../shared/domain.ts';

/** A check the user cannot push past; protocols that allow an override set `overridable` themselves. */
export const check = (id: string, label: string, status: PreflightCheck['status'], detail: string): PreflightCheck => ({
  id,
  label,
  status,
  detail,
  overridable: false,
});
