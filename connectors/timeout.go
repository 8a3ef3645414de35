package connectors

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DefaultStatementTimeout bounds each statement of a database source that
// sets no statement_timeout. The longest benign statements dq sends are a
// full extract and engine: source's fused scan; at the speeds measured in
// docs/performance.md (1M rows: 4.7 s extracted, 22.8 s scanned inside
// PostgreSQL) they near 40 minutes only around 100M rows, a national
// registry. Past an hour a statement is far more likely stalled, or a
// regular expression backtracking, than slow, and a run that ends in
// error beats one that never ends.
const DefaultStatementTimeout = time.Hour

// ClientDeadline is how long dq waits for a statement the server bounds at
// timeout: a grace beyond it, so that the server's own timeout ends the
// statement first, with its message, and the deadline ends it only when
// no answer can come (the server or the network went silent). timeout 0
// (none) sets no deadline.
func ClientDeadline(timeout time.Duration) time.Duration {
	if timeout <= 0 {
		return 0
	}
	return timeout + 2*time.Second + min(timeout/10, time.Minute)
}

// StatementContext bounds one statement, or one extract's stream, on the
// client (ClientDeadline of timeout). Cancel it when the statement is
// done; StatementError tells its deadline from the caller's cancel.
func StatementContext(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	d := ClientDeadline(timeout)
	if d == 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, d, &noAnswer{wait: d, timeout: timeout})
}

// StatementError says why a statement run under ctx (from
// StatementContext) failed, when ctx ended: past its deadline, err is
// marked ErrTimeout with the reason; ended by the caller, err wraps
// ctx.Err() (context.Canceled after a SIGINT), so that the server's
// "cancelled" answer does not read as a timeout. Otherwise err is
// returned as is.
func StatementError(ctx context.Context, err error) error {
	var na *noAnswer
	switch {
	case err == nil || ctx.Err() == nil:
		return err
	case errors.As(context.Cause(ctx), &na):
		return fmt.Errorf("%w: %w", na, err)
	case errors.Is(err, ctx.Err()):
		return err
	}
	return fmt.Errorf("%w: %w", ctx.Err(), err)
}

// noAnswer is the cause of a statement context past its deadline.
type noAnswer struct{ wait, timeout time.Duration }

func (e *noAnswer) Error() string {
	return fmt.Sprintf("no answer within %s (statement_timeout %s and a grace): the server or the network stalled", e.wait, e.timeout)
}

func (e *noAnswer) Unwrap() error { return ErrTimeout }
