// Package http reads datasets from REST/JSON APIs (kind: http). A dataset
// is one endpoint, paged through (page number, offset, cursor, Link
// header, or a single request) and streamed as Arrow batches with one
// page in flight. Requests are retried with backoff on connection errors,
// 5xx, 429 and unreadable pages (retryablehttp); any give-up fails the
// whole dataset. The dataset's where: and sample: are applied afterwards
// in DuckDB by the pipeline.
//
// Source options (http:): base_url, headers, token_env (a bearer token
// read from that environment variable at extract time), timeout,
// max_retries, rate_limit. Dataset options (http:): path, params, records,
// pagination, page_param, size_param, page_size, offset_param,
// cursor_field, cursor_param, max_pages, schema, ckan. The connector
// decodes both sections itself (settings.go).
//
// A page that finally fails is one of the connectors kinds: ErrConnect
// (the API cannot be reached), ErrTimeout, ErrAuth (401, 403) or
// ErrResponse (any other error status, a body that is not the expected
// JSON, an API-level error such as CKAN's success: false); once the
// reader is out, ErrStream too.
package http

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/hashicorp/go-cleanhttp"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
)

func init() {
	connectors.Register("http", connectors.Kind{New: newConnector, CheckDataset: checkDataset})
}

// Defaults.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultMaxRetries = 4
	DefaultMaxPages   = 10000
	DefaultPageSize   = 100
	// DefaultCKANPageSize is CKAN's limit per request (its server maximum
	// is 32000 by default).
	DefaultCKANPageSize = 1000
)

// Connector is one API. It holds no connection between extracts beyond
// the HTTP client's idle pool, which Close empties.
type Connector struct {
	name       string
	base       *url.URL
	headers    map[string]string
	tokenEnv   string
	timeout    time.Duration
	maxRetries int
	timezone   string
	limiter    *limiter // nil: unlimited
	client     *http.Client
	// log receives the schema, pages, retries and values that did not
	// fit the schema.
	log *slog.Logger
	mem memory.Allocator

	// Backoff bounds for retries: exponential from MinBackoff, capped at
	// MaxBackoff, with jitter. A Retry-After on 429 or 503 is honoured up
	// to MaxRetryAfter.
	MinBackoff    time.Duration
	MaxBackoff    time.Duration
	MaxRetryAfter time.Duration
	// MaxBodyBytes bounds one page's body.
	MaxBodyBytes int64
}

var _ connectors.Connector = (*Connector)(nil)

// newConnector validates an http source: http: base_url is required (http or
// https, any host); timeout is a Go duration; max_retries is 0 for the
// default (4) or negative for none; rate_limit is requests per second.
// It sends nothing and does not read the token.
func newConnector(src config.Source, deps connectors.Deps) (connectors.Connector, error) {
	bad := func(key, format string, args ...any) error {
		return connectors.Misconfigured(src.Errorf(key, format, args...))
	}
	var s settings
	if err := src.Decode(&s); err != nil {
		return nil, connectors.Misconfigured(err)
	}
	h := s.HTTP
	if h == nil || h.BaseURL == "" {
		return nil, bad("http", "an http source needs http: base_url:")
	}
	base, err := url.Parse(h.BaseURL)
	if err != nil {
		return nil, bad("http.base_url", "not a URL") // it may hold a key
	}
	if (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, bad("http.base_url", "%q is not an http(s) URL", safeURL(base, nil))
	}
	c := &Connector{
		name:          src.Name,
		base:          base,
		headers:       map[string]string{},
		tokenEnv:      h.TokenEnv,
		timeout:       DefaultTimeout,
		maxRetries:    h.MaxRetries,
		timezone:      src.Timezone,
		log:           deps.Logger,
		mem:           deps.Mem,
		MinBackoff:    500 * time.Millisecond,
		MaxBackoff:    30 * time.Second,
		MaxRetryAfter: 2 * time.Minute,
		MaxBodyBytes:  256 << 20,
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if h.Timeout != "" {
		d, err := time.ParseDuration(h.Timeout)
		if err != nil || d <= 0 {
			return nil, bad("http.timeout", "%q is not a duration such as 30s or 2m", h.Timeout)
		}
		c.timeout = d
	}
	if c.limiter, err = h.limiter(); err != nil {
		return nil, bad("http.rate_limit", "%v", err)
	}
	if h.TokenEnv != "" && !validEnvName(h.TokenEnv) {
		return nil, bad("http.token_env", "%q is not an environment variable name", h.TokenEnv)
	}
	for k, v := range h.Headers {
		if !validHeaderName(k) {
			return nil, bad("http.headers", "%q is not a header name", k)
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			// Never quote the value: it may be a key.
			return nil, bad("http.headers", "%s: the value has a line break", k)
		}
		if h.TokenEnv != "" && http.CanonicalHeaderKey(k) == "Authorization" {
			return nil, bad("http.headers", "Authorization and token_env both set; keep one")
		}
		c.headers[k] = v
	}
	c.client = cleanhttp.DefaultPooledClient()
	c.client.Timeout = c.timeout
	c.client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		// Headers set on the request (keys) would follow a redirect
		// anywhere: stay on the base URL's host.
		if req.URL.Host != c.base.Host || req.URL.Scheme != via[0].URL.Scheme {
			return errRedirect
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	if c.limiter != nil {
		c.client.Transport = &limitedTransport{base: c.client.Transport, l: c.limiter}
	}
	return c, nil
}

// Close empties the idle connection pool.
func (c *Connector) Close() error {
	c.client.CloseIdleConnections()
	return nil
}

// Extract pages through the dataset's endpoint. Without a declared
// schema: the first pages (up to inferRecords records) are fetched now to
// infer it, so a wrong URL or token fails here. The reader is a *Reader.
func (c *Connector) Extract(ctx context.Context, req connectors.Request) (array.RecordReader, error) {
	r, err := c.open(ctx, req)
	if err != nil {
		return nil, err
	}
	return r, nil
}

func validEnvName(s string) bool {
	for i, r := range s {
		if r != '_' && !(r >= 'A' && r <= 'Z') && !(r >= 'a' && r <= 'z') && !(i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// validHeaderName: an RFC 7230 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r > 126 || r <= 32 || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

// safeURL is u for messages: no user info, every query value redacted but
// those named in keep (pagination parameters, which tell the page).
func safeURL(u *url.URL, keep map[string]bool) string {
	if u == nil {
		return ""
	}
	v := *u
	v.User = nil
	v.Fragment = ""
	if v.RawQuery != "" {
		q := v.Query()
		for k, vals := range q {
			if !keep[k] {
				for i := range vals {
					vals[i] = "xxx"
				}
			}
		}
		v.RawQuery = q.Encode()
	}
	return v.String()
}

// checkDataset checks a dataset's http: options (pagination, declared
// schema) without a source, for dq validate.
func checkDataset(ds *config.Dataset) error {
	h, err := datasetOf(ds)
	if err != nil {
		return err
	}
	if _, err := newPager(ds, h); err != nil {
		return err
	}
	if _, err := declared(h.Schema); err != nil {
		return connectors.Misconfigured(ds.Errorf("http.schema", "%v", err))
	}
	return nil
}
