package http

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/vn-registries/dq/connectors"
)

// fetcher gets one dataset's pages: a retryablehttp client around the
// connector's pooled client, with dq's retry policy and backoff.
type fetcher struct {
	c       *Connector
	rc      *retryablehttp.Client
	dataset string
	token   string
	secrets scrubber
	keep    map[string]bool // query parameters shown in messages
	ckan    bool

	// The page being fetched, for logs and errors.
	label   string
	lastWhy string
}

func (c *Connector) newFetcher(dataset, token string, keep map[string]bool, ckan bool) *fetcher {
	f := &fetcher{c: c, dataset: dataset, token: token, keep: keep, ckan: ckan}
	if token != "" {
		f.secrets = append(f.secrets, token)
	}
	for _, v := range c.headers {
		f.secrets = append(f.secrets, v)
	}
	f.rc = &retryablehttp.Client{
		HTTPClient:   c.client,
		Logger:       nil, // it would print URLs with their query strings
		RetryWaitMin: c.MinBackoff,
		RetryWaitMax: c.MaxBackoff,
		RetryMax:     c.maxRetries,
		CheckRetry:   f.checkRetry,
		Backoff:      f.backoff,
		ErrorHandler: f.giveUp,
		RequestLogHook: func(_ retryablehttp.Logger, _ *http.Request, attempt int) {
			if attempt > 0 {
				c.log.Warn("http: retrying page", "dataset", dataset,
					"page", f.label, "attempt", attempt+1, "reason", f.secrets.scrub(f.lastWhy))
			}
		},
	}
	return f
}

// page is one fetched body, valid JSON.
type page struct {
	body   []byte
	header http.Header
}

// fetch GETs u. Errors are *pageError, named after the page and free of
// secrets.
func (f *fetcher) fetch(ctx context.Context, u *url.URL, label string) (*page, error) {
	f.label = label + " (GET " + safeURL(u, f.keep) + ")"
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, f.fail(connectors.ErrConfig, errors.New("cannot build the request"))
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range f.c.headers {
		req.Header.Set(k, v)
	}
	if f.token != "" {
		req.Header.Set("Authorization", "Bearer "+f.token)
	}
	var got *page
	req.SetResponseHandler(func(resp *http.Response) error {
		defer resp.Body.Close()
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return f.statusError(resp)
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, f.c.MaxBodyBytes+1))
		if err != nil {
			return &bodyError{"body cut short after " + strconv.Itoa(len(b)) + " bytes: " + unwrapURL(err).Error()}
		}
		if int64(len(b)) > f.c.MaxBodyBytes {
			return &apiError{fmt.Sprintf("body larger than %d MiB", f.c.MaxBodyBytes>>20)}
		}
		if !json.Valid(b) {
			return &bodyError{fmt.Sprintf("invalid JSON (%d bytes)", len(b))}
		}
		got = &page{body: b, header: resp.Header}
		return nil
	})
	resp, err := f.rc.Do(req)
	if err != nil {
		var pe *pageError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, f.fail(kindOf(err), err) // cancelled while waiting
	}
	resp.Body.Close()
	if got == nil { // cannot happen: the handler ran without error
		return nil, f.fail(connectors.ErrResponse, errors.New("no body"))
	}
	return got, nil
}

// checkRetry retries connection errors, 5xx, 429 and unreadable bodies;
// never another status, an API error or a cancelled context.
func (f *fetcher) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		var (
			se *StatusError
			ae *apiError
			be *bodyError
		)
		switch {
		case errors.As(err, &se), errors.As(err, &ae), errors.Is(err, errRedirect):
			return false, unwrapURL(err)
		case errors.As(err, &be):
			f.lastWhy = be.msg
			return true, err
		}
		// Connection-level: retry unless retryablehttp's policy calls it
		// permanent (bad scheme, TLS certificate, too many redirects).
		retry, _ := retryablehttp.ErrorPropagatedRetryPolicy(ctx, resp, err)
		f.lastWhy = unwrapURL(err).Error()
		return retry, unwrapURL(err)
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		f.lastWhy = "HTTP " + resp.Status
		return true, nil
	}
	return false, nil
}

// backoff honours Retry-After (seconds or an HTTP date) on 429 and 503,
// capped at MaxRetryAfter; otherwise it doubles from min, capped at max,
// with equal jitter (half fixed, half random).
func (f *fetcher) backoff(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return clamp(d, 0, f.c.MaxRetryAfter)
		}
	}
	return expBackoff(min, max, attempt)
}

func expBackoff(min, max time.Duration, attempt int) time.Duration {
	d := min
	for i := 0; i < attempt && d < max; i++ {
		d *= 2
	}
	d = clamp(d, 0, max)
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

func clamp(d, lo, hi time.Duration) time.Duration {
	return min(max(d, lo), hi)
}

// retryAfter parses a Retry-After value: delay-seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		if s > int64(24*time.Hour/time.Second) {
			s = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// giveUp turns retryablehttp's final failure into a *pageError.
func (f *fetcher) giveUp(resp *http.Response, err error, attempts int) (*http.Response, error) {
	if resp != nil {
		defer resp.Body.Close()
	}
	if err == nil && resp != nil {
		err = f.statusError(resp) // a 5xx or 429 that stayed
	}
	if err == nil {
		err = errors.New("no response")
	}
	kind := kindOf(err)
	if attempts > 1 {
		err = fmt.Errorf("giving up after %d attempts: %w", attempts, err)
	}
	return nil, f.fail(kind, err)
}

// fail wraps a failure of the current page.
func (f *fetcher) fail(kind, err error) error {
	return f.failAt(f.label, kind, err)
}

// failAt wraps a failure of the page told by label.
func (f *fetcher) failAt(label string, kind, err error) error {
	return &pageError{
		msg:   f.secrets.scrub(fmt.Sprintf("http source %s: dataset %s: %s: %v", f.c.name, f.dataset, label, unwrapURL(err))),
		kind:  kind,
		cause: err,
	}
}

// statusError reads the start of an error body. CKAN's
// {"success": false, "error": {...}} gives its message instead.
func (f *fetcher) statusError(resp *http.Response) *StatusError {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	se := &StatusError{Code: resp.StatusCode, Status: resp.Status}
	if f.ckan {
		if msg, ok := ckanError(b); ok {
			se.Excerpt = excerpt([]byte(f.secrets.scrub(msg)))
			return se
		}
	}
	se.Excerpt = excerpt([]byte(f.secrets.scrub(string(b))))
	return se
}

// unwrapURL drops *url.Error's method and URL, which hold the query
// string.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}

// limiter spaces requests (every attempt) by a fixed interval; shared by
// the source's extracts.
type limiter struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

func (l *limiter) wait(ctx context.Context) error {
	l.mu.Lock()
	now := time.Now()
	at := l.next
	if at.Before(now) {
		at = now
	}
	l.next = at.Add(l.interval)
	l.mu.Unlock()
	d := time.Until(at)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

type limitedTransport struct {
	base http.RoundTripper
	l    *limiter
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.l.wait(req.Context()); err != nil {
		return nil, err
	}
	return t.base.RoundTrip(req)
}
