package jsonkind

import "testing"

func TestOf(t *testing.T) {
	for raw, want := range map[string]Kind{
		``:                    Null,
		` null`:               Null,
		`"0123"`:              String,
		`true`:                Bool,
		`false`:               Bool,
		`{"a":1}`:             Object,
		` [1,2]`:              Array,
		`42`:                  Int,
		`-7 `:                 Int,
		`9223372036854775807`: Int,
		`9223372036854775808`: Float, // beyond int64: not an Int
		`1.5`:                 Float,
		`1e3`:                 Float,
	} {
		if got := Of([]byte(raw)); got != want {
			t.Errorf("Of(%q) = %v, want %v", raw, got, want)
		}
	}
	if got := (String | Int).String(); got != "?" {
		t.Errorf("a set of kinds names as %q, want ?", got)
	}
}
