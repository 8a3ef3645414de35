// Package publish delivers scorecards beyond the output folder: an HTTP
// endpoint that dashboards own. Files are always written first; a failed
// delivery is reported, never a reason to lose the run.
package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	retryablehttp "github.com/hashicorp/go-retryablehttp"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/scorecard"
)

// HTTP POSTs each ministry's scorecard as JSON.
type HTTP struct {
	URL          string
	Token        string // sent as a bearer token; never logged
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
	h := &HTTP{URL: c.URL, Headers: c.Headers, MaxRetries: 4, Timeout: 10 * time.Second, TotalTimeout: 2 * time.Minute,
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
	body, err := json.Marshal(c)
	if err != nil {
		d.Error = err.Error()
		return d
	}
	client := retryablehttp.NewClient()
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
		d.Error = err.Error()
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
		d.Error = scrub(err.Error(), h.Token)
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
	d.Error = scrub(fmt.Sprintf("%s answered %s: %s", h.URL, resp.Status, bytes.TrimSpace(excerpt)), h.Token)
	h.log("delivery failed", d)
	return d
}

func (h *HTTP) log(msg string, d Delivery) {
	if h.Logger != nil {
		h.Logger.Warn(msg, "ministry", d.Ministry, "attempts", d.Attempts, "status", d.Status, "error", d.Error)
	}
}

// checkRetry retries connection failures, 5xx and 429; any other 4xx is
// the receiver refusing this scorecard, and asking again will not help.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
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

func scrub(s, secret string) string {
	if secret == "" {
		return s
	}
	return string(bytes.ReplaceAll([]byte(s), []byte(secret), []byte("***")))
}
