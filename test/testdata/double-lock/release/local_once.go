package release

import "sync"

type aliasManager struct {
	sync.RWMutex
	aliases map[int]int
}

// addAlias keeps the lock for most of its work and lets go before its last step, through a
// local closure that unlocks once, deferred and called (lnd's aliasmgr.AddLocalAlias).
func (m *aliasManager) addAlias(a, b int) {
	m.Lock()
	unlockOnce := sync.Once{}
	unlock := func() {
		unlockOnce.Do(m.Unlock)
	}
	defer unlock()
	m.aliases[a] = b
	unlock()
}

// addAliasKept forgets the unlock: it returns with the lock held.
func (m *aliasManager) addAliasKept(a, b int) {
	m.Lock()
	m.aliases[a] = b
}

func (m *aliasManager) get(a int) int {
	m.RLock()
	defer m.RUnlock()
	return m.aliases[a]
}

// ok: addAlias has released the lock when it returns.
func aliasLifecycle(m *aliasManager) int {
	m.addAlias(1, 2)
	return m.get(1) // ok
}

func aliasLifecycleKept(m *aliasManager) int {
	m.addAliasKept(1, 2)
	return m.get(1) // want "`m.get\\(1\\)` read-locks `m` again \\(in `get`\\), write-locked since line 42 \\(taken by `m.addAliasKept\\(1, 2\\)`\\): deadlock"
}
