package postgres

import (
	"errors"
	"strings"
)

// Sentinels, wrapped so errors.Is works on what Extract and Count return.
var (
	// ErrConfig is a source or dataset setting the connector cannot use.
	ErrConfig = errors.New("postgres: bad configuration")
	// ErrConnect is a failure to open a session (after retries for
	// connection-level failures).
	ErrConnect = errors.New("postgres: cannot connect")
	// ErrQuery is an error the server reported for a statement.
	ErrQuery = errors.New("postgres: query failed")
	// ErrStream is an extract broken or cut short after it started: the
	// rows already delivered are not the whole result.
	ErrStream = errors.New("postgres: extract stream broken")
)

// dbError carries a message scrubbed of the password, the sentinel and the
// driver's error (for errors.As on *pgconn.PgError).
type dbError struct {
	msg      string
	sentinel error
	cause    error
}

func (e *dbError) Error() string   { return e.msg }
func (e *dbError) Unwrap() []error { return []error{e.sentinel, e.cause} }

// scrub removes the password from a message. Passwords shorter than 3
// characters are not scrubbed (it would garble the text); pgx itself never
// prints the password.
func scrub(msg, password string) string {
	if len(password) >= 3 {
		msg = strings.ReplaceAll(msg, password, "xxxxx")
	}
	return msg
}
