package connectors

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestClientDeadline(t *testing.T) {
	require.Zero(t, ClientDeadline(0))
	require.Equal(t, 3100*time.Millisecond, ClientDeadline(time.Second))
	require.Equal(t, time.Hour+time.Minute+2*time.Second, ClientDeadline(DefaultStatementTimeout))
}

func TestStatementError(t *testing.T) {
	driverErr := errors.New("i/o timeout")

	// As StatementContext ends one past its deadline, without the wait.
	ctx, cancel := context.WithTimeoutCause(context.Background(), 0, &noAnswer{wait: ClientDeadline(time.Second), timeout: time.Second})
	defer cancel()
	err := StatementError(ctx, driverErr)
	require.ErrorIs(t, err, ErrTimeout)
	require.ErrorIs(t, err, driverErr)
	require.EqualError(t, err, "no answer within 3.1s (statement_timeout 1s and a grace): the server or the network stalled: i/o timeout")

	parent, stop := context.WithCancel(context.Background())
	ctx, cancel = StatementContext(parent, time.Hour)
	defer cancel()
	stop()
	err = StatementError(ctx, driverErr)
	require.ErrorIs(t, err, context.Canceled, "the caller's cancel")
	require.NotErrorIs(t, err, ErrTimeout)
	require.Equal(t, err, StatementError(ctx, err), "said once")

	ctx, cancel = StatementContext(context.Background(), 0)
	defer cancel()
	require.Equal(t, driverErr, StatementError(ctx, driverErr), "a statement that failed on its own")
	require.NoError(t, StatementError(ctx, nil))
}
