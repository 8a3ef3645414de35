package load

import (
	"fmt"
	"net/url"
	"strings"
)

// target is the database the demo is written to, as a URL
// (postgres://user:pass@host:port/db), named in messages without its
// password.
type target struct {
	db       string // postgres, mysql
	safe     string // user@host:port/db
	password string
}

func newTarget(db, dsn string) target {
	t := target{db: db, safe: "(dsn)"}
	if u, err := url.Parse(dsn); err == nil {
		t.password, _ = u.User.Password()
		t.safe = u.User.Username() + "@" + u.Host + u.Path
	}
	return t
}

// errorf is a failure of a write: of a connectors kind (ErrConnect,
// ErrQuery), with the driver's error in its chain and the password
// nowhere in its text.
func (t target) errorf(kind, err error, format string, args ...any) error {
	msg := fmt.Sprintf("%s %s: %s: %v", t.db, t.safe, fmt.Sprintf(format, args...), err)
	if len(t.password) >= 3 {
		msg = strings.ReplaceAll(msg, t.password, "xxxxx")
	}
	return &writeError{msg: msg, kind: kind, cause: err}
}

type writeError struct {
	msg   string
	kind  error
	cause error
}

func (e *writeError) Error() string   { return e.msg }
func (e *writeError) Unwrap() []error { return []error{e.kind, e.cause} }
