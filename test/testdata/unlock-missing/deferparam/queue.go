package fixtures

import (
	"os"
	"sync"
)

type Key struct{ Name string }

type QueueStore[I any] struct {
	sync.RWMutex
	directory string
}

func (store *QueueStore[I]) Del(key Key) error {
	store.Lock()
	defer store.Unlock()
	return nil
}

// GetRaw reads an item (minio queuestore).
func (store *QueueStore[I]) GetRaw(key Key) (raw []byte, err error) {
	store.RLock() // ok: the deferred literal's parameter is the receiver passed in

	defer func(store *QueueStore[I]) {
		store.RUnlock()
		if err != nil && !os.IsNotExist(err) {
			store.Del(key)
		}
	}(store)

	raw, err = os.ReadFile(store.directory)
	if err != nil {
		return raw, err
	}
	return raw, nil
}

// The deferred literal unlocks another store than the one locked here.
func (store *QueueStore[I]) Move(other *QueueStore[I], key Key) error {
	store.Lock()
	defer func(s *QueueStore[I]) {
		s.Unlock()
	}(other)
	if key.Name == "" {
		return os.ErrInvalid // want "`return os\\.ErrInvalid` leaves `store` locked, which the other paths unlock"
	}
	store.Unlock()
	return nil
}
