// What inspection says about a Mongoose OS fw.zip that the device would refuse or mishandle, each in
// the device's own words where it has them ("Cannot handle compressed .zip"), and what to do instead.
const REBUILD = 'Rebuild the bundle with `mos build`.';

/** The first three names, then "…". */
const firstNames = (names: string[]) => `${names.slice(0, 3).join(', ')}${names.length > 3 ? '…' : ''}`;

/** "a file" / "3 files". */
const howMany = (count: number, noun: string) => (count === 1 ? `a ${noun}` : `${count} ${noun}s`);

export function noManifest(binaries: string[]): string {
  const hint =
    binaries.length > 0
      ? ` It contains ${firstNames(binaries)}: extract the firmware image and open that.`
      : ' Extract the firmware .bin from it, or build a bundle with `mos build`.';
  return `This zip archive has no manifest.json, so it is not a Mongoose OS fw.zip.${hint}`;
}

export function manifestUnreadable(manifestPath: string, encrypted: boolean): string {
  const why = encrypted ? 'encrypted' : 'too large to be a manifest';
  return `${manifestPath} in this zip is ${why}, so the bundle cannot be read. Rebuild it with \`mos build\`.`;
}

export function manifestNotJson(manifestPath: string, reason: string): string {
  return `The fw.zip's ${manifestPath} cannot be parsed (${reason}); the device would answer "Failed to parse manifest". ${REBUILD}`;
}

export const NORDIC_DFU_PACKAGE =
  'This is a Nordic DFU package (nRF5 SDK / nRF Connect) zip, not a Mongoose OS fw.zip: OTA Bench cannot push it ' +
  'over the LAN. Use nRF Connect Device Manager, or an MCUboot image once BLE support arrives.';

export function notMongooseManifest(manifestPath: string): string {
  return (
    `This zip has a ${manifestPath} but it is not a Mongoose OS manifest (no platform or parts). ` +
    'Pick the fw.zip that `mos build` wrote to build/fw.zip, or the firmware .bin itself.'
  );
}

export function manifestFieldsInvalid(fields: string): string {
  return (
    `The fw.zip's manifest is missing or has invalid required fields (${fields}); ` +
    `the device would answer "Required manifest field missing". ${REBUILD}`
  );
}

export function manifestNotFirst(firstEntry: string | undefined): string {
  return (
    `manifest.json is not the first entry of this fw.zip (the first is ${firstEntry}); Mongoose OS devices read the ` +
    'manifest first and reject the bundle. Rebuild it with `mos build` instead of re-zipping it by hand.'
  );
}

export function compressedEntries(names: string[]): string {
  return (
    `This fw.zip has compressed entries (${firstNames(names)}); Mongoose OS devices only accept stored (uncompressed) ` +
    'bundles and answer "Cannot handle compressed .zip". Rebuild it with `mos build` without --compress.'
  );
}

export function missingParts(sources: (string | null)[]): string {
  return `The manifest lists files that are not in the zip (${sources.join(', ')}). ${REBUILD}`;
}

export function dataDescriptors(names: string[]): string {
  return (
    `Some entries keep their sizes in a trailing data descriptor (${names.slice(0, 3).join(', ')}), ` +
    'which the Mongoose OS parser skips. Rebuild the bundle with `mos build` if the update fails.'
  );
}

/** `listed`: the mismatches, already shortened to a few. */
export function localHeadersDisagree(listed: string): string {
  return (
    "This fw.zip's local file headers, which Mongoose OS devices read as they receive the file, disagree with its " +
    `central directory: ${listed}. The device would read something else than OTA Bench checked ("Malformed archive"). ${REBUILD}`
  );
}

export function unreadableEntries(listed: string): string {
  return `Some files in this fw.zip cannot be read: ${listed}. The archive is damaged: download or build it again.`;
}

export function crcMismatch(count: number, listed: string): string {
  return (
    `The CRC-32 of ${howMany(count, 'file')} in this fw.zip does not match its content (${listed}): the archive is ` +
    'corrupted, and the device would stop with "Invalid CRC" after receiving it. Download or build it again.'
  );
}

export function sha1Mismatch(count: number, listed: string): string {
  return (
    `The SHA-1 of ${howMany(count, 'part')} does not match the manifest's cs_sha1 (${listed}): the device checks it ` +
    `after writing the part and rejects the update. ${REBUILD}`
  );
}

export function sizeMismatch(count: number, listed: string): string {
  return `The manifest gives ${howMany(count, 'part')} a size other than the file's (${listed}): the bundle was altered after \`mos build\`. Rebuild it.`;
}
