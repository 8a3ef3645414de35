package connectors

import (
	"errors"
	"strings"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/sqltext"
)

// The kinds of failure every connector reports, whatever its source, so
// that callers test them with errors.Is. A connector's error wraps its
// kind, sometimes two (an extract that broke midway is ErrStream and the
// cause's kind; a statement its timeout cancelled may be ErrQuery and
// ErrTimeout), and keeps the driver's error in its chain for errors.As.
var (
	// ErrConfig is a setting the connector cannot use: in the config
	// (then the error is also a *config.Error, see Misconfigured) or in
	// the environment it names (an unset token variable).
	ErrConfig = errors.New("bad configuration")
	// ErrConnect is a source that cannot be reached or opened: refused,
	// unknown host or database, connection lost, file not found; after
	// the connector's retries.
	ErrConnect = errors.New("cannot connect")
	// ErrAuth is a source that refused the credentials (user, password,
	// token): HTTP 401 and 403 too.
	ErrAuth = errors.New("access denied")
	// ErrQuery is a statement the source rejected: unknown table or
	// column, syntax, a read-only session refusing a write.
	ErrQuery = errors.New("query failed")
	// ErrTimeout is a statement or request that ran past its timeout.
	ErrTimeout = errors.New("timed out")
	// ErrStream is an extract broken or cut short after its reader was
	// handed out: the rows read so far are not the dataset.
	ErrStream = errors.New("extract broken")
	// ErrResponse is an HTTP answer that is not the data: an error status
	// (other than 401 and 403, after retries for 5xx and 429), a body that
	// is not the expected JSON, an API-level error. Database sources
	// answer in their protocol, so they report ErrQuery instead.
	ErrResponse = errors.New("unusable response")
)

// Mark makes err satisfy errors.Is(err, kind) without changing its text.
func Mark(kind, err error) error {
	if err == nil {
		return nil
	}
	return &marked{kind: kind, err: err}
}

type marked struct {
	kind error
	err  error
}

func (m *marked) Error() string   { return m.err.Error() }
func (m *marked) Unwrap() []error { return []error{m.kind, m.err} }

// Misconfigured marks err as ErrConfig. Config errors in it (from
// config's Decode and Errorf) keep their type and text, so `dq validate`
// still tells where the setting is; callers test one kind for a bad
// setting, whoever found it.
func Misconfigured(err error) error {
	var (
		ces config.Errors
		ce  *config.Error
	)
	switch {
	case err == nil:
	case errors.As(err, &ces):
		for _, e := range ces {
			e.Err = ErrConfig
		}
	case errors.As(err, &ce):
		ce.Err = ErrConfig
	default:
		return Mark(ErrConfig, err)
	}
	return err
}

// QueryPreview is the start of a failed query for its error message: its
// whitespace collapsed, cut at 120 bytes, and never inside a literal or a
// comment (as syn reads them), whose open quote would otherwise pair with
// a quote later in the message and hide the words between (mask.Message
// hides quoted values).
func QueryPreview(syn sqltext.Syntax, query string) string {
	q := strings.Join(strings.Fields(query), " ")
	if len(q) <= 120 {
		return q
	}
	q = q[:120]
	if open := syn.Code(q, func(int) bool { return true }); open >= 0 {
		q = q[:open]
	}
	return q + "..."
}
