package syncer

import (
	"errors"
	"sync"
)

var errFolderMissing = errors.New("syncer: no such folder")

type FolderConfig struct {
	ID    string
	Path  string
	Peers []string
}

type Model struct {
	fmut        sync.RWMutex
	folders     map[string]FolderConfig
	pmut        sync.RWMutex
	connections map[string]bool
	folderPeers map[string][]string
}

// AddFolder takes fmut, then pmut.
func (m *Model) AddFolder(cfg FolderConfig) {
	m.fmut.Lock()
	defer m.fmut.Unlock()
	m.folders[cfg.ID] = cfg
	m.pmut.Lock() // want "order|inversion|opposite"
	m.folderPeers[cfg.ID] = cfg.Peers
	m.pmut.Unlock()
}

// Close takes pmut, then fmut: the opposite order.
func (m *Model) ClosePeer(peer string) {
	m.pmut.Lock()
	defer m.pmut.Unlock()
	delete(m.connections, peer)
	m.fmut.Lock() // want "order|inversion|opposite"
	for id, cfg := range m.folders {
		if len(cfg.Peers) == 0 {
			delete(m.folders, id)
		}
	}
	m.fmut.Unlock()
}

// ok: the two locks are taken one after the other, never nested.
func (m *Model) ClosePeerFixed(peer string) {
	m.pmut.Lock()
	delete(m.connections, peer)
	m.pmut.Unlock()
	m.fmut.Lock()
	defer m.fmut.Unlock()
	for id, cfg := range m.folders {
		if len(cfg.Peers) == 0 {
			delete(m.folders, id)
		}
	}
}

func (m *Model) folderCfg(id string) (FolderConfig, bool) {
	m.fmut.RLock()
	defer m.fmut.RUnlock()
	cfg, ok := m.folders[id]
	return cfg, ok
}

// ScanFolder holds the write lock and asks folderCfg, which read-locks the same mutex.
func (m *Model) ScanFolder(id string) error {
	m.fmut.Lock()
	defer m.fmut.Unlock()
	cfg, ok := m.folderCfg(id) // want "again|already"
	if !ok {
		return errFolderMissing
	}
	m.folders[id] = cfg
	return nil
}

// ok: the config is fetched before taking the write lock.
func (m *Model) ScanFolderFixed(id string) error {
	cfg, ok := m.folderCfg(id)
	if !ok {
		return errFolderMissing
	}
	m.fmut.Lock()
	m.folders[id] = cfg
	m.fmut.Unlock()
	return nil
}

// ok: two read locks in sequence, never nested.
func (m *Model) ConnectedTo(id string) []string {
	cfg, ok := m.folderCfg(id)
	if !ok {
		return nil
	}
	m.pmut.RLock()
	defer m.pmut.RUnlock()
	var out []string
	for _, p := range cfg.Peers {
		if m.connections[p] {
			out = append(out, p)
		}
	}
	return out
}
