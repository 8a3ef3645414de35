// Package docs holds dq's design documents; its test keeps the import
// rules of architecture.md and the code in step.
package docs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const module = "github.com/vn-registries/dq"

// importRules reads the "imports" block of architecture.md: one line per
// package, "pkg: allowed allowed ...".
func importRules(t *testing.T) map[string]map[string]bool {
	t.Helper()
	f, err := os.Open("architecture.md")
	require.NoError(t, err)
	defer f.Close()
	rules := map[string]map[string]bool{}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "```imports":
			in = true
			continue
		case in && line == "```":
			in = false
			continue
		case !in || line == "":
			continue
		}
		pkg, allowed, ok := strings.Cut(line, ":")
		require.True(t, ok, "architecture.md: import rule %q is not 'package: imports...'", line)
		_, dup := rules[pkg]
		require.False(t, dup, "architecture.md: package %s has two import rules", pkg)
		rules[pkg] = map[string]bool{}
		for _, a := range strings.Fields(allowed) {
			rules[pkg][a] = true
		}
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, rules, "architecture.md has no ```imports block")
	return rules
}

type listed struct {
	ImportPath string
	GoFiles    []string
	Imports    []string
}

// packages lists every package of the module with its non-test imports,
// as the real build (with the duckdb_arrow tag) sees them.
func packages(t *testing.T) []listed {
	t.Helper()
	cmd := exec.Command("go", "list", "-tags", "duckdb_arrow", "-json", "./...")
	cmd.Dir = ".."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	var pkgs []listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		err := dec.Decode(&p)
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if len(p.GoFiles) > 0 { // a folder of tests only (this one) builds nothing
			pkgs = append(pkgs, p)
		}
	}
	return pkgs
}

func local(path string) (string, bool) {
	if path == module {
		return ".", true
	}
	return strings.CutPrefix(path, module+"/")
}

// Every import of a dq package by another must be one architecture.md
// allows, and every package must be listed there: the data flow is a
// decision, not an accident.
func TestImportsFollowTheDataFlow(t *testing.T) {
	rules := importRules(t)
	var problems []string
	seen := map[string]bool{}
	for _, p := range packages(t) {
		name, _ := local(p.ImportPath)
		seen[name] = true
		allowed, ok := rules[name]
		if !ok {
			problems = append(problems, name+": not listed in architecture.md's import rules; add it with the dq packages it may import")
			continue
		}
		for _, imp := range p.Imports {
			if dep, ours := local(imp); ours && !allowed[dep] {
				problems = append(problems, name+" imports "+dep+", which architecture.md does not allow (change the code, or the rule and say why)")
			}
		}
	}
	for name := range rules {
		if !seen[name] {
			problems = append(problems, name+": listed in architecture.md but not a package any more")
		}
	}
	sort.Strings(problems)
	require.Empty(t, problems)
}

// config imports no database driver and no dq package: `dq validate` runs
// anywhere, and parsing never connects.
func TestConfigImportsNoDriver(t *testing.T) {
	for _, p := range packages(t) {
		if name, _ := local(p.ImportPath); name != "config" {
			continue
		}
		for _, imp := range p.Imports {
			for _, driver := range []string{"github.com/jackc/pgx", "github.com/go-sql-driver/mysql", "github.com/duckdb/duckdb-go", "database/sql"} {
				require.False(t, strings.HasPrefix(imp, driver), "config imports %s", imp)
			}
		}
	}
}
