import * as assert from 'node:assert/strict';
import type { Element } from '../../src/core/model/cfg';
import { reaches, solve } from '../../src/core/model/dataflow';
import { FileFacts } from '../../src/core/model/facts';
import { cfgOf } from '../../src/core/model/paths';
import { GoFile, type GoLanguage, type Node } from '../../src/core/syntax/parser';
import { descendants } from '../../src/core/syntax/nodes';
import { loadGoForTests } from '../helpers';

const SRC = `package p

func branches(ok bool, ch chan int) {
	if ok {
		close(ch)
	} else {
		probe("else")
	}
	probe("join")
}

func both(ok bool, ch chan int) {
	if ok {
		close(ch)
	} else {
		close(ch)
	}
	probe("join")
}

func loop(n int, ch chan int) {
	for i := 0; i < n; i++ {
		probe("body")
		close(ch)
	}
	probe("after")
}

func reset(ok bool, ch chan int) {
	close(ch)
	if ok {
		ch = make(chan int)
	}
	probe("maybe")
	ch = make(chan int)
	probe("never")
}

func fatal(ok bool, ch chan int) {
	if !ok {
		panic("no")
	}
	close(ch)
	probe("closed")
}

func dead(ch chan int) {
	return
	probe("dead")
}

func backward(ok bool, ch chan int) {
	probe("start")
	if ok {
		probe("then")
		close(ch)
		return
	}
	probe("else")
}
`;

describe('dataflow engine (model/dataflow.ts)', () => {
  let go: GoLanguage;
  let facts: FileFacts;
  before(async () => {
    go = await loadGoForTests();
    const file = new GoFile(go, SRC, 'p.go');
    facts = new FileFacts(file.root!, file.source, 'p.go');
  });

  const fn = (name: string): Node => facts.functions.find((f) => f.name === name)!.node;
  const isClose = (el: Element) => el.node.type === 'expression_statement' && /^close\(/.test(el.node.text);
  const isReset = (el: Element) => /^ch = /.test(el.node.text);
  /** The element of `probe("label")` in function `name`. */
  const probe = (name: string, label: string): Element => {
    const call = descendants(fn(name), 'call_expression').find((c) => c.text === `probe("${label}")`)!;
    return cfgOf(facts, fn(name))!.elementOf(call)!;
  };
  const closed = (name: string, label: string, mode: 'must' | 'may') =>
    reaches(cfgOf(facts, fn(name))!, isClose, isReset, mode)!.before(probe(name, label));

  it('keeps if and else apart: closed on some path, not on every path', () => {
    assert.equal(closed('branches', 'else', 'may'), false);
    assert.equal(closed('branches', 'join', 'may'), true);
    assert.equal(closed('branches', 'join', 'must'), false);
    assert.equal(closed('both', 'join', 'must'), true);
  });

  it('goes round loops to a fixed point', () => {
    assert.equal(closed('loop', 'body', 'may'), true, 'the second pass sees the first pass close');
    assert.equal(closed('loop', 'body', 'must'), false);
    assert.equal(closed('loop', 'after', 'must'), false, 'the loop may not run');
  });

  it('kills facts on the paths that reset them', () => {
    assert.equal(closed('reset', 'maybe', 'may'), true);
    assert.equal(closed('reset', 'maybe', 'must'), false);
    assert.equal(closed('reset', 'never', 'may'), false);
  });

  it('paths that panic do not reach what follows', () => {
    assert.equal(closed('fatal', 'closed', 'must'), true);
  });

  it('has no fact for unreachable code', () => {
    assert.equal(closed('dead', 'dead', 'may'), undefined);
  });

  it('solves backward problems: does every path from here close the channel before it returns', () => {
    const g = cfgOf(facts, fn('backward'))!;
    const s = solve<boolean>(g, {
      direction: 'backward',
      boundary: false,
      join: (a, b) => a && b,
      equals: (a, b) => a === b,
      transfer: (el, after) => isClose(el) || after,
    })!;
    assert.equal(s.before(probe('backward', 'then')), true);
    assert.equal(s.before(probe('backward', 'else')), false);
    assert.equal(s.before(probe('backward', 'start')), false);
    assert.equal(s.after(probe('backward', 'start')), false);
  });
});
