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
// cursor_field, cursor_param, max_pages, schema, ckan.
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
	"github.com/hashicorp/go-cleanhttp"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
)

func init() { connectors.Register("http", New) }

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

	// Log receives the inferred schema, retries and values that did not
	// fit the schema. No-op by default.
	Log *slog.Logger

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

// New validates an http source: http: base_url is required (http or
// https, any host); timeout is a Go duration; max_retries is 0 for the
// default (4) or negative for none; rate_limit is requests per second.
// It sends nothing and does not read the token.
func New(src config.Source) (connectors.Connector, error) {
	h := src.HTTP
	if h == nil || h.BaseURL == "" {
		return nil, configError("source %s: an http source needs http: base_url:", src.Name)
	}
	base, err := url.Parse(h.BaseURL)
	if err != nil {
		return nil, configError("source %s: http: base_url is not a URL", src.Name) // it may hold a key
	}
	if (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, configError("source %s: http: base_url %q is not an http(s) URL", src.Name, safeURL(base, nil))
	}
	c := &Connector{
		name:          src.Name,
		base:          base,
		headers:       map[string]string{},
		tokenEnv:      h.TokenEnv,
		timeout:       DefaultTimeout,
		maxRetries:    h.MaxRetries,
		timezone:      src.Timezone,
		Log:           slog.New(slog.DiscardHandler),
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
			return nil, configError("source %s: http: timeout %q is not a duration such as 30s or 2m", src.Name, h.Timeout)
		}
		c.timeout = d
	}
	if h.RateLimit < 0 {
		return nil, configError("source %s: http: rate_limit must be requests per second, not %v", src.Name, h.RateLimit)
	}
	if h.RateLimit > 0 {
		c.limiter = &limiter{interval: time.Duration(float64(time.Second) / h.RateLimit)}
	}
	if h.TokenEnv != "" && !validEnvName(h.TokenEnv) {
		return nil, configError("source %s: http: token_env %q is not an environment variable name", src.Name, h.TokenEnv)
	}
	for k, v := range h.Headers {
		if !validHeaderName(k) {
			return nil, configError("source %s: http: headers: %q is not a header name", src.Name, k)
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			// Never quote the value: it may be a key.
			return nil, configError("source %s: http: headers: %s: the value has a line break", src.Name, k)
		}
		if h.TokenEnv != "" && http.CanonicalHeaderKey(k) == "Authorization" {
			return nil, configError("source %s: http: headers: Authorization and token_env both set; keep one", src.Name)
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

// ValidateDataset checks a dataset's http: options (pagination, declared
// schema) without sending anything, for dq validate.
func (c *Connector) ValidateDataset(ds *config.Dataset) error {
	if _, err := c.newPager(ds); err != nil {
		return err
	}
	if ds.HTTP != nil && len(ds.HTTP.Schema) > 0 {
		if _, err := declared(ds.HTTP.Schema); err != nil {
			return err
		}
	}
	return nil
}
