/**
 * The worker-thread side of `--jobs`: loads the engine once, then analyses the packages the
 * main thread sends, one at a time. The compiled sources run this file as the worker; the
 * bundle (dist/cli.js) runs itself and main.ts lands here when it is not the main thread.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadGo } from '../core/syntax/parser';
import { analyzePackage, type EngineOptions, type FileResult, type PackageJob } from './engine';
import { loadWasm } from './meta';

export const WORKER_MARK = 'goconc-worker';

export interface WorkRequest {
  id: number;
  job: PackageJob;
  options: EngineOptions;
}

export type WorkReply = { id: number; results: FileResult[] } | { id: number; error: string } | { ready: true } | { initError: string };

let started = false;

export function startWorker(): void {
  if (started || !parentPort) return;
  started = true;
  const port = parentPort;
  const go = loadGo(loadWasm);
  go.then(
    () => port.postMessage({ ready: true } satisfies WorkReply),
    (e: unknown) => port.postMessage({ initError: e instanceof Error ? e.message : String(e) } satisfies WorkReply),
  );
  port.on('message', (req: WorkRequest) => {
    go.then((g) => {
      let reply: WorkReply;
      try {
        reply = { id: req.id, results: analyzePackage(g, req.job, req.options) };
      } catch (e) {
        reply = { id: req.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
      }
      port.postMessage(reply);
    }, () => undefined);
  });
}

if (!isMainThread && (workerData as { mark?: string } | undefined)?.mark === WORKER_MARK) startWorker();
