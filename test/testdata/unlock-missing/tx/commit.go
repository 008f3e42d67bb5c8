package tx

func (t *Tx) Commit() {
	t.setup()
	for k, v := range t.pending {
		t.db.rows[k] = v
	}
	t.db.mu.Unlock()
}

func (d *DB) Get(k string) (string, bool) {
	d.mu.Lock()
	v, ok := d.rows[k]
	if !ok {
		return "", false // want "`return \"\", false` leaves `d\\.mu` locked, which the other paths unlock"
	}
	d.mu.Unlock()
	return v, true
}
