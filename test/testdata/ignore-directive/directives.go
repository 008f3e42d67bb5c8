package fixtures

func work() {}

func a() {
	// want +1 "has no reason"
	//goconc:ignore waitgroup-add-in-goroutine
	work()
}

func b() {
	// want +1 "unknown rule `goroutine-send-lek`"
	work() //goconc:ignore goroutine-send-lek typo in the id
}

func c() {
	// want +1 "needs a rule id and a reason"
	//goconc:ignore
	work()
}

// d is silenced as a whole.
//
// want +2 "unknown rule `no-such-rule`"
//
//goconc:ignore no-such-rule,waitgroup-add-in-goroutine whole function
func d() {
	work()
}

func e() {
	// want +1 "unknown rule `lost-cancle`"
	//goconc:ignore lost-cancle the spelling is wrong
	work()
}

func f() {
	// want +1 "has no reason"
	work() //goconc:ignore waitgroup-add-in-goroutine
}

func g() {
	// want +1 "has no reason"
	//goconc:ignore waitgroup-add-in-goroutine,waitgroup-add-in-goroutine
	work()
}

func h() {
	// want +1 "needs a rule id and a reason"
	//goconc:ignore
	work()
}

// ok: a reason is given.
func i() {
	//goconc:ignore waitgroup-add-in-goroutine the Add happens before Wait is reachable
	work()
}

// ok: a trailing directive with a reason.
func j() {
	work() //goconc:ignore waitgroup-add-in-goroutine counted by the caller
}

// ok: several rules, one reason.
func k() {
	//goconc:ignore waitgroup-add-in-goroutine,ignore-directive both checked by hand
	work()
}

// ok: a doc-comment directive with a reason.
//
//goconc:ignore waitgroup-add-in-goroutine the pool owns this WaitGroup
func l() {
	work()
}

// ok: goconc:ignore mentioned in prose is not a directive.
func m() {
	// see the goconc:ignore docs
	work()
}

// ok: a block comment is not a directive.
func n() {
	/* goconc:ignore waitgroup-add-in-goroutine */
	work()
}

// ok: a string is not a comment.
func o() {
	_ = "//goconc:ignore waitgroup-add-in-goroutine"
}

// ok: a directive for the next line, with reason.
func p() {
	//goconc:ignore waitgroup-add-in-goroutine next line is fine
	work()
}
