/**
 * The server's start, step by step, for the one line it logs when it first publishes findings
 * (issue 13: first findings after the first Go file opens). Times are milliseconds since the
 * server's process (Node) or worker (web) started, so the line also shows what the server can
 * not see itself: how long its runtime and bundle took before any of its code ran.
 */

export type StartupStep = 'bundle loaded' | 'initialize' | 'initialized' | 'parser ready' | 'warmed up' | 'opened' | 'settings' | 'package' | 'reviewed' | 'published';

export class StartupTimeline {
  private readonly steps = new Map<StartupStep, number>();
  private reported = false;

  /** Notes a step the first time it happens (later ones are not the start any more). */
  mark(step: StartupStep): void {
    if (!this.steps.has(step)) this.steps.set(step, performance.now());
  }

  /** The line to log after the first publication, once; undefined afterwards. `note` says how the server's code was loaded. */
  report(file: string, analysisMs: number, note?: string): string | undefined {
    if (this.reported) return undefined;
    this.reported = true;
    this.mark('published');
    const steps = [...this.steps].sort((a, b) => a[1] - b[1]).map(([step, at]) => `${step} ${Math.round(at)}`);
    return `first review of ${file} published ${Math.round(this.steps.get('published')!)} ms after the server's process started (its own analysis ${analysisMs} ms${note ? `; ${note}` : ''}): ${steps.join(', ')}`;
  }
}
