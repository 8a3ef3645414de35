package http

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/vn-registries/dq/connectors"
)

// errRedirect refuses a redirect off the base URL's host.
var errRedirect = errors.New("redirect to another host refused (the token and headers would go with it)")

// StatusError is an HTTP error status; find it with errors.As.
type StatusError struct {
	Code   int
	Status string // e.g. "404 Not Found"
	// Excerpt is the start of the body (at most 200 characters), with
	// the token and header values scrubbed, or the API's own message.
	Excerpt string
}

func (e *StatusError) Error() string {
	if e.Excerpt == "" {
		return "HTTP " + e.Status
	}
	return "HTTP " + e.Status + ": " + e.Excerpt
}

// bodyError is a page whose body was cut short or is not JSON: it is
// fetched again like a 5xx.
type bodyError struct{ msg string }

func (e *bodyError) Error() string { return e.msg }

// apiError is an answer that will not get better on retry (CKAN's
// success: false, an oversized body).
type apiError struct{ msg string }

func (e *apiError) Error() string { return e.msg }

// pageError is a give-up: its text names the dataset and the page (with
// query values redacted) and never holds a secret. kind is one of the
// connectors kinds, nil for a read the caller cancelled.
type pageError struct {
	msg   string
	kind  error
	cause error
}

func (e *pageError) Error() string { return e.msg }

func (e *pageError) Unwrap() []error {
	if e.kind == nil {
		return []error{e.cause}
	}
	return []error{e.kind, e.cause}
}

// kindOf tells which connectors kind a failed request is: the API refused
// the token (401, 403) or answered something else than data; the request
// timed out; or the API could not be reached. A request the caller
// cancelled is none of them.
func kindOf(err error) error {
	var (
		se *StatusError
		be *bodyError
		ae *apiError
		ne net.Error
	)
	switch {
	case errors.As(err, &se):
		if se.Code == http.StatusUnauthorized || se.Code == http.StatusForbidden {
			return connectors.ErrAuth
		}
		return connectors.ErrResponse
	case errors.As(err, &be), errors.As(err, &ae), errors.Is(err, errRedirect):
		return connectors.ErrResponse
	case errors.Is(err, context.Canceled):
		return nil
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return connectors.ErrTimeout
	}
	return connectors.ErrConnect
}

// scrubber replaces secrets (the token, header values) in messages.
type scrubber []string

func (s scrubber) scrub(msg string) string {
	for _, secret := range s {
		if len(secret) >= 4 {
			msg = strings.ReplaceAll(msg, secret, "xxxxx")
		}
	}
	return msg
}

// excerpt is the start of a body for a message: whitespace collapsed,
// cut at maxExcerpt characters on a rune boundary.
func excerpt(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if utf8.RuneCountInString(s) <= maxExcerpt {
		return s
	}
	n := 0
	for i := range s {
		if n == maxExcerpt {
			return s[:i] + "..."
		}
		n++
	}
	return s
}

const maxExcerpt = 200

func configError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", connectors.ErrConfig, fmt.Sprintf(format, args...))
}
