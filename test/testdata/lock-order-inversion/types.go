package fixtures

import "sync"

type podWorker struct {
	mu     sync.Mutex
	status *statusMgr
	n      int
}

type statusMgr struct {
	mu      sync.Mutex
	workers *podWorker
	m       map[string]int
}

func (w *podWorker) Sync() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.status.mu.Lock() // want "`w\\.status\\.mu\\.Lock\\(\\)` while holding `w\\.mu`; `statusMgr\\.Update` takes them in reverse order"
	w.status.m["x"] = w.n
	w.status.mu.Unlock()
}

func (s *statusMgr) Update() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.workers.mu.Lock() // want "`s\\.workers\\.mu\\.Lock\\(\\)` while holding `s\\.mu`; `podWorker\\.Sync` takes them in reverse order"
	s.workers.n++
	s.workers.mu.Unlock()
}

type cacheShard struct {
	mu    sync.Mutex
	index *shardIndex
}

type shardIndex struct {
	mu    sync.Mutex
	owner *cacheShard
	keys  []string
}

// ok: both types take the shard's lock before the index's.
func (c *cacheShard) Add(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.index.mu.Lock()
	c.index.keys = append(c.index.keys, k)
	c.index.mu.Unlock()
}

// ok: the index never holds its own lock while taking the shard's.
func (x *shardIndex) Rebuild() {
	x.owner.mu.Lock()
	defer x.owner.mu.Unlock()
	x.mu.Lock()
	x.keys = x.keys[:0]
	x.mu.Unlock()
}

// ok: the index releases its lock before it touches the shard.
func (x *shardIndex) Len() int {
	x.mu.Lock()
	n := len(x.keys)
	x.mu.Unlock()
	x.owner.mu.Lock()
	x.owner.mu.Unlock()
	return n
}

type treeNode struct {
	mu          sync.Mutex
	left, right *treeNode
	parent      *treeNode
	v           int
}

// ok: two children of the same type, each under its parent: the same order (parent first) both times.
func (n *treeNode) SumLeft() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.left.mu.Lock()
	defer n.left.mu.Unlock()
	return n.v + n.left.v
}

// ok: the right child, parent first as well; left and right are not the same field.
func (n *treeNode) SumRight() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.right.mu.Lock()
	defer n.right.mu.Unlock()
	return n.v + n.right.v
}

type halfPipe struct {
	sync.Mutex
	seq int
}

type duplex struct {
	handshake sync.Mutex
	in, out   halfPipe
}

// ok: in and out are two mutexes of the same type: Read pairs handshake with in, Handshake with out.
func (d *duplex) Read() {
	d.in.Lock()
	defer d.in.Unlock()
	d.handshake.Lock()
	d.handshake.Unlock()
}

func (d *duplex) Handshake() {
	d.handshake.Lock()
	defer d.handshake.Unlock()
	d.out.Lock()
	d.out.seq++
	d.out.Unlock()
}
