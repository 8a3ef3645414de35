package scorecard

import (
	"fmt"
	"regexp"
	"strings"
)

// A run id names a folder (runs/<id>, the history's run=<id>, a shard's
// parts/<id>) and a URL path element of dq serve, so one rule serves
// them all: letters, digits, '.', '_' and '-', starting with a letter or
// digit, at most 128 characters, never "..".
var runIDShape = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// CheckRunID refuses a run id that could not name a folder safely.
func CheckRunID(id string) error {
	if !runIDShape.MatchString(id) || strings.Contains(id, "..") {
		return fmt.Errorf("run id %q: use letters, digits, '.', '_' and '-' (such as 20261123T0200Z), at most 128, starting with a letter or digit", id)
	}
	return nil
}
