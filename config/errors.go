package config

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is wrapped by every configuration error, so callers can tell a
// bad config (exit code 2) from a failure at run time.
var ErrInvalid = errors.New("invalid configuration")

// Location is a place in a config file.
type Location struct {
	File string
	Line int
	Col  int
}

func (l Location) String() string {
	switch {
	case l.File == "" && l.Line == 0:
		return ""
	case l.Line == 0:
		return l.File
	default:
		return fmt.Sprintf("%s:%d", l.File, l.Line)
	}
}

// Error is one problem in a config: where, which field, what is wrong.
type Error struct {
	Loc   Location
	Field string // e.g. datasets[population.citizens].checks[cccd_format].pattern
	Msg   string
	// Err is the kind of problem as the package that found it names it
	// (a connector's bad setting), for errors.Is beside ErrInvalid; nil
	// for most.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	if s := e.Loc.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrInvalid}
	}
	return []error{ErrInvalid, e.Err}
}

// Errors is every problem found in one config, in file order.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

func (es Errors) Unwrap() []error {
	out := []error{ErrInvalid}
	for _, e := range es {
		out = append(out, e)
	}
	return out
}

// Add records a problem.
func (es *Errors) Add(loc Location, field, format string, args ...any) {
	*es = append(*es, &Error{Loc: loc, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// Err returns nil when there is no problem, so `return errs.Err()` works.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}
