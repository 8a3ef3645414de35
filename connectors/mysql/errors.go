package mysql

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"

	mysqldriver "github.com/go-sql-driver/mysql"

	"github.com/vn-registries/dq/connectors"
)

// Server error numbers dq tells apart.
const (
	erAccessDenied      = 1045
	erDBAccessDenied    = 1044
	erTooManyConns      = 1040
	erConnKilled        = 1927 // MariaDB: connection was killed
	erQueryInterrupted  = 1317
	erMariaStmtTimeout  = 1969 // max_statement_time exceeded
	erMySQLStmtTimeout  = 3024 // max_execution_time exceeded
	erServerShutdown    = 1053
	erNoSuchTable       = 1146
	erReadOnlyTx        = 1792
	erHostNotPrivileged = 1130
)

// sourceError names the source without its password; Unwrap keeps the
// driver's error for errors.Is.
type sourceError struct {
	msg string
	err error
}

func (e *sourceError) Error() string { return e.msg }
func (e *sourceError) Unwrap() []error {
	return []error{e.err}
}

// wrap classifies err and writes it with the source's sanitized name; a
// password that any layer quoted is masked.
func (c *Connector) wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	if se := (*sourceError)(nil); errors.As(err, &se) {
		return err
	}
	var kind error
	switch {
	case isTimeout(err):
		kind = connectors.ErrTimeout
	case isAuth(err):
		kind = connectors.ErrAuth
	case isConnErr(err):
		kind = connectors.ErrConnect
	default:
		if _, ok := serverErr(err); ok {
			kind = connectors.ErrQuery
		}
	}
	msg := fmt.Sprintf("mysql source %s (%s): %s: %v", c.name, sanitize(c.cfg), what, err)
	if kind != nil && !errors.Is(err, kind) {
		msg = fmt.Sprintf("mysql source %s (%s): %s: %v: %v", c.name, sanitize(c.cfg), what, kind, err)
	}
	msg = c.scrub(msg)
	errs := []error{err}
	if kind != nil {
		errs = append(errs, kind)
	}
	return &sourceError{msg: msg, err: errors.Join(errs...)}
}

// scrub masks the password in a message that some layer may have quoted.
func (c *Connector) scrub(msg string) string {
	if c.cfg.Passwd != "" {
		msg = strings.ReplaceAll(msg, c.cfg.Passwd, "***")
	}
	return msg
}

func serverErr(err error) (uint16, bool) {
	var me *mysqldriver.MySQLError
	if errors.As(err, &me) {
		return me.Number, true
	}
	return 0, false
}

// isTimeout: the server's statement timeout, or dq's client deadline
// (connectors.StatementError).
func isTimeout(err error) bool {
	n, _ := serverErr(err)
	return n == erMariaStmtTimeout || n == erMySQLStmtTimeout || errors.Is(err, connectors.ErrTimeout)
}

func isAuth(err error) bool {
	n, _ := serverErr(err)
	return n == erAccessDenied || n == erDBAccessDenied || n == erHostNotPrivileged
}

// isConnErr is true for failures of the connection itself, the only ones
// worth retrying: a refused or lost connection, a killed session, a full
// server. SQL errors (bad table, syntax, access denied) are not.
func isConnErr(err error) bool {
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, mysqldriver.ErrInvalidConn) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return true
	}
	switch n, _ := serverErr(err); n {
	case erTooManyConns, erConnKilled, erServerShutdown:
		return true
	}
	return false
}

// retry runs op up to c.Attempts times with exponential backoff while it
// fails on the connection; other errors return at once, and so does a
// client deadline: a server that went silent once would be waited for as
// long again. Each retry is logged: what names the operation.
func (c *Connector) retry(ctx context.Context, what string, op func() error) error {
	var err error
	for i := 0; i < c.Attempts; i++ {
		if err = op(); err == nil || !isConnErr(err) || errors.Is(err, connectors.ErrTimeout) || ctx.Err() != nil {
			return err
		}
		if i == c.Attempts-1 {
			break
		}
		wait := c.Backoff << i
		c.log.Warn("mysql: connection failed, retrying", "addr", sanitize(c.cfg), "op", what,
			"attempt", i+1, "backoff", wait, "err", c.scrub(err.Error()))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
	return err
}
