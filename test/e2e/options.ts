/** What main.ts tells the UI tests before it loads them (they are one bundle with it). */
import type { Variant } from './codeServer';

export const uiOptions: {
  /** The extension hosts to run the UI tests with, one describe() each. */
  variants: Variant[];
  /** Where the README screenshots go (media/ for `npm run screenshots`); unset: not taken. */
  screenshotDir?: string;
  /** Where every run leaves its screenshots and, on failure, the page and server logs. */
  artifactDir: string;
} = { variants: ['node', 'web'], artifactDir: 'out/vscode/artifacts' };
