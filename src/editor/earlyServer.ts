/** Imported first by the desktop entry point: the server's process starts while the rest of the bundle loads (see serverProcess.ts). */
import { startEarly } from './serverProcess';

startEarly();
