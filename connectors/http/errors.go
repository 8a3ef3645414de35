package http

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Sentinels, wrapped so errors.Is works on what New, Extract and the
// reader's Err return.
var (
	// ErrConfig is a source or dataset setting the connector cannot use.
	ErrConfig = errors.New("http: bad configuration")
	// ErrRequest is a page that could not be fetched: a connection that
	// kept failing, or an error status (after retries for 5xx and 429).
	ErrRequest = errors.New("http: request failed")
	// ErrResponse is a page that came back but cannot be used: truncated
	// or invalid JSON (after retries), not the expected shape, or an API
	// error such as CKAN's success: false.
	ErrResponse = errors.New("http: unusable response")
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
// query values redacted) and never holds a secret.
type pageError struct {
	msg      string
	sentinel error
	cause    error
}

func (e *pageError) Error() string   { return e.msg }
func (e *pageError) Unwrap() []error { return []error{e.sentinel, e.cause} }

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
	return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, args...))
}
