package fixtures

import "sync"

// The guard is held while waiting for the key; Unlock needs the guard to find the key.
type KeyLocks struct {
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

func (k *KeyLocks) Lock(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	l, ok := k.locks[key]
	if !ok {
		l = &sync.Mutex{}
		k.locks[key] = l
	}
	l.Lock() // want "`l.Lock\\(\\)` waits for the key while holding `k.mu`, which `Unlock` needs to release it: deadlock"
}

func (k *KeyLocks) Unlock(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.locks[key].Unlock()
}

// Locking the element straight out of the map, with a read guard on the release side.
type Table struct {
	mu   sync.RWMutex
	rows map[int]*sync.Mutex
}

func (t *Table) LockRow(id int) {
	t.mu.Lock()
	t.rows[id].Lock() // want "`t.rows\\[id\\].Lock\\(\\)` waits for the key while holding `t.mu`"
	t.mu.Unlock()
}

func (t *Table) UnlockRow(id int) {
	t.mu.RLock()
	t.rows[id].Unlock()
	t.mu.RUnlock()
}

// A read-locked guard on the locking side still blocks a writer-side release.
type Shards struct {
	mu     sync.RWMutex
	shards []*sync.Mutex
}

func (s *Shards) Acquire(i int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m := s.shards[i]
	m.Lock() // want "while holding `s.mu`, which `Release` needs"
}

func (s *Shards) Release(i int) {
	s.mu.Lock()
	m := s.shards[i]
	s.mu.Unlock()
	m.Unlock()
}

// Read-write per-key locks: a reader waiting for a key held by a writer.
type RWKeys struct {
	guard sync.Mutex
	keys  map[string]*sync.RWMutex
}

func (r *RWKeys) RLockKey(k string) {
	r.guard.Lock()
	defer r.guard.Unlock()
	r.keys[k].RLock() // want "`r.keys\\[k\\].RLock\\(\\)` waits for the key while holding `r.guard`"
}

func (r *RWKeys) LockKey(k string) {
	r.guard.Lock()
	defer r.guard.Unlock()
	r.keys[k].Lock() // want "`r.keys\\[k\\].Lock\\(\\)` waits for the key while holding `r.guard`"
}

func (r *RWKeys) UnlockKey(k string) {
	r.guard.Lock()
	r.keys[k].Unlock()
	r.guard.Unlock()
}

func (r *RWKeys) RUnlockKey(k string) {
	r.guard.Lock()
	r.keys[k].RUnlock()
	r.guard.Unlock()
}

// The release goes through a helper that takes the guard.
type Pool struct {
	mu    sync.Mutex
	conns map[string]*sync.Mutex
}

func (p *Pool) entry(addr string) *sync.Mutex {
	return p.conns[addr]
}

func (p *Pool) Take(addr string) {
	p.mu.Lock()
	c := p.conns[addr]
	c.Lock() // want "`c.Lock\\(\\)` waits for the key while holding `p.mu`, which `Give` needs"
	p.mu.Unlock()
}

func (p *Pool) Give(addr string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.conns[addr]
	if ok {
		c.Unlock()
	}
}

// Two guards; the one that matters is the one the release takes.
type Leases struct {
	mu     sync.Mutex
	audit  sync.Mutex
	leases map[string]*sync.Mutex
}

func (l *Leases) Grant(name string) {
	l.audit.Lock()
	defer l.audit.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.leases[name].Lock() // want "while holding `l.mu`, which `Revoke` needs"
}

func (l *Leases) Revoke(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.leases[name].Unlock()
}

// The lock side lives in a function, the release in a method.
type Locker struct {
	mu   sync.Mutex
	byID map[int]*sync.Mutex
}

func lockID(l *Locker, id int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byID[id].Lock() // want "waits for the key while holding `l.mu`, which `UnlockID` needs"
}

func (l *Locker) UnlockID(id int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byID[id].Unlock()
}
