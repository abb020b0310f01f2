// One part of a Mongoose OS fw.zip manifest, in its own file so the bundle reader and the zip
// integrity check can both name it without importing each other.
export interface MongoosePart {
  name: string;
  /** File inside the zip (relative to the manifest's folder); null for fill-only parts. */
  src: string | null;
  addr: number | null;
  size: number | null;
  type: string | null;
  /** SHA-1 of the part's file, hex: the device checks it after writing the part. */
  csSha1: string | null;
}
