/**
 * `npm run fuzz [-- --count N --seed S --budget MS]`: a long fuzz run over our fixtures and the
 * whole Go standard library. Prints the figures for the benchmark record and saves every failing
 * input under test/fuzz/regressions/ (replayed by npm test).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGoForTests } from '../helpers';
import { fuzzCorpus, REGRESSIONS } from './corpus';
import { fuzz } from './fuzzer';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const count = flag('count', 5000);
  const seed = flag('seed', Date.now() % 1000000);
  const budget = flag('budget', 1000);
  const go = await loadGoForTests();
  const corpus = fuzzCorpus(Infinity, 200000, 'all');
  console.log(`fuzzing ${count} inputs from ${corpus.length} files, seed ${seed}, budget ${budget} ms`);
  const started = Date.now();
  let inputs = 0;
  let failures = 0;
  let slowest = { ms: 0, source: '' };
  const chunk = 500;
  for (let done = 0; done < count; done += chunk) {
    const stats = fuzz(go, corpus, Math.min(chunk, count - done), seed + done, budget, 4);
    inputs += stats.inputs;
    if (stats.slowestMs > slowest.ms) slowest = { ms: stats.slowestMs, source: stats.slowestSource };
    for (const f of stats.failures) {
      failures++;
      const hash = createHash('sha1').update(f.input).digest('hex').slice(0, 12);
      mkdirSync(REGRESSIONS, { recursive: true });
      writeFileSync(join(REGRESSIONS, `${hash}.txt`), f.input);
      console.log(`  ${f.kind} on ${f.source} after ${f.mutation}: ${f.detail.split('\n')[0]} -> regressions/${hash}.txt`);
    }
    const secs = (Date.now() - started) / 1000;
    console.log(`  ${inputs} inputs, ${failures} failures, ${(inputs / secs).toFixed(0)} inputs/s`);
  }
  console.log(`\ninputs: ${inputs}\nfailures: ${failures}\nslowest: ${slowest.ms} ms (${slowest.source})\ntime: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exitCode = failures > 0 ? 1 : 0;
}

void main();
