/**
 * Names nothing declares (model/undefined.ts): a declaration being typed into that uses one does
 * not compile, and the editor holds its review as it does for code that does not parse.
 */
import * as assert from 'node:assert/strict';
import { FileFacts } from '../../src/core/model/facts';
import { declaredNames, usesUndefinedName } from '../../src/core/model/undefined';
import { GoFile, type GoLanguage } from '../../src/core/syntax/parser';
import { loadGoForTests } from '../helpers';

describe('names nothing declares', () => {
  let go: GoLanguage;
  before(async () => {
    go = await loadGoForTests();
  });

  /** Whether the function `name` of `src` uses an undefined name, with `siblings` declared elsewhere in the package. */
  function undefinedIn(src: string, name: string, siblings: string[] = []): boolean {
    const file = new GoFile(go, src, 'x.go');
    try {
      const facts = new FileFacts(file.root!, file.source, 'x.go');
      const names = new Set([...file.root!.children.flatMap((c) => declaredNames(c)), ...siblings]);
      const decl = file.root!.children.find((c) => c.childForFieldName('name')?.text === name);
      assert.ok(decl, name);
      return usesUndefinedName(facts, decl, names);
    } finally {
      file.dispose();
    }
  }

  const head = `package p

import (
	"context"
	"sync"
	yaml "gopkg.in/yaml.v3"
	"github.com/redis/go-redis/v9"
)

type Item struct{ ID int }

const limit = 3

var registry = map[int]Item{}

func helper(n int) int { return n }
`;

  it('sees a use typed one letter too far, a renamed parameter, a renamed local and a mistyped type', () => {
    assert.equal(undefinedIn(`${head}
func f(items []Item) (out []Item) {
	for _, it := range items {
		out = append(out, itx)
	}
	return out
}`, 'f'), true, 'itx');
    assert.equal(undefinedIn(`${head}
func f(ctxx context.Context) error { return ctx.Err() }`, 'f'), true, 'ctx after ctxx');
    assert.equal(undefinedIn(`${head}
func f() int {
	totalx := 0
	return total
}`, 'f'), true, 'total after totalx');
    assert.equal(undefinedIn(`${head}
func f() errorx { return nil }`, 'f'), true, 'errorx');
    assert.equal(undefinedIn(`${head}
func (s *Storex) f() {}`, 'f'), true, 'Storex');
  });

  it('finds every name Go declares: scopes, package names of every file, imports, builtins, literal keys, local constants and types, type switches, type parameters', () => {
    assert.equal(undefinedIn(`${head}
func f[T any](ctx context.Context, items []T, mu *sync.Mutex) (n int, err error) {
	const local = 2
	type pair struct{ a, b int }
	p := pair{a: 1, b: local}
	_ = Item{ID: p.a}
	_ = registry[limit]
	var wg sync.WaitGroup
	wg.Add(helper(len(items)))
	switch v := any(ctx).(type) {
	case error:
		_ = v
	}
	go func(x int) { _ = x + n }(1)
	select {
	case <-ctx.Done():
		err = ctx.Err()
	default:
	}
	_, _ = yaml.Marshal(nil)
	_ = redis.Nil
	_ = fromSibling(iota)
	var zero T
	_ = zero
	mu.Lock()
	defer mu.Unlock()
	return copy([]int{}, []int{}), err
}`, 'f', ['fromSibling']), false);
  });

  it('knows the type parameters a generic method names in its receiver', () => {
    const generic = `${head}
type List[T any] struct{ items []T }

func (l *List[T]) Push(v T) { l.items = append(l.items, v) }
`;
    assert.equal(undefinedIn(generic, 'Push'), false);
    assert.equal(undefinedIn(generic.replace('append(l.items, v)', 'append(l.items, vx)'), 'Push'), true);
  });

  it('is never sure in a file with a dot import or cgo, or about a declaration that is not a function', () => {
    assert.equal(undefinedIn(`package p

import . "strings"

func f() string { return ToUpper("x") }`, 'f'), false, 'dot import');
    assert.equal(undefinedIn(`package p

import "C"

func f() { C.free(nil); undefinedThing() }`, 'f'), false, 'cgo');
    const file = new GoFile(go, `${head}\nvar g = undefinedThing\n`, 'x.go');
    try {
      const decl = file.root!.children[file.root!.children.length - 1];
      assert.equal(decl.type, 'var_declaration');
      assert.equal(usesUndefinedName(new FileFacts(file.root!, file.source, 'x.go'), decl, new Set()), false, 'a variable');
    } finally {
      file.dispose();
    }
  });
});
