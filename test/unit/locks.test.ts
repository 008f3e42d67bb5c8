import * as assert from 'node:assert/strict';
import { FileFacts } from '../../src/core/model/facts';
import { fileLocks, type FuncLocks } from '../../src/core/model/locks';
import { PackageView, summarizeFile } from '../../src/core/model/package';
import { GoFile, type GoLanguage } from '../../src/core/syntax/parser';
import { loadGoForTests } from '../helpers';

const SRC = `package p

import "sync"

type S struct {
	mu sync.Mutex
	rw sync.RWMutex
	n  int
}

func (s *S) ifElse(x bool) {
	s.mu.Lock()
	if x {
		s.mu.Unlock()
	} else {
		s.n++
	}
	s.probe()
}

func (s *S) earlyReturn(x bool) {
	s.mu.Lock()
	if x {
		s.mu.Unlock()
		return
	}
	s.probe()
	s.mu.Unlock()
}

func (s *S) loop(xs []int) {
	s.mu.Lock()
	for range xs {
		s.probe()
		s.mu.Unlock()
		s.mu.Lock()
	}
	s.probe()
	s.mu.Unlock()
}

func (s *S) switchNoDefault(k int) {
	switch k {
	case 1:
		s.mu.Lock()
	case 2:
		s.mu.Lock()
	}
	s.probe()
}

func (s *S) switchDefault(k int) {
	switch k {
	case 1:
		s.mu.Lock()
	default:
		s.mu.Lock()
	}
	s.probe()
	s.mu.Unlock()
}

func (s *S) gotoLoop(n int) {
	s.mu.Lock()
again:
	s.probe()
	if n > 0 {
		n--
		s.mu.Unlock()
		s.mu.Lock()
		goto again
	}
	s.mu.Unlock()
}

func (s *S) unlockHelper() {
	s.mu.Unlock()
}

func (s *S) lockHelper() {
	s.mu.Lock()
}

func (s *S) throughCalls() {
	s.lockHelper()
	s.probe()
	s.unlockHelper()
	s.probe()
}

func (s *S) deferred() {
	s.rw.RLock()
	defer s.rw.RUnlock()
	s.probe()
}

func (s *S) goroutineUnlocks() {
	s.mu.Lock()
	go func() {
		s.mu.Unlock()
	}()
	s.probe()
}

func (s *S) probe() {}
`;

describe('held locks (locks.ts)', () => {
  let go: GoLanguage;
  let file: GoFile;
  let byName: Map<string, FuncLocks>;
  before(async () => {
    go = await loadGoForTests();
    file = new GoFile(go, SRC, 'p.go');
    const facts = new FileFacts(file.root!, file.source, 'p.go');
    const view = new PackageView([summarizeFile(facts)]);
    facts.pkg = view;
    byName = new Map(fileLocks(facts, view).map((f) => [f.fn.name ?? `lit${f.fn.node.startIndex}`, f]));
  });
  after(() => file.dispose());

  /** The held keys (with mode) at each `s.probe()` call of a function, in order. */
  function atProbes(name: string): string[] {
    const fl = byName.get(name);
    assert.ok(fl, `${name} was analysed`);
    return fl.sites
      .filter((s) => s.ev.k === 'call' && s.ev.callee === 'S.probe')
      .map((s) => [...s.held.values()].map((h) => `${h.key}:${h.mode}`).join(',') || '-');
  }

  it('joins branches by intersection', () => {
    assert.deepEqual(atProbes('ifElse'), ['-']);
    assert.deepEqual(atProbes('earlyReturn'), ['S.mu:w']);
  });

  it('runs loops to a fixpoint', () => {
    assert.deepEqual(atProbes('loop'), ['S.mu:w', 'S.mu:w']);
    assert.deepEqual(atProbes('gotoLoop'), ['S.mu:w']);
  });

  it('a switch without default may run no case', () => {
    assert.deepEqual(atProbes('switchNoDefault'), ['-']);
    assert.deepEqual(atProbes('switchDefault'), ['S.mu:w']);
  });

  it('follows package calls that lock or unlock for the caller', () => {
    assert.deepEqual(atProbes('throughCalls'), ['S.mu:w', '-']);
  });

  it('keeps a lock with a deferred unlock held until return, and records the defer', () => {
    assert.deepEqual(atProbes('deferred'), ['S.rw:r']);
    const exits = byName.get('deferred')!.exits;
    assert.ok(exits.every((e) => e.deferred.has('S.rw')));
  });

  it('treats code that unlocks later (a goroutine) as releasing', () => {
    assert.deepEqual(atProbes('goroutineUnlocks'), ['-']);
  });

  it('reports the locks held at each return', () => {
    const exits = byName.get('earlyReturn')!.exits.map((e) => [...e.held.keys()].join(','));
    assert.deepEqual(exits, ['', '']);
  });
});
