/** The extension's settings, read fresh on every review so changes apply without a reload. */
import * as vscode from 'vscode';
import type { SeveritySetting } from '../core/analyze';

export interface Settings {
  enable: boolean;
  run: 'onType' | 'onSave';
  goVersion: string | undefined;
  maxBytes: number;
  includeGenerated: boolean;
  exclude: string[];
  severity: Record<string, SeveritySetting>;
}

const SEVERITY_NAMES: Record<string, SeveritySetting> = {
  off: 'off',
  hint: 'hint',
  information: 'info',
  info: 'info',
  warning: 'warning',
  error: 'error',
};

export function readSettings(scope?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration('goconc', scope);
  const severity: Record<string, SeveritySetting> = {};
  for (const [id, value] of Object.entries(c.get<Record<string, string>>('severity') ?? {})) {
    const s = SEVERITY_NAMES[String(value).toLowerCase()];
    if (s) severity[id] = s;
  }
  const goVersion = c.get<string>('goVersion')?.trim();
  return {
    enable: c.get<boolean>('enable', true),
    run: c.get<string>('run') === 'onSave' ? 'onSave' : 'onType',
    goVersion: goVersion ? goVersion.split('.').slice(0, 2).join('.') : undefined,
    maxBytes: Math.max(1, c.get<number>('maxFileSizeKB', 1024)) * 1024,
    includeGenerated: c.get<boolean>('includeGenerated', false),
    exclude: c.get<string[]>('exclude', []),
    severity,
  };
}

/** True when a document matches one of the `goconc.exclude` globs. */
export function isExcluded(doc: Pick<vscode.TextDocument, 'uri' | 'languageId'>, globs: readonly string[]): boolean {
  if (globs.length === 0) return false;
  const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
  // languages.match reads only the uri and language of the document, so a closed file's uri works too.
  const asDoc = doc as vscode.TextDocument;
  return globs.some((g) => vscode.languages.match({ pattern: folder ? new vscode.RelativePattern(folder, g) : g }, asDoc) > 0);
}
