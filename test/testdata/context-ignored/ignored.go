package fixtures

import (
	"context"
	"database/sql"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"
)

type User struct{ Name string }

func loadUser(ctx context.Context, db *sql.DB, id int64) (*User, error) {
	var u User
	row := db.QueryRowContext(context.Background(), "SELECT name FROM users WHERE id = ?", id) // want "`context\\.Background\\(\\)` ignores `ctx` of `loadUser`: its cancellation and deadline do not reach this call"
	return &u, row.Scan(&u.Name)
}

func (s *server) handleUser(w http.ResponseWriter, r *http.Request) {
	u, err := loadUser(context.TODO(), s.db, 1) // want "`context\\.TODO\\(\\)` ignores the request context `r\\.Context\\(\\)`: its cancellation and deadline"
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write([]byte(u.Name))
}

type server struct{ db *sql.DB }

func refresh(ctx context.Context, db *sql.DB) error {
	tctx, cancel := context.WithTimeout(context.Background(), time.Second) // want "ignores `ctx`"
	defer cancel()
	return db.PingContext(tctx)
}

func fanOut(ctx context.Context, db *sql.DB, ids []int64) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, id := range ids {
		id := id
		g.Go(func() error {
			_, err := loadUser(context.Background(), db, id) // want "`context\\.Background\\(\\)` ignores `ctx` of `fanOut`: its cancellation and deadline do not reach this call"
			_ = gctx
			return err
		})
	}
	return g.Wait()
}

func inPlace(ctx context.Context, db *sql.DB) (err error) {
	func() {
		err = db.PingContext(context.TODO()) // want "ignores `ctx`"
	}()
	return err
}

func shadowed(ctx context.Context, db *sql.DB) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	return db.PingContext(context.Background()) // want "ignores `ctx`"
}

func withValue(ctx context.Context, db *sql.DB) error {
	vctx := context.WithValue(context.Background(), userKey{}, "admin") // want "ignores `ctx`"
	return db.PingContext(vctx)
}

type userKey struct{}

func (s *server) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if err := s.db.PingContext(context.Background()); err != nil { // want "the request context `req.Context\\(\\)`"
		w.WriteHeader(http.StatusServiceUnavailable)
	}
}

// ok: no context in view.
func standalone(db *sql.DB) error {
	return db.PingContext(context.Background())
}

// ok: a goroutine that must outlive the request gets its own context.
func (s *server) audit(w http.ResponseWriter, r *http.Request) {
	go func() {
		_ = s.db.PingContext(context.Background())
	}()
	w.WriteHeader(http.StatusAccepted)
}

// ok: cleanup deferred until after the work must run even when ctx is cancelled.
func withCleanup(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), "UNLOCK TABLES")
	return conn.PingContext(ctx)
}

// ok: graceful shutdown after ctx is done needs a fresh deadline.
func serve(ctx context.Context, srv *http.Server) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// ok: detached on purpose.
func detach(ctx context.Context, db *sql.DB) error {
	return db.PingContext(context.WithoutCancel(context.Background()))
}

// ok: a nil context falls back to Background.
func orBackground(ctx context.Context, db *sql.DB) error {
	if ctx == nil {
		ctx = context.Background()
	}
	return db.PingContext(ctx)
}

type pool struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// ok: the pool's own lifetime is not tied to the caller's context.
func newPool(ctx context.Context, db *sql.DB) (*pool, error) {
	if err := db.PingContext(ctx); err != nil {
		return nil, err
	}
	p := &pool{}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	return p, nil
}

// ok: the derived context is stored for the object's lifetime.
func start(ctx context.Context) *pool {
	pctx, cancel := context.WithCancel(context.Background())
	return &pool{ctx: pctx, cancel: cancel}
}

// ok: the callback runs later, after the function returned.
func later(ctx context.Context, db *sql.DB) {
	time.AfterFunc(time.Minute, func() {
		_ = db.PingContext(context.Background())
	})
}

// ok: the context parameter is deliberately unnamed.
func unnamed(_ context.Context, db *sql.DB) error {
	return db.PingContext(context.Background())
}

// ok: the comment above explains why the request context is not used.
func (s *server) order(w http.ResponseWriter, r *http.Request) {
	// The order must be recorded even when the client goes away,
	// so the request context is not the parent here.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := s.db.ExecContext(ctx, "INSERT INTO orders VALUES (1)"); err != nil {
		w.WriteHeader(http.StatusInternalServerError)
	}
}

func placeholder(ctx context.Context, db *sql.DB) error {
	// TODO: pass ctx through once the driver supports it.
	return db.PingContext(context.TODO()) // want "`context\\.TODO\\(\\)` ignores `ctx` of `placeholder`: its cancellation and deadline do not reach this call"
}

// ok: a rollback must run even when ctx is already cancelled.
func transfer(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE accounts SET n = n - 1"); err != nil {
		rollbackCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = rollbackWith(rollbackCtx, tx)
		return err
	}
	return tx.Commit()
}

func rollbackWith(ctx context.Context, tx *sql.Tx) error {
	_ = ctx
	return tx.Rollback()
}

// ok: the shutdown call gets a fresh deadline of its own.
func (s *server) Stop(ctx context.Context, srv *http.Server) error {
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

type shim struct{ onClose func() }

func openLog(ctx context.Context) error { return nil }

// ok: the log pipe lives as long as the shim; the code cancels it itself when the shim closes (containerd binary.go).
func startShim(ctx context.Context, s *shim) {
	shimCtx, cancelShimLog := context.WithCancel(context.Background())
	s.onClose = cancelShimLog
	_ = openLog(shimCtx)
	_ = ctx
}

func waitExit(ctx context.Context) {}

// ok: the exit monitor goroutine must see the exit even after the caller gives up; the cancel
// is deferred in place (containerd container_stop.go).
func stopContainer(ctx context.Context) error {
	exitCtx, exitCancel := context.WithCancel(context.Background())
	defer exitCancel()
	go waitExit(exitCtx)
	<-ctx.Done()
	return ctx.Err()
}

type service struct{}

func NewService(ctx context.Context, opts ...string) (*service, error) { return &service{}, nil }

// ok: a constructor's context: the service outlives this call (rclone drive.NewService).
func configure(ctx context.Context) (*service, error) {
	svc, err := NewService(context.Background(), "client")
	return svc, err
}

func startExitMonitor(ctx context.Context, id string) {
	go func() {
		<-ctx.Done()
	}()
}

// ok: the helper starts a goroutine that must outlive the request (containerd sandbox_run.go).
func runSandbox(ctx context.Context, id string) {
	startExitMonitor(context.Background(), id)
}
