package postgres

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/vn-registries/dq/connectors"
)

// dbError carries a message scrubbed of the password, its connectors kinds
// and the driver's error (for errors.As on *pgconn.PgError).
type dbError struct {
	msg   string
	kinds []error
	cause error
}

func (e *dbError) Error() string   { return e.msg }
func (e *dbError) Unwrap() []error { return append(slices.Clone(e.kinds), e.cause) }

// kindsOf refines kind by what the server said: credentials refused
// (class 28) is ErrAuth, not ErrConnect; query_canceled (57014), which
// statement_timeout raises, is ErrTimeout too, unless it answers the
// cancel request of a caller's cancel (connectors.StatementError put
// context.Canceled in err).
func kindsOf(kind, err error) []error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return []error{kind}
	}
	switch {
	case strings.HasPrefix(pgErr.Code, "28"):
		return []error{connectors.ErrAuth}
	case pgErr.Code == "57014" && !errors.Is(err, context.Canceled):
		return []error{kind, connectors.ErrTimeout}
	}
	return []error{kind}
}

// scrub removes the password from a message. Passwords shorter than 3
// characters are not scrubbed (it would garble the text); pgx itself never
// prints the password.
func scrub(msg, password string) string {
	if len(password) >= 3 {
		msg = strings.ReplaceAll(msg, password, "xxxxx")
	}
	return msg
}
