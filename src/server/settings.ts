/** The `goconc` settings as the server reads them (pulled per document, or pushed by the client). */
import type { SeveritySetting } from '../core/analyze';

export interface Settings {
  enable: boolean;
  run: 'onType' | 'onSave';
  /** "1.22", or undefined to read the module's go.mod. */
  goVersion: string | undefined;
  maxBytes: number;
  includeGenerated: boolean;
  codeLens: boolean;
  severity: Record<string, SeveritySetting>;
}

export const DEFAULT_SETTINGS: Settings = {
  enable: true,
  run: 'onType',
  goVersion: undefined,
  maxBytes: 1024 * 1024,
  includeGenerated: false,
  codeLens: true,
  severity: {},
};

const SEVERITY_NAMES: Record<string, SeveritySetting> = {
  off: 'off',
  hint: 'hint',
  information: 'info',
  info: 'info',
  warning: 'warning',
  error: 'error',
};

/**
 * Reads a settings object: the `goconc` section itself or an object holding it (how
 * initializationOptions and didChangeConfiguration often arrive). Unknown or malformed values
 * fall back to the defaults.
 */
export function parseSettings(value: unknown): Settings {
  const raw = value && typeof value === 'object' && 'goconc' in value ? (value as { goconc: unknown }).goconc : value;
  const v = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const severity: Record<string, SeveritySetting> = {};
  if (v.severity && typeof v.severity === 'object') {
    for (const [id, s] of Object.entries(v.severity as Record<string, unknown>)) {
      const level = SEVERITY_NAMES[String(s).toLowerCase()];
      if (level) severity[id] = level;
    }
  }
  const goVersion = typeof v.goVersion === 'string' && /^1\.\d+/.test(v.goVersion.trim()) ? v.goVersion.trim().split('.').slice(0, 2).join('.') : undefined;
  const kb = typeof v.maxFileSizeKB === 'number' && v.maxFileSizeKB > 0 ? v.maxFileSizeKB : DEFAULT_SETTINGS.maxBytes / 1024;
  return {
    enable: v.enable !== false,
    run: v.run === 'onSave' ? 'onSave' : 'onType',
    goVersion,
    maxBytes: Math.max(1, kb) * 1024,
    includeGenerated: v.includeGenerated === true,
    codeLens: v.codeLens !== false,
    severity,
  };
}
