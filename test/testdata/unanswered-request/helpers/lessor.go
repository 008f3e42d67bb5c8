package helpers

// grant refuses leases once the lessor is full, without answering.
func (l *Lessor) grant(r leaseReq) {
	if l.next >= l.max {
		return
	}
	l.next++
	r.reply <- l.next
}

func (c *Checker) check(r leaseReq) {
	if r.ttl < 5 {
		r.reply <- 0
		return
	}
	r.reply <- int64(r.ttl)
}
