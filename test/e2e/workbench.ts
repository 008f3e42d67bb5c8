/**
 * Debian's Chromium driven by playwright-core (never `playwright install`), and the code-server
 * workbench in it. Page code is passed as strings: the project's tsconfig has no DOM types.
 */
import { existsSync } from 'node:fs';
import { format } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { CodeServer } from './codeServer';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The workbench URL for a folder, with an optional test-electron style payload. */
export function workbenchUrl(server: CodeServer, folder: string, payload?: [string, string][]): string {
  let url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/** A file path as the workbench's remote URI. */
export function remoteUri(server: CodeServer, path: string): string {
  return `vscode-remote://127.0.0.1:${server.port}${path}`;
}

export interface Opened {
  page: Page;
  /** What the page logged (errors and warnings), to print when a test fails. */
  console: string[];
}

/** Opens the workbench on a folder in a new page and waits until it has rendered. */
export async function openWorkbench(browser: Browser, server: CodeServer, folder: string, viewport = { width: 1100, height: 700 }): Promise<Opened> {
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  page.setDefaultTimeout(15000); // a step that waits longer has failed (the first review waits on its own terms)
  const console: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.push(`[${m.type()}] ${m.text()}`);
  });
  page.on('pageerror', (e) => console.push(`[pageerror] ${e.message}`));
  await page.goto(workbenchUrl(server, folder));
  await page.locator('.monaco-workbench .part.editor').waitFor({ timeout: 60000 });
  return { page, console };
}

/**
 * Runs an extension-host test module in the workbench (the contract @vscode/test-web uses):
 * the page exposes codeAutomationLog and codeAutomationExit, the URL's payload names the
 * development extension and the tests, and the workbench reports the exit code when run()
 * settles. Resolves with that code.
 */
export async function runExtensionTests(
  browser: Browser,
  server: CodeServer,
  folder: string,
  extensionDevelopmentPath: string,
  extensionTestsPath: string,
  onLog: (line: string) => void,
  timeoutMs = 10 * 60 * 1000,
): Promise<number> {
  const page = await browser.newPage();
  try {
    let exit!: (code: number) => void;
    const exited = new Promise<number>((resolve) => (exit = resolve));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      onLog(formatLog(type, args));
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
    page.on('pageerror', (e) => onLog(`[pageerror] ${e.message}`));
    await page.goto(
      workbenchUrl(server, folder, [
        ['extensionDevelopmentPath', remoteUri(server, extensionDevelopmentPath)],
        ['extensionTestsPath', remoteUri(server, extensionTestsPath)],
      ]),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<number>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the extension tests did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await page.close().catch(() => undefined);
  }
}

/** The workbench forwards console calls as (type, args), printf-style like console.log. */
function formatLog(type: string, args: unknown[]): string {
  const text = format(...(Array.isArray(args) ? args : [args]));
  return type === 'error' || type === 'warn' ? `[${type}] ${text}` : text;
}
