// Package publish delivers scorecards beyond the output folder: an HTTP
// endpoint that dashboards own. Files are always written first; a failed
// delivery is reported, never a reason to lose the run.
package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	retryablehttp "github.com/hashicorp/go-retryablehttp"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/scorecard"
)

// HTTP POSTs each ministry's scorecard as JSON. Nothing it prints, logs
// or records shows a secret: the URL's user information and query values,
// the token and the header values are left out of every message.
type HTTP struct {
	URL   string
	Token string // sent as a bearer token; never logged
	// TokenEnv names the variable Token was read from; when it is set
	// and Token is empty, nothing is sent (an anonymous POST is not a
	// delivery the receiver asked for).
	TokenEnv     string
	Headers      map[string]string
	Timeout      time.Duration
	TotalTimeout time.Duration
	MaxRetries   int
	Logger       *slog.Logger
	// MinWait and MaxWait bound the backoff between attempts.
	MinWait, MaxWait time.Duration
}

// NewHTTP builds the publisher from the config, reading the token from
// its environment variable.
func NewHTTP(c *config.HTTPPublish, getenv func(string) string, log *slog.Logger) *HTTP {
	h := &HTTP{URL: c.URL, TokenEnv: c.TokenEnv, Headers: c.Headers, MaxRetries: 4, Timeout: 10 * time.Second, TotalTimeout: 2 * time.Minute,
		Logger: log, MinWait: 500 * time.Millisecond, MaxWait: 30 * time.Second}
	if c.TokenEnv != "" {
		h.Token = getenv(c.TokenEnv)
	}
	if d, err := time.ParseDuration(c.Timeout); err == nil && d > 0 {
		h.Timeout = d
	}
	if d, err := time.ParseDuration(c.TotalTimeout); err == nil && d > 0 {
		h.TotalTimeout = d
	}
	if c.MaxRetries > 0 {
		h.MaxRetries = c.MaxRetries
	}
	return h
}

// Delivery is what happened to one scorecard.
type Delivery struct {
	Ministry       string `json:"ministry"`
	IdempotencyKey string `json:"idempotency_key"`
	Status         int    `json:"http_status,omitempty"`
	Attempts       int    `json:"attempts"`
	Delivered      bool   `json:"delivered"`
	Error          string `json:"error,omitempty"`
}

// deliverAll POSTs every card, each with the idempotency key run-id/ministry,
// so a receiver that saw a retried request once counts it once. It stops
// trying when TotalTimeout is over and reports every card's outcome.
func (h *HTTP) deliverAll(ctx context.Context, runID string, cards []*scorecard.Card) []Delivery {
	ctx, cancel := context.WithTimeout(ctx, h.TotalTimeout)
	defer cancel()
	out := make([]Delivery, 0, len(cards))
	for _, c := range cards {
		out = append(out, h.deliver(ctx, runID, c))
	}
	return out
}

func (h *HTTP) deliver(ctx context.Context, runID string, c *scorecard.Card) Delivery {
	d := Delivery{Ministry: c.Ministry.ID, IdempotencyKey: IdempotencyKey(runID, c.Ministry.ID)}
	if h.TokenEnv != "" && h.Token == "" {
		// config refuses this before the run; a publisher built in code
		// must not send either.
		d.Error = fmt.Sprintf("not sent: environment variable %s (token_env) is not set or empty", h.TokenEnv)
		h.log("delivery failed", d)
		return d
	}
	body, err := json.Marshal(c)
	if err != nil {
		d.Error = err.Error()
		return d
	}
	origin, err := url.Parse(h.URL)
	if err != nil {
		d.Error = "publish.http.url is not a URL"
		return d
	}
	client := retryablehttp.NewClient()
	client.HTTPClient.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		// The token, the headers and the URL's user information would go
		// with the scorecard to wherever the receiver points: stay on its
		// scheme, host and port.
		if req.URL.Scheme != origin.Scheme || req.URL.Host != origin.Host {
			return errRedirect
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	client.HTTPClient.Timeout = h.Timeout
	client.RetryMax = h.MaxRetries
	client.RetryWaitMin, client.RetryWaitMax = h.MinWait, h.MaxWait
	client.Logger = nil
	client.CheckRetry = checkRetry
	client.Backoff = backoff
	client.ErrorHandler = retryablehttp.PassthroughErrorHandler
	client.RequestLogHook = func(_ retryablehttp.Logger, _ *http.Request, attempt int) { d.Attempts = attempt + 1 }

	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		d.Error = h.scrub(err.Error())
		return d
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", d.IdempotencyKey)
	req.Header.Set("User-Agent", "dq")
	for k, v := range h.Headers {
		req.Header.Set(k, v)
	}
	if h.Token != "" {
		req.Header.Set("Authorization", "Bearer "+h.Token)
	}
	resp, err := client.Do(req)
	if err != nil {
		// net/http's error quotes the URL as written, query and all.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		d.Error = h.scrub(fmt.Sprintf("POST %s: %v", h.Endpoint(), err))
		h.log("delivery failed", d)
		return d
	}
	defer resp.Body.Close()
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	d.Status = resp.StatusCode
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		d.Delivered = true
		return d
	}
	d.Error = h.scrub(fmt.Sprintf("%s answered %s: %s", h.Endpoint(), resp.Status, bytes.TrimSpace(excerpt)))
	h.log("delivery failed", d)
	return d
}

func (h *HTTP) log(msg string, d Delivery) {
	if h.Logger != nil {
		h.Logger.Warn(msg, "ministry", d.Ministry, "attempts", d.Attempts, "status", d.Status, "error", d.Error)
	}
}

// checkRetry retries connection failures, 5xx and 429; any other 4xx is
// the receiver refusing this scorecard, and asking again will not help,
// nor will it after a refused redirect.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if errors.Is(err, errRedirect) {
		return false, nil // the receiver will point elsewhere again
	}
	if err != nil {
		return true, nil
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return true, nil
	}
	return false, nil
}

// backoff honours Retry-After (seconds or an HTTP date) on 429 and 503,
// else doubles from min with jitter, capped at max.
func backoff(min, max time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if s := resp.Header.Get("Retry-After"); s != "" {
			if secs, err := strconv.Atoi(s); err == nil && secs >= 0 {
				return capped(time.Duration(secs)*time.Second, max)
			}
			if t, err := http.ParseTime(s); err == nil {
				return capped(time.Until(t), max)
			}
		}
	}
	d := time.Duration(float64(min) * math.Pow(2, float64(attempt)))
	d += time.Duration(rand.Int64N(int64(min) + 1))
	return capped(d, max)
}

func capped(d, max time.Duration) time.Duration {
	if d < 0 {
		return 0
	}
	if d > max {
		return max
	}
	return d
}

// errRedirect refuses a redirect off the URL's scheme, host and port.
var errRedirect = errors.New("redirect to another host or port refused (the token and headers would go with it)")

// Endpoint is the URL for messages: without user information, every
// query value replaced.
func (h *HTTP) Endpoint() string { return config.RedactURL(h.URL) }

// scrub replaces in s every secret of the delivery that a receiver or a
// library might quote: the token, header values, the URL's user name,
// password and query values. Shorter than 4 characters, a value is no
// secret worth garbling a message for.
func (h *HTTP) scrub(s string) string {
	secrets := []string{h.Token}
	for _, v := range h.Headers {
		secrets = append(secrets, v)
	}
	if u, err := url.Parse(h.URL); err == nil {
		if u.User != nil {
			pw, _ := u.User.Password()
			secrets = append(secrets, u.User.String(), u.User.Username(), pw)
		}
		for _, vals := range u.Query() {
			secrets = append(secrets, vals...)
		}
		secrets = append(secrets, u.RawQuery)
	}
	// Longest first, so that a secret holding another goes whole.
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	for _, secret := range secrets {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "***")
		}
	}
	return s
}
