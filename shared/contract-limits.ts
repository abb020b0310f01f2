// Limits of the IPC contract that code without zod also needs (the renderer bundles no zod; the
// sandboxed preload can load no module at all). contract.ts validates with these same numbers.

/** How many files one inspect takes: one image, a user1/user2 pair, or a few dropped files to pick from. */
export const MAX_IMAGE_PATHS = 16;
