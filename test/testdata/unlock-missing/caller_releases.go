package fixtures

import "sync"

// seaweedfs' LevelDbNeedleMap: ensureLoaded returns holding the read lock once the database is
// open, and every caller releases it itself; the other paths release it before trying again.

type needleMap struct {
	access sync.RWMutex
	db     *struct{}
}

func (m *needleMap) ensureLoaded() error {
	for {
		m.access.RLock()
		if m.db != nil {
			return nil // ok
		}
		m.access.RUnlock()
		m.access.Lock()
		if m.db == nil {
			m.db = &struct{}{}
		}
		m.access.Unlock()
	}
}

func (m *needleMap) Get() bool {
	if err := m.ensureLoaded(); err != nil {
		return false
	}
	defer m.access.RUnlock()
	return m.db != nil
}

func (m *needleMap) Put() {
	if err := m.ensureLoaded(); err != nil {
		return
	}
	m.access.RUnlock()
}

// One caller forgets: the lock it was handed stays held.
type otherMap struct {
	access sync.RWMutex
	db     *struct{}
}

func (m *otherMap) ensureLoaded() error {
	for {
		m.access.RLock()
		if m.db != nil {
			return nil // want "leaves `m.access` locked"
		}
		m.access.RUnlock()
		m.db = &struct{}{}
	}
}

func (m *otherMap) Get() bool {
	if err := m.ensureLoaded(); err != nil {
		return false
	}
	defer m.access.RUnlock()
	return m.db != nil
}

func (m *otherMap) Peek() bool {
	_ = m.ensureLoaded()
	return m.db != nil
}
