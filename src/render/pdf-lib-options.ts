import { ParseSpeeds } from 'pdf-lib';

/**
 * How pdf-lib reads and writes the program's PDFs. By default it stops to let the event loop run
 * (a setTimeout of 0, a millisecond at least) every 100 objects it parses and every 50 it writes: a
 * month's packs and charts held the main thread waiting for a few hundred of those. Every 1,500
 * objects instead: a signal or a console request is still answered within a few milliseconds.
 *
 * Written without object streams: pdf-lib then does not deflate every small object again on each
 * save. Measured on the October board pack: assembly 381 ms of CPU instead of 646 ms, for files 15%
 * larger (the public pack 331,847 bytes instead of 289,521).
 */
export const LOAD_OPTIONS = { parseSpeed: ParseSpeeds.Fast } as const;
export const SAVE_OPTIONS = { useObjectStreams: false, objectsPerTick: 1500 } as const;
