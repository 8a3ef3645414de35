// Package serve serves published scorecards (pages and JSON) read-only
// over HTTP, for people and for dashboards that poll: the latest run at
// the root, any earlier run under runs/<id>/.
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path"
	"time"

	"github.com/vn-registries/dq/scorecard"
)

var (
	// ErrDir is a folder that cannot be served (missing, not a folder).
	ErrDir = errors.New("serve: bad folder")
	// ErrAddr is an address that cannot be listened on.
	ErrAddr = errors.New("serve: cannot listen")
)

// Options say what to serve where.
type Options struct {
	Dir  string // a scorecard folder: the output.dir of dq run
	Addr string // host:port; port 0 picks a free one
	Log  *slog.Logger
	// Listening is told the address once the server accepts connections.
	Listening func(addr string)
}

// Run serves until ctx is done, then shuts down gracefully. A bad folder
// or address is reported before anything is served, wrapping ErrDir or
// ErrAddr.
func Run(ctx context.Context, o Options) error {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st, err := os.Stat(o.Dir)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrDir, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("%w: %s is not a folder", ErrDir, o.Dir)
	}
	if _, err := os.Stat(path.Join(o.Dir, scorecard.LatestLink)); err != nil {
		log.Warn("no run published yet; serving it once dq run publishes one", "dir", o.Dir)
	}
	h, err := New(o.Dir, log)
	if err != nil {
		return err
	}
	defer h.Close()
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrAddr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if o.Listening != nil {
		o.Listening(ln.Addr().String())
	}
	log.Info("serving scorecards", "dir", o.Dir, "addr", ln.Addr().String())

	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
