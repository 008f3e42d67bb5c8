/**
 * UI tests: a person's view of the extension in code-server, driven in Chromium. For each
 * extension host (main.ts sets uiOptions.variants): the extension is staged as the VSIX would
 * install it (the web variant with a browser-only manifest, so it can run only in the web-worker
 * extension host), a workspace gets a Go file with the bug, and the tests open it, see the
 * squiggle and the Problems entry, hover, apply the quick fix with Ctrl+. and Enter, save, and
 * expand a snippet. They save screenshots on the way (media/ with `npm run screenshots`).
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { SUBJECTS, WAITGROUP, type Subject } from '../suite/subjects';
import { installInto, ROOT, RUNS, stageExtension, startCodeServer, type CodeServer, type Variant } from './codeServer';
import { uiOptions } from './options';
import { launchChromium, openWorkbench } from './workbench';

/**
 * The finding the UI tests click through: the goroutine-send-leak subject and its "Buffer the
 * channel" fix (the README's example) as soon as test/suite/subjects.ts has one, until then the
 * WaitGroup rule's "Move `wg.Add(1)` before the go statement".
 */
export const UI_SUBJECT: Subject = SUBJECTS.find((s) => s.ruleId === 'goroutine-send-leak') ?? WAITGROUP;

const BUG_FILE = 'bug.go';
const SNIPPET_FILE = 'snippet.go';
const SQUIGGLE_CLASS: Record<Subject['severity'], string> = {
  Error: 'squiggly-error',
  Warning: 'squiggly-warning',
  Information: 'squiggly-info',
  Hint: 'squiggly-hint',
};

const HOST_NAME: Record<Variant, string> = { node: 'Node extension host', web: 'web-worker extension host' };

for (const variant of uiOptions.variants) {
  describe(`UI in code-server + Chromium, ${HOST_NAME[variant]}`, function () {
    let server: CodeServer;
    let browser: Browser;
    let page: Page;
    let pageLog: string[] = [];
    let workspace: string;
    const artifacts = join(uiOptions.artifactDir, variant);
    const squiggle = () => page.locator(`.monaco-editor .${SQUIGGLE_CLASS[UI_SUBJECT.severity]}`);

    before(async function () {
      this.timeout(180000);
      const extensionsDir = join(RUNS, `extensions-${variant}-${process.pid}`);
      const staged = stageExtension(variant, join(RUNS, `stage-${variant}-${process.pid}`));
      const main = (JSON.parse(readFileSync(join(staged, 'package.json'), 'utf8')) as { main?: string }).main;
      // without `main` the extension can run only in the web-worker extension host
      assert.equal(main === undefined, variant === 'web', `the ${variant} manifest ${main ? 'has' : 'has no'} main`);
      installInto(extensionsDir, staged);
      server = await startCodeServer(`ui-${variant}`, { extensionsDir });
      workspace = server.workspace;
      writeFileSync(join(workspace, BUG_FILE), UI_SUBJECT.source);
      writeFileSync(join(workspace, SNIPPET_FILE), 'package main\n\n');
      mkdirSync(artifacts, { recursive: true });
      browser = await launchChromium();
      ({ page, console: pageLog } = await openWorkbench(browser, server, workspace));
      await page.keyboard.press('Control+B'); // hide the side bar: the editor is what the screenshots show
    });

    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    afterEach(async function () {
      if (this.currentTest?.state !== 'failed' || !page) return;
      const name = this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
      await page.screenshot({ path: join(artifacts, `failed-${name}.png`) }).catch(() => undefined);
      writeFileSync(join(artifacts, `failed-${name}.log`), pageLog.join('\n'));
      console.log(`      screenshot and page log: ${join(artifacts, `failed-${name}`)}.{png,log}; server log: ${server.logFile}`);
    });

    it(`${UI_SUBJECT.ruleId}: a squiggle under \`${UI_SUBJECT.at.split('\n')[0]}\` and an entry in the Problems panel`, async () => {
      await openFile(page, BUG_FILE);
      await squiggle().first().waitFor({ timeout: 60000 });
      assert.equal(await squiggle().count(), 1, 'one squiggle');
      await page.keyboard.press('Control+Shift+M');
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: UI_SUBJECT.ruleId });
      await row.first().waitFor();
      const text = await row.first().innerText();
      assert.ok(text.includes(UI_SUBJECT.message), `the Problems row shows the message: ${text}`);
      assert.ok(/goconc/.test(text), `the Problems row names the source: ${text}`);
      await focusEditor(page);
      await screenshot(page, variant, 'squiggle');
      await page.keyboard.press('Control+J'); // close the panel: room for the hover
      await page.locator('.part.panel').first().waitFor({ state: 'hidden' });
    });

    it('hovering the squiggle shows the rule, the message and the steps', async () => {
      await openFile(page, BUG_FILE);
      const box = await center(squiggle().first());
      await page.mouse.move(box.x, box.y);
      const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: UI_SUBJECT.title });
      await hover.first().waitFor();
      const text = await hover.first().innerText();
      for (const step of UI_SUBJECT.steps) assert.ok(text.includes(plain(step)), `the hover shows the step "${step}":\n${text}`);
      assert.ok(text.includes('Rule documentation'), 'the hover links the rule documentation');
      await screenshot(page, variant, 'hover', hover.first());
      await page.mouse.move(5, 5);
      await page.keyboard.press('Escape');
    });

    it(`Ctrl+. then Enter applies "${UI_SUBJECT.fix.title}" and Ctrl+S saves it`, async () => {
      await openFile(page, BUG_FILE);
      const box = await center(squiggle().first());
      await page.mouse.click(box.x, box.y); // the cursor in the finding
      const line = UI_SUBJECT.source.slice(0, UI_SUBJECT.source.indexOf(UI_SUBJECT.at)).split('\n').length;
      await page.locator('[id="status.editor.selection"]', { hasText: `Ln ${line},` }).first().waitFor();
      await page.mouse.move(5, 5);
      await page.keyboard.press('Control+.');
      const title = UI_SUBJECT.fix.title; // the menu shows it as plain text, backticks included
      const menu = page.locator('.action-widget');
      await menu.locator('.monaco-list-row', { hasText: title }).first().waitFor();
      await screenshot(page, variant, 'quickfix', menu);
      for (let i = 0; i < 10; i++) {
        const focused = await menu.locator('.monaco-list-row.focused').first().innerText().catch(() => '');
        if (focused.includes(title)) break;
        await page.keyboard.press('ArrowDown');
      }
      await page.keyboard.press('Enter');
      await squiggle().first().waitFor({ state: 'detached' });
      await page.keyboard.press('Control+S');
      await until(() => readFileSync(join(workspace, BUG_FILE), 'utf8') === UI_SUBJECT.fix.after, `${BUG_FILE} on disk has the fix`, () =>
        readFileSync(join(workspace, BUG_FILE), 'utf8'),
      );
    });

    it('typing a snippet prefix and accepting the suggestion inserts the snippet', async function () {
      const snippet = firstSnippet();
      if (!snippet) this.skip(); // snippets/go.code-snippets is not there yet
      await openFile(page, SNIPPET_FILE);
      await page.keyboard.press('Control+End');
      await cursorAt(page, 3, 1);
      await page.keyboard.type(snippet.prefix, { delay: 20 });
      const suggest = page.locator('.suggest-widget.visible');
      const item = suggest.locator('.monaco-list-row', { hasText: snippet.prefix });
      try {
        await item.first().waitFor({ timeout: 5000 });
      } catch {
        await page.keyboard.press('Control+Space'); // quick suggestions off or slow: ask for them
        await item.first().waitFor();
      }
      for (let i = 0; i < 10; i++) {
        const focused = await suggest.locator('.monaco-list-row.focused').first().innerText().catch(() => '');
        if (focused.split('\n')[0].trim() === snippet.prefix) break;
        await page.keyboard.press('ArrowDown');
      }
      await page.keyboard.press('Enter');
      await page.keyboard.press('Escape'); // leave the snippet's placeholders
      await page.keyboard.press('Control+S');
      const expected = snippet.lines;
      await until(
        () => codeLines(readFileSync(join(workspace, SNIPPET_FILE), 'utf8')).join('\n') === ['package main', ...expected].join('\n'),
        `${SNIPPET_FILE} on disk holds the "${snippet.prefix}" snippet with its defaults`,
        () => readFileSync(join(workspace, SNIPPET_FILE), 'utf8'),
      );
    });
  });
}

/** Opens a workspace file with Quick Open (Ctrl+P) and waits for its editor. */
async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(name);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label*="${name}"]`).first().waitFor();
  await focusEditor(page);
}

/** Focuses the editor (Ctrl+1) and waits until it has the keyboard, so no keystroke goes elsewhere. */
async function focusEditor(page: Page): Promise<void> {
  await page.keyboard.press('Control+1');
  await page.locator('.part.editor .monaco-editor.focused').first().waitFor();
}

/** Waits for the status bar to show the cursor at `Ln line, Col col`. */
async function cursorAt(page: Page, line: number, col: number): Promise<void> {
  await page.locator('[id="status.editor.selection"]', { hasText: `Ln ${line}, Col ${col}` }).first().waitFor();
}

async function center(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  assert.ok(box, 'the element is on screen');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Saves a screenshot as out/vscode/artifacts/<variant>/<name>.png and, for `npm run screenshots`, media/screenshot-<name>.png. */
async function screenshot(page: Page, variant: Variant, name: string, cropBelow?: Locator): Promise<void> {
  // cropBelow: end the picture a little under this widget (the empty editor below says nothing)
  const size = page.viewportSize();
  const box = cropBelow && (await cropBelow.boundingBox());
  const clip = size && box ? { x: 0, y: 0, width: size.width, height: Math.min(size.height, Math.ceil(box.y + box.height + 40)) } : undefined;
  const shot = await page.screenshot(clip ? { clip } : {});
  const dir = join(uiOptions.artifactDir, variant);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.png`), shot);
  if (uiOptions.screenshotDir && variant === 'node') {
    mkdirSync(uiOptions.screenshotDir, { recursive: true });
    writeFileSync(join(uiOptions.screenshotDir, `screenshot-${name}.png`), shot);
  }
}

/** Markdown inline code as the hover renders it: without the backticks. */
function plain(markdown: string): string {
  return markdown.replace(/`/g, '');
}

/** Polls a condition outside the page (a file on disk) until it holds, for at most 15 s. */
async function until(condition: () => boolean, what: string, actual: () => string): Promise<void> {
  const deadline = Date.now() + 15000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`${what}; it holds:\n${actual()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Lines with code, trimmed: indentation is the editor's business. */
function codeLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** The first snippet of snippets/go.code-snippets, and its lines with every placeholder at its default. */
function firstSnippet(): { prefix: string; lines: string[] } | undefined {
  const file = join(ROOT, 'snippets', 'go.code-snippets');
  if (!existsSync(file)) return undefined;
  const all = JSON.parse(readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '')) as Record<string, { prefix: string | string[]; body: string | string[] }>;
  const first = Object.values(all)[0];
  if (!first) return undefined;
  let body = Array.isArray(first.body) ? first.body.join('\n') : first.body;
  for (let prev = ''; prev !== body; ) {
    prev = body;
    body = body
      .replace(/\$\{\d+:([^{}$]*)\}/g, '$1') // ${1:default}
      .replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1') // ${1|first,second|}
      .replace(/\$\{\d+\}|\$\d+/g, ''); // $0, ${2}
  }
  return { prefix: Array.isArray(first.prefix) ? first.prefix[0] : first.prefix, lines: codeLines(body) };
}
