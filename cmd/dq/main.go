// Command dq measures how far each ministry's registries are from
// "correct, sufficient, clean and alive" and publishes scorecards.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // time zones work in a minimal image too
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := execute(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(int(code))
}

// exitCode is what dq tells its scheduler.
type exitCode int

const (
	exitOK          exitCode = 0 // every check passed or warned
	exitChecks      exitCode = 1 // some check failed (see --fail-on)
	exitUsage       exitCode = 2 // bad flags or configuration
	exitUnevaluated exitCode = 3 // a dataset or check could not be evaluated
	exitDelivery    exitCode = 4 // scorecards written, but delivery to an endpoint failed
	exitCancelled   exitCode = 5 // stopped (SIGINT, SIGTERM) before publishing: nothing published
	exitBusy        exitCode = 6 // another dq process holds the output folder or history
)

// codedError carries the exit code to main.
type codedError struct {
	code exitCode
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

func withCode(code exitCode, err error) error {
	if err == nil {
		return nil
	}
	return &codedError{code: code, err: err}
}

func codeOf(err error) exitCode {
	var ce *codedError
	if errors.As(err, &ce) {
		return ce.code
	}
	var se *silentError
	if errors.As(err, &se) {
		return se.code
	}
	return exitUsage
}

func printErr(w interface{ Write([]byte) (int, error) }, err error) {
	fmt.Fprintf(w, "dq: %v\n", err)
}
