package fixtures

import "sync"

// command embeds its mutex, and its ticket cond is made with the command itself (hystrix-go's GoC).
type command struct {
	sync.Mutex
	ticket int
	audit  sync.Mutex
}

// ok: Wait releases cmd's own mutex, the one the cond was made with.
func runCommand() {
	cmd := &command{}
	ticketCond := sync.NewCond(cmd)
	ticketChecked := false
	returnTicket := func() {
		cmd.Lock()
		for !ticketChecked {
			ticketCond.Wait() // ok
		}
		cmd.ticket = 0
		cmd.Unlock()
	}
	go func() {
		cmd.Lock()
		ticketChecked = true
		ticketCond.Signal()
		cmd.Unlock()
		returnTicket()
	}()
}

// Holding another mutex across the Wait blocks the signaller, which needs it first.
func runAudited() {
	cmd := &command{}
	ticketCond := sync.NewCond(cmd)
	ticketChecked := false
	returnTicket := func() {
		cmd.audit.Lock()
		cmd.Lock()
		for !ticketChecked {
			ticketCond.Wait() // want "`ticketCond.Wait\\(\\)` waits while holding `cmd.audit`, but the signaller, a goroutine started at line 49, needs it first: deadlock"
		}
		cmd.ticket = 0
		cmd.Unlock()
		cmd.audit.Unlock()
	}
	go func() {
		cmd.audit.Lock()
		cmd.Lock()
		ticketChecked = true
		ticketCond.Signal()
		cmd.Unlock()
		cmd.audit.Unlock()
		returnTicket()
	}()
}
