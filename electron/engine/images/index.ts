// Public surface of the image inspectors, for the engine and its protocols.
export { inspectImage, IMAGE_FORMATS, type InspectedImage } from './inspect-image.ts';
export { ImageAccessError } from './image-file.ts';
export { readMongooseManifest, type MongooseManifest, type MongoosePart } from './mongoose-bundle.ts';
export type { FormatReport, ImageFormat } from './image-format.ts';
export { describePair, findPairInFolder, PAIR_LABEL } from './image-pair.ts';
export { espLinkHeaderProblem } from './esp8266-ota-v2.ts';
export { slotFromFileName } from './esp8266-slot-evidence.ts';
export { readMcubootImage, type McubootImage } from './mcuboot.ts';
