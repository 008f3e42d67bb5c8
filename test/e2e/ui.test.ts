/**
 * UI tests: a person's view of the extension in code-server, driven in Chromium. For each
 * extension host (main.ts sets uiOptions.variants): the extension is staged as the VSIX would
 * install it (the web variant with a browser-only manifest, so it can run only in the web-worker
 * extension host), a workspace gets a Go file with the bug, and the tests open it, see the
 * squiggle and the Problems entry, hover, read and click the goroutine CodeLens, apply the quick
 * fix with Ctrl+. and Enter, save, and expand the worker-pool snippet. They save screenshots on
 * the way (media/ with `npm run screenshots`).
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
/** The snippet the UI test expands: the worker pool. */
const SNIPPET_PREFIX = 'cc-workerpool';
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
    const lens = () => page.locator('.monaco-editor .codelens-decoration', { hasText: 'goroutine' });

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
      rmSync(artifacts, { recursive: true, force: true }); // only this run's pictures and failures
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
      const opening = Date.now();
      await openFile(page, BUG_FILE);
      const opened = Date.now();
      await squiggle().first().waitFor({ timeout: 60000 });
      // Reported, not asserted: activation, the language server's start, its first review and the editor's rendering.
      console.log(`      first squiggle ${Date.now() - opened} ms after the first Go file opened (${opened - opening} ms to open it through Quick Open)`);
      assert.equal(await squiggle().count(), 1, 'one squiggle');
      await page.keyboard.press('Control+Shift+M');
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: UI_SUBJECT.ruleId });
      await row.first().waitFor();
      const text = await row.first().innerText();
      assert.ok(text.includes(UI_SUBJECT.message), `the Problems row shows the message: ${text}`);
      assert.ok(/goconc/.test(text), `the Problems row names the source: ${text}`);
      await focusEditor(page);
      await lens().first().waitFor(); // the picture shows the file as it settles, CodeLens included
      await screenshot(page, variant, 'squiggle');
      await page.keyboard.press('Control+J'); // close the panel: room for the hover
      await page.locator('.part.panel').first().waitFor({ state: 'hidden' });
    });

    it('hovering the squiggle shows the rule, the message and the steps', async () => {
      await openFile(page, BUG_FILE);
      // taller, so the hover has room under the line, as on a laptop screen
      const size = page.viewportSize()!;
      await page.setViewportSize({ width: size.width, height: 900 });
      try {
        const box = await center(squiggle().first());
        await page.mouse.move(box.x, box.y);
        const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: UI_SUBJECT.title });
        await hover.first().waitFor();
        const text = await hover.first().innerText();
        for (const step of UI_SUBJECT.steps.slice(-3)) assert.ok(text.includes(plain(step)), `the hover shows the step "${step}":\n${text}`);
        assert.ok(text.includes('Rule documentation'), 'the hover links the rule documentation');
        // The hover opens with VS Code's own part (the message and the related locations) and is
        // at most 250 px tall: for the picture, stretch it away from the line by its edge, as a
        // person would, until the last step shows.
        const lastStep = hover.first().getByText(plain(UI_SUBJECT.steps[UI_SUBJECT.steps.length - 1])).first();
        const sash = page.locator('.monaco-resizable-hover .monaco-sash.horizontal:not(.disabled)').first();
        const [sashBox, hoverBox, stepBox] = [await sash.boundingBox(), await hover.first().boundingBox(), await lastStep.boundingBox()];
        assert.ok(sashBox && hoverBox && stepBox, 'the hover can be resized');
        const missing = Math.max(0, stepBox.y + stepBox.height - (hoverBox.y + hoverBox.height)) + 12;
        const north = /\bnorth\b/.test((await sash.getAttribute('class')) ?? '');
        const x = sashBox.x + sashBox.width / 2;
        const y = sashBox.y + sashBox.height / 2;
        await page.mouse.move(x, y);
        await page.mouse.down();
        await page.mouse.move(x, north ? y - missing : y + missing, { steps: 8 });
        await page.mouse.up();
        const stretched = await hover.first().boundingBox();
        assert.ok(stretched, 'the hover is on screen');
        const step = await lastStep.boundingBox();
        assert.ok(step && step.y + step.height <= stretched.y + stretched.height, `the last step shows in the stretched hover: ${JSON.stringify({ step, stretched })}`);
        await page.mouse.move(stretched.x + stretched.width / 2, stretched.y + stretched.height / 2); // off the edge, which lights up under the mouse
        const editorX = (await page.locator('.part.editor').first().boundingBox())?.x ?? 0;
        await screenshot(page, variant, 'hover', { around: [lineNumber(page, fnFirstLine(UI_SUBJECT)), hover.first(), squiggle().first()], margin: 8, width: stretched.x + stretched.width + 16 - editorX });
      } finally {
        await page.mouse.move(5, 5);
        await page.keyboard.press('Escape');
        await page.setViewportSize(size);
      }
    });

    it(`the CodeLens above the function reads "${UI_SUBJECT.lens}" and clicking it goes to where the goroutine may block`, async () => {
      await openFile(page, BUG_FILE);
      await lens().first().waitFor();
      assert.equal(await lens().count(), 1, 'one lens');
      assert.equal((await lens().first().innerText()).trim(), UI_SUBJECT.lens);
      // the picture: the function with its lens, from the comment above it to its closing brace
      const size = page.viewportSize()!;
      await page.setViewportSize({ width: size.width, height: 860 });
      try {
        const last = UI_SUBJECT.source.trimEnd().split('\n').length;
        await screenshot(page, variant, 'codelens', { around: [lineNumber(page, fnFirstLine(UI_SUBJECT)), lineNumber(page, last)], margin: 6, width: 900 });
      } finally {
        await page.setViewportSize(size);
      }
      await lens().first().locator('a', { hasText: 'goroutine' }).first().click();
      // one place to show: the cursor goes straight to the send that may block, with no one-row peek
      const line = UI_SUBJECT.source.slice(0, UI_SUBJECT.source.indexOf(UI_SUBJECT.at)).split('\n').length;
      await page.locator('[id="status.editor.selection"]', { hasText: `Ln ${line},` }).first().waitFor();
      assert.equal(await page.locator('.monaco-editor .peekview-widget').count(), 0, 'no peek');
    });

    it(`Ctrl+. then Enter applies "${UI_SUBJECT.fix.title}", and after Ctrl+S the file on disk has the fix`, async () => {
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
      await screenshot(page, variant, 'quickfix', { around: [page.locator('.part.editor .tabs-container').first(), menu] });
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

    // From a URL in both hosts: the web worker fetches in the browser, the Node host with Node's
    // fetch. Files and the clipboard are covered by the extension-host suite (test/suite/evidence.test.ts).
    {
      it('Show Goroutine Dump or Profile from a URL puts the runtime count on the blocking line, in the Problems panel', async () => {
        // A pprof endpoint as a running service would serve it: three goroutines stuck on the send.
        const line = UI_SUBJECT.source.slice(0, UI_SUBJECT.source.indexOf(UI_SUBJECT.at)).split('\n').length;
        const file = join(workspace, BUG_FILE);
        const dump = [1, 2, 3]
          .map((i) => `goroutine ${20 + i} [chan send, ${i * 5} minutes]:\nmain.quoteAll.func1({0x0, 0x0})\n\t${file}:${line} +0x65\ncreated by main.quoteAll in goroutine 1\n\t${file}:${line - 1} +0x9c\n`)
          .join('\n');
        const endpoint = createServer((_req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'access-control-allow-origin': '*' });
          res.end(dump);
        });
        await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
        try {
          const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/debug/pprof/goroutine?debug=2`;
          // Leave whatever the previous test left open (a snippet's placeholders, a suggestion).
          await page.keyboard.press('Escape');
          await page.keyboard.press('Escape');
          await focusEditor(page);
          await openFile(page, BUG_FILE);
          await page.keyboard.press('F1');
          const input = page.locator('.quick-input-widget input');
          await input.waitFor();
          await input.fill('>Go Concurrency: Show Goroutine Dump');
          await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Show Goroutine Dump or Profile' }).first().waitFor();
          await page.keyboard.press('Enter');
          await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'From a URL' }).first().waitFor();
          await input.fill('From a URL');
          await page.keyboard.press('Enter');
          await page.locator('.quick-input-widget', { hasText: 'URL of a goroutine dump' }).first().waitFor();
          await input.fill(url);
          await page.keyboard.press('Enter');
          await page.keyboard.press('Control+Shift+M');
          const row = page.locator('.markers-panel .monaco-list-row', { hasText: '3 goroutines blocked here' });
          await row.first().waitFor();
          const text = await row.first().innerText();
          assert.ok(text.includes('for up to 15 minutes'), `the Problems row gives the longest wait: ${text}`);
          assert.ok(/goconc-runtime/.test(text), `the Problems row names the runtime source: ${text}`);
          assert.ok(text.includes(`[Ln ${line},`), `the Problems row is on line ${line}: ${text}`);
        } finally {
          endpoint.close();
          await page.keyboard.press('Escape');
        }
      });
    }

    it(`typing \`${SNIPPET_PREFIX}\` and accepting the suggestion inserts the worker pool`, async () => {
      const snippet = snippetNamed(SNIPPET_PREFIX);
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
      // and it is the worker pool, read as a person would
      const saved = readFileSync(join(workspace, SNIPPET_FILE), 'utf8');
      for (const line of ['func runPool(ctx context.Context, jobs <-chan Job) <-chan Result {', 'for i := 0; i < 4; i++ {', 'case <-ctx.Done():', 'close(results)']) {
        assert.ok(saved.includes(line), `the inserted pool has "${line}":\n${saved}`);
      }
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

/**
 * The middle of an element, once it is on screen. The editor re-renders decorations when a file
 * opens or findings arrive, so an element found a moment ago may be replaced: wait and ask again.
 */
async function center(locator: Locator): Promise<{ x: number; y: number }> {
  let box: { x: number; y: number; width: number; height: number } | null = null;
  for (let attempt = 0; attempt < 20 && !box; attempt++) {
    await locator.waitFor({ state: 'visible' }).catch(() => undefined);
    box = await locator.boundingBox().catch(() => null);
    if (!box) await new Promise((r) => setTimeout(r, 250));
  }
  assert.ok(box, 'the element is on screen');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** The first line of the function with the finding, its doc comment included (1-based). */
function fnFirstLine(subject: Subject): number {
  const lines = subject.source.slice(0, subject.source.lastIndexOf('\nfunc ', subject.source.indexOf(subject.at)) + 1).split('\n');
  let first = lines.length;
  while (first > 1 && lines[first - 2].startsWith('//')) first--;
  return first;
}

/** The line number of a line in the editor's gutter (the line must be on screen). */
function lineNumber(page: Page, line: number): Locator {
  return page.locator('.part.editor .monaco-editor .line-numbers').filter({ hasText: new RegExp(`^${line}$`) }).first();
}

interface Crop {
  /** The picture covers these elements (and the editor area's width); none: the whole editor area. */
  around: Locator[];
  /** Pixels kept around them (default 40). */
  margin?: number;
  /** At most this wide (default: the editor area's width). */
  width?: number;
}

/**
 * Saves a screenshot as out/vscode/artifacts/<variant>/<name>.png and, for `npm run screenshots`,
 * media/screenshot-<name>.png. With a crop, the picture is the part of the editor area (no title
 * bar, activity bar or status bar) that holds the given elements.
 */
async function screenshot(page: Page, variant: Variant, name: string, crop?: Crop): Promise<void> {
  let clip: { x: number; y: number; width: number; height: number } | undefined;
  if (crop) {
    const editor = await page.locator('.part.editor').first().boundingBox();
    assert.ok(editor, 'the editor area is on screen');
    const margin = crop.margin ?? 40;
    let top = editor.y + editor.height;
    let bottom = editor.y;
    for (const l of crop.around) {
      const b = await l.boundingBox();
      assert.ok(b, 'what the picture shows is on screen');
      top = Math.min(top, b.y - margin);
      bottom = Math.max(bottom, b.y + b.height + margin);
    }
    if (crop.around.length === 0) [top, bottom] = [editor.y, editor.y + editor.height];
    top = Math.max(editor.y, Math.floor(top));
    bottom = Math.min(editor.y + editor.height, Math.ceil(bottom));
    clip = { x: editor.x, y: top, width: Math.min(editor.width, crop.width ?? editor.width), height: bottom - top };
  }
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

/** Polls a condition (a file on disk, an element's position) until it holds, for at most 15 s. */
async function until(condition: () => boolean | Promise<boolean>, what: string, actual: () => string | Promise<string>): Promise<void> {
  const deadline = Date.now() + 15000;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`${what}; it holds:\n${await actual()}`);
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

/** The snippet of snippets/go.code-snippets with this prefix, and its lines with every placeholder at its default. */
function snippetNamed(prefix: string): { prefix: string; lines: string[] } {
  const file = join(ROOT, 'snippets', 'go.code-snippets');
  assert.ok(existsSync(file), `${file} exists`);
  const all = JSON.parse(readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '')) as Record<string, { prefix: string | string[]; body: string | string[] }>;
  const first = Object.values(all).find((s) => (Array.isArray(s.prefix) ? s.prefix : [s.prefix]).includes(prefix));
  assert.ok(first, `a snippet with the prefix ${prefix}`);
  let body = Array.isArray(first.body) ? first.body.join('\n') : first.body;
  for (let prev = ''; prev !== body; ) {
    prev = body;
    body = body
      .replace(/\$\{\d+:([^{}$]*)\}/g, '$1') // ${1:default}
      .replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1') // ${1|first,second|}
      .replace(/\$\{\d+\}|\$\d+/g, ''); // $0, ${2}
  }
  return { prefix, lines: codeLines(body) };
}
