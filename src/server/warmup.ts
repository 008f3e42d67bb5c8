/**
 * A warm-up review for the time a server waits for its client: VS Code starts the server while
 * the extension loads (src/editor/serverProcess.ts, web.ts) and connects when it calls
 * `activate`, 0.2 to 2.8 s later in code-server under load. The first review of a process is
 * mostly cold JavaScript (V8 compiles each function of the rules when it first runs, then
 * optimises it): 90 to 300 ms on the project's machine for a small file a warm server reviews in
 * 5 to 20. Reviewing a small sample meanwhile moves that cost into time the server spends
 * waiting anyway.
 *
 * It runs a few rules at a time and yields between them, and stops as soon as `stop()` says the
 * client is there, whose first message then waits at most for one step. It shares nothing with
 * the reviews of documents: its own parse, package index and file name, freed afterwards; what it
 * leaves behind is compiled code.
 */
import { analyzeFile } from '../core/analyze';
import { PackageIndex } from '../core/model/package';
import { RULES } from '../core/rules';
import { GoFile, type GoLanguage } from '../core/syntax/parser';

/** Rules per step: a step is one parse and these rules, 5 to 40 ms when cold (more under load). */
const RULES_PER_STEP = 3;

/**
 * Go with a bit of everything the rules look at: goroutines, channels and select, timers,
 * WaitGroup, Mutex, atomics, context, errgroup-like loops, a loop variable captured, a method
 * set across two types.
 */
export const WARM_UP_SOURCE = `package warmup

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

type job struct{ id int }

type Pool struct {
	mu      sync.Mutex
	wg      sync.WaitGroup
	jobs    chan job
	results chan int
	quit    chan struct{}
	count   int64
	seen    map[int]bool
}

func NewPool(ctx context.Context, n int) *Pool {
	p := &Pool{jobs: make(chan job), results: make(chan int, n), quit: make(chan struct{}), seen: map[int]bool{}}
	for i := 0; i < n; i++ {
		p.wg.Add(1)
		go p.work(ctx, i)
	}
	go func() {
		p.wg.Wait()
		close(p.results)
	}()
	return p
}

func (p *Pool) work(ctx context.Context, id int) {
	defer p.wg.Done()
	t := time.NewTimer(time.Second)
	defer t.Stop()
	for {
		select {
		case j, ok := <-p.jobs:
			if !ok {
				return
			}
			p.mu.Lock()
			p.seen[j.id] = true
			p.mu.Unlock()
			atomic.AddInt64(&p.count, 1)
			p.results <- j.id * id
		case <-t.C:
			t.Reset(time.Second)
		case <-ctx.Done():
			return
		case <-p.quit:
			return
		}
	}
}

func (p *Pool) Submit(j job) { p.jobs <- j }

func (p *Pool) Close() {
	close(p.quit)
	close(p.jobs)
}

func fetchAll(ctx context.Context, urls []string, get func(context.Context, string) (int, error)) []int {
	out := make(chan int)
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := get(ctx, u)
			if err != nil {
				return
			}
			out <- n
		}()
	}
	wg.Wait()
	var sizes []int
	for n := range out {
		sizes = append(sizes, n)
	}
	ctx2, cancel := context.WithTimeout(context.Background(), time.Second)
	_ = ctx2
	_ = cancel
	for {
		time.Sleep(time.Millisecond)
		if len(sizes) > 0 {
			return sizes
		}
	}
}
`;

/**
 * Reviews the sample a few rules at a time until every rule ran once or `stop()`: first the parse
 * and the syntax facts alone, then one rule (which builds the shared models), then RULES_PER_STEP
 * at a time.
 */
export async function warmUp(go: GoLanguage, stop: () => boolean): Promise<{ rules: number; ms: number }> {
  const started = Date.now();
  let rules = 0;
  const steps: (typeof RULES)[] = [[], RULES.slice(0, 1)];
  for (let i = 1; i < RULES.length; i += RULES_PER_STEP) steps.push(RULES.slice(i, i + RULES_PER_STEP));
  for (const chunk of steps) {
    if (stop()) break;
    const file = new GoFile(go, WARM_UP_SOURCE, 'warmup.go');
    try {
      analyzeFile(file, { fileName: 'warmup.go', rules: chunk, package: new PackageIndex(go) });
      rules += chunk.length;
    } finally {
      file.dispose();
    }
    await new Promise((resolve) => setTimeout(resolve, 0)); // lets the client's first messages in
  }
  return { rules, ms: Date.now() - started };
}
