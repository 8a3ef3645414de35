// Package validators holds dq's named validators of Vietnamese registry
// identifiers (CCCD, CMND, MST, BHXH, phone numbers, e-mail addresses,
// administrative-unit codes). Each has a Go reference implementation,
// Valid, used by tests and fuzzing, and a SQL builder, Predicate, that
// renders the same rule as a boolean expression through a dialect, so the
// rule runs where the data is. The two must agree on every input; the
// package's tests check that on DuckDB.
//
// The rules and their sources are in DOMAIN.md §1–4.
package validators

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/vn-registries/dq/dialect"
)

// Validator is one named rule.
type Validator interface {
	Name() string
	// Valid reports whether s is a valid value, exactly as written (no
	// trimming: " 0100233488" is not a tax code).
	Valid(s string) bool
	// Predicate renders Valid as a SQL boolean expression over textExpr,
	// an expression of the engine's string type. It is never NULL for a
	// non-NULL value, and NULL for NULL.
	Predicate(d dialect.Dialect, textExpr string) string
}

// Staler is implemented by validators that recognise values that were
// valid once and are now out of date (an 11-digit mobile number, a
// commune code abolished on 1 July 2025). A stale value is also invalid.
type Staler interface {
	Stale(s string) bool
	StalePredicate(d dialect.Dialect, textExpr string) string
	// StaleLabel names the count of stale values in a check's details.
	StaleLabel() string
}

// Staged is implemented by validators whose SQL reads intermediate
// values of the value (a phone number without its separators, then
// without its national prefix) where that is cheaper than one regular
// expression: share adds an expression to the row, computed once per
// row, and returns what reads it. The predicates equal Predicate and
// StalePredicate ("" when the validator is no Staler).
type Staged interface {
	StagedPredicates(d dialect.Dialect, textExpr string, share func(expr string) string) (valid, stale string)
}

// Options are the run-dependent inputs of some rules.
type Options struct {
	// Now bounds the birth year a CCCD may imply; zero means the current
	// time.
	Now time.Time
}

func (o Options) year() int {
	if o.Now.IsZero() {
		return time.Now().Year()
	}
	return o.Now.Year()
}

// ErrUnknown is returned by New for a name that is not registered.
var ErrUnknown = errors.New("unknown validator")

var registry = map[string]func(Options) Validator{
	"cccd":          func(o Options) Validator { return CCCD(o) },
	"cmnd":          func(o Options) Validator { return CMND{cccd: CCCD(o)} },
	"mst":           func(Options) Validator { return MST{} },
	"bhxh":          func(Options) Validator { return BHXH{} },
	"phone_vn":      func(Options) Validator { return PhoneVN{} },
	"email":         func(Options) Validator { return Email{} },
	"admin_unit":    func(Options) Validator { return AdminUnit{} },
	"province_2025": func(Options) Validator { return Province2025{} },
}

// Names lists the registered validators, sorted.
func Names() []string {
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// New returns the named validator with its options bound.
func New(name string, o Options) (Validator, error) {
	f, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknown, name, strings.Join(Names(), ", "))
	}
	return f(o), nil
}

// allDigits reports whether s is non-empty and all ASCII digits: "\d" in
// RE2 and Go's regexp is ASCII only, and so is this.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// inList renders expr IN ('a', 'b', ...) over sorted values, in the
// dialect's fastest shape for the list's length.
func inList(d dialect.Dialect, expr string, values []string) string {
	return d.InList(expr, values)
}

// substr is the portable SUBSTR(expr, from, n), 1-based.
func substr(expr string, from, n int) string {
	return fmt.Sprintf("SUBSTR(%s, %d, %d)", expr, from, n)
}

// guarded evaluates pred only for values whose shape matches pattern, so
// the casts inside pred never see anything but digits; it is FALSE for
// other non-NULL values and NULL for NULL.
func guarded(d dialect.Dialect, expr, pattern, pred string) string {
	return guardedBy(d.RegexFullMatch(expr, pattern), expr, pred)
}

// guardedBy is guarded with the pattern's test already written (shared).
func guardedBy(match, expr, pred string) string {
	return fmt.Sprintf("(CASE WHEN %s THEN (%s) WHEN %s IS NULL THEN NULL ELSE FALSE END)", match, pred, expr)
}
