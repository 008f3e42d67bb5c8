/**
 * Runs package jobs in the main thread or on worker threads. Either way the results come back
 * in job order, so the output of `--jobs 1` and `--jobs N` is identical.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadGo, type GoLanguage } from '../core/syntax/parser';
import { analyzePackage, type EngineOptions, type FileResult, type PackageJob } from './engine';
import { loadWasm } from './meta';
import { WORKER_MARK, type WorkReply, type WorkRequest } from './worker';

export interface Analyzer {
  readonly threads: number;
  /** Analyses the jobs; `onDone(files)` is called as each job finishes. */
  run(jobs: readonly PackageJob[], options: EngineOptions, onDone?: (files: number) => void): Promise<FileResult[][]>;
  close(): Promise<void>;
}

/** Analyses in the calling thread, yielding to the event loop between packages (for progress output). */
export class LocalAnalyzer implements Analyzer {
  readonly threads = 1;
  private go?: Promise<GoLanguage>;

  async run(jobs: readonly PackageJob[], options: EngineOptions, onDone?: (files: number) => void): Promise<FileResult[][]> {
    const go = await (this.go ??= loadGo(loadWasm));
    const out: FileResult[][] = [];
    let last = Date.now();
    for (const job of jobs) {
      out.push(analyzePackage(go, job, options));
      onDone?.(job.files.length);
      if (onDone && Date.now() - last > 50) {
        await new Promise((r) => setImmediate(r));
        last = Date.now();
      }
    }
    return out;
  }

  async close(): Promise<void> {}
}

/**
 * The old-generation heap of a worker thread. Without a cap V8 lets garbage pile up to several
 * GB before it collects (1.3 GB of RSS on the standard library, 1.9 GB on a 350,000-line
 * package); with it the standard library stays near 700 MB and runs faster. A package that
 * needs more is analysed again by the main thread, whose heap has no such cap. (A worker's cap
 * also counts what the package's parser uses outside the JavaScript heap: a 350,000-line
 * package outgrows even a 1,280 MB worker that the main thread's 600 MB heap would hold.)
 */
export const WORKER_HEAP_MB = 512;

/** The script a worker runs: compiled sources have worker.js beside this file; the bundle runs itself. */
function workerScript(): string {
  const compiled = join(__dirname, 'worker.js');
  return existsSync(compiled) ? compiled : __filename;
}

/**
 * A fixed set of worker threads. Jobs go out largest first (so one big package does not finish
 * last on its own) to whichever worker is free; results are stored by job index.
 */
export class WorkerPool implements Analyzer {
  private readonly workers: Worker[] = [];
  private readonly ready: Promise<void>[] = [];
  /** The main thread, for packages that need more than a worker's heap. */
  private local?: LocalAnalyzer;

  constructor(
    readonly threads: number,
    heapMb = WORKER_HEAP_MB,
  ) {
    for (let i = 0; i < threads; i++) {
      const w = new Worker(workerScript(), { workerData: { mark: WORKER_MARK }, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
      this.workers.push(w);
      this.ready.push(
        new Promise<void>((resolve, reject) => {
          const done = () => {
            w.off('message', onMessage);
            w.off('error', onError);
            w.off('exit', onExit);
          };
          const onMessage = (m: WorkReply) => {
            if ('ready' in m) {
              done();
              resolve();
            } else if ('initError' in m) {
              done();
              reject(new Error(m.initError));
            }
          };
          const onError = (e: Error) => {
            done();
            reject(e);
          };
          // A worker whose script ends without serving (it could not start) must not leave us waiting.
          const onExit = (code: number) => onError(new Error(`a worker thread stopped before it was ready (exit code ${code})`));
          w.on('message', onMessage);
          w.on('error', onError);
          w.on('exit', onExit);
        }),
      );
      this.ready[i].catch(() => undefined); // reported by run()
    }
  }

  async run(jobs: readonly PackageJob[], options: EngineOptions, onDone?: (files: number) => void): Promise<FileResult[][]> {
    await Promise.all(this.ready);
    const results: FileResult[][] = new Array(jobs.length);
    const size = (j: PackageJob) => j.files.reduce((n, f) => n + f.text.length, 0);
    const order = jobs.map((j, i) => ({ i, size: size(j) })).sort((a, b) => b.size - a.size || a.i - b.i);
    /** Jobs a worker ran out of memory on: analysed at the end in the main thread. */
    const overflow: number[] = [];
    let next = 0;
    await new Promise<void>((resolve, reject) => {
      let pending = jobs.length;
      let failed = false;
      if (pending === 0) return resolve();
      const cleanups: (() => void)[] = [];
      const holding = new Map<Worker, number>();
      const finish = (e?: Error) => {
        for (const c of cleanups) c();
        if (e) reject(e);
        else resolve();
      };
      const feed = (w: Worker) => {
        if (next >= order.length) return;
        const i = order[next++].i;
        holding.set(w, i);
        w.postMessage({ id: i, job: jobs[i], options } satisfies WorkRequest);
      };
      for (const w of this.workers) {
        const onMessage = (m: WorkReply) => {
          if (failed || !('id' in m)) return;
          if ('error' in m) {
            failed = true;
            return finish(new Error(`analysing ${jobs[m.id].dir}: ${m.error}`));
          }
          holding.delete(w);
          results[m.id] = m.results;
          onDone?.(jobs[m.id].files.length);
          if (--pending === 0) return finish();
          feed(w);
        };
        const onError = (e: Error) => {
          if (failed) return;
          const held = holding.get(w);
          if ((e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' && held !== undefined) {
            // This worker is gone; its package waits for the main thread, the others go on.
            holding.delete(w);
            this.workers.splice(this.workers.indexOf(w), 1);
            overflow.push(held);
            if (--pending === 0 || this.workers.length === 0) {
              while (next < order.length) {
                overflow.push(order[next++].i);
                pending--;
              }
              if (pending === 0) return finish();
            }
            return;
          }
          failed = true;
          finish(e);
        };
        const onExit = (code: number) => {
          if (!this.workers.includes(w)) return; // it ran out of memory: handled above
          onError(new Error(`a worker thread stopped (exit code ${code})`));
        };
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        cleanups.push(() => {
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
        });
        feed(w);
      }
    });
    if (overflow.length > 0) {
      const local = await (this.local ??= new LocalAnalyzer()).run(
        overflow.map((i) => jobs[i]),
        options,
        onDone,
      );
      overflow.forEach((i, k) => (results[i] = local[k]));
    }
    return results;
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers.map((w) => w.terminate()), this.local?.close()]);
  }
}
