package clickhouse

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
)

// killTimeout bounds the KILL QUERY sent for a cancelled statement.
const killTimeout = 5 * time.Second

// format is what every read asks for: tab-separated values after a row of
// names and a row of types. It streams, is self-describing, and is the
// cheapest text format 18.16 writes (measured against JSONCompact in
// docs/performance.md); RowBinary has no header there.
const format = "TabSeparatedWithNamesAndTypes"

// newQueryID names a statement on the server, so that a cancel can stop
// it there: 18.16 runs a query on after its HTTP client went away.
func newQueryID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "dq-" + hex.EncodeToString(b[:])
}

// httpClient is the retryablehttp client of a connector: it retries a
// request only when no answer came (refused, reset before a response),
// never a statement the server answered, even with an error.
func (c *Connector) httpClient() *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient:   &http.Client{Transport: c.transport},
		Logger:       nil, // it would print the URL
		RetryWaitMin: c.Backoff,
		RetryWaitMax: 4 * c.Backoff,
		RetryMax:     c.Attempts - 1,
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			if err != nil {
				c.log.Warn("clickhouse: retrying a request", "server", c.safe, "reason", c.scrub(err.Error()))
				return true, nil
			}
			return false, nil
		},
		Backoff:      retryablehttp.DefaultBackoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

// post sends one statement and returns the response whose body is the
// result (the caller closes it). A read gets readonly=1 (unless the source says
// read_only: false) and max_execution_time. wait makes the server
// finish the statement before it answers, so that its error is an error
// status rather than text after the first rows.
func (c *Connector) post(ctx context.Context, id, query string, read, wait bool) (*http.Response, error) {
	u := *c.url
	u.User = nil
	p := url.Values{}
	p.Set("database", c.database)
	p.Set("query_id", id)
	if read {
		if c.readOnly {
			// 2, not 1: the settings below are changed by this very
			// request, which readonly=1 forbids; 2 still refuses any
			// write or DDL.
			p.Set("readonly", "2")
		}
		if c.timeout > 0 {
			p.Set("max_execution_time", strconv.FormatInt(int64((c.timeout+time.Second-1)/time.Second), 10))
		}
		// A Distributed read that lost a shard must fail, not answer
		// with the other shards' rows.
		p.Set("skip_unavailable_shards", "0")
		// An IN or JOIN over a Distributed table inside a query over
		// one (a failed_rows query, a flattened plan) runs as GLOBAL:
		// the subquery once, its result sent to every shard, so that a
		// row is matched against every shard's rows, not its own only.
		p.Set("distributed_product_mode", "global")
	}
	if wait {
		p.Set("wait_end_of_query", "1")
	}
	u.RawQuery = p.Encode()
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(query))
	if err != nil {
		return nil, connectors.Mark(connectors.ErrConfig, errors.New("cannot build the request"))
	}
	if c.user != "" {
		req.SetBasicAuth(c.user, c.password)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, connectors.Mark(connectors.ErrConnect, errors.New(c.scrub(err.Error())))
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return nil, c.serverError(resp.StatusCode, string(b))
	}
	return resp, nil
}

// serverError classifies an error answer by ClickHouse's code.
func (c *Connector) serverError(status int, body string) error {
	msg := strings.TrimSpace(body)
	if i := strings.Index(msg, ", e.what()"); i > 0 {
		msg = msg[:i]
	}
	msg = c.scrub(msg)
	if strings.Contains(msg, dialect.OutOfRange) {
		msg += " (text holds a date before 1970 or after 2105, which a Date of ClickHouse 18.16 cannot hold: check this column with engine: duckdb, which extracts it as text)"
	}
	kind := connectors.ErrQuery
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden,
		strings.HasPrefix(msg, "Code: 192,"), strings.HasPrefix(msg, "Code: 193,"), strings.HasPrefix(msg, "Code: 516,"):
		kind = connectors.ErrAuth
	case strings.HasPrefix(msg, "Code: 159,"): // TIMEOUT_EXCEEDED
		return connectors.Mark(connectors.ErrQuery, connectors.Mark(connectors.ErrTimeout, fmt.Errorf("HTTP %d: %s", status, msg)))
	case strings.HasPrefix(msg, "Code: 279,"), strings.HasPrefix(msg, "Code: 210,"): // ALL_CONNECTION_TRIES_FAILED, NETWORK_ERROR
		kind = connectors.ErrConnect
	}
	return connectors.Mark(kind, fmt.Errorf("HTTP %d: %s", status, msg))
}

// killOnCancel stops the statement id on the server when ctx ends before
// stop is called. stop waits for a kill that started, bounded by
// killTimeout. ClickHouse's KILL QUERY stops the shards' parts of a
// Distributed read too.
func (c *Connector) killOnCancel(ctx context.Context, id string) (stop func()) {
	done := make(chan struct{})
	after := context.AfterFunc(ctx, func() {
		defer close(done)
		kctx, cancel := context.WithTimeout(context.Background(), killTimeout)
		defer cancel()
		resp, err := c.post(kctx, newQueryID(), "KILL QUERY WHERE query_id = '"+id+"' ASYNC", false, false)
		if err != nil {
			c.log.Warn("clickhouse: cannot stop a cancelled statement on the server", "server", c.safe, "query_id", id, "err", err.Error())
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		c.log.Debug("clickhouse: cancelled statement stopped on the server", "server", c.safe, "query_id", id)
	})
	return func() {
		if !after() {
			<-done
		}
	}
}

// scrub removes the password from a message.
func (c *Connector) scrub(s string) string {
	if len(c.password) >= 3 {
		s = strings.ReplaceAll(s, c.password, "xxxxx")
		s = strings.ReplaceAll(s, url.QueryEscape(c.password), "xxxxx")
	}
	return s
}
