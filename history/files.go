package history

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/parquet/file"
)

// Unreadable is a file of the store that cannot be read as Parquet: cut
// short by a full disk, overwritten, damaged. Readers skip it, so one bad
// run does not hide every other; the run says which it skipped.
type Unreadable struct {
	Path   string
	Reason string
}

func (u Unreadable) String() string { return u.Path + ": " + u.Reason }

// readable lists the store's files of one kind (ChecksFile, ScoresFile)
// that open as Parquet, and those that do not. Only the footer is read,
// so this costs a few system calls per run recorded.
func readable(dir, name string) (good []string, bad []Unreadable) {
	paths, _ := filepath.Glob(filepath.Join(dir, "run=*", name))
	sort.Strings(paths)
	for _, p := range paths {
		r, err := file.OpenParquetFile(p, false)
		if err != nil {
			bad = append(bad, Unreadable{Path: p, Reason: shortReason(err)})
			continue
		}
		r.Close()
		good = append(good, p)
	}
	return good, bad
}

// withColumn keeps the files whose schema has the named column, so a
// query of it does not fail on a store written before the column was.
func withColumn(files []string, name string) []string {
	var out []string
	for _, p := range files {
		r, err := file.OpenParquetFile(p, false)
		if err != nil {
			continue
		}
		if r.MetaData().Schema.ColumnIndexByName(name) >= 0 {
			out = append(out, p)
		}
		r.Close()
	}
	return out
}

func shortReason(err error) string {
	msg := err.Error()
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return msg
}

// Check lists the store's files that readers skip because they cannot be
// read, for the run to report.
func Check(dir string) []Unreadable {
	_, badChecks := readable(dir, ChecksFile)
	_, badScores := readable(dir, ScoresFile)
	return append(badChecks, badScores...)
}

// fileList is files as a DuckDB list literal for read_parquet.
func fileList(files []string) string {
	q := make([]string, len(files))
	for i, f := range files {
		q[i] = quote(f)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// Empty reports whether the store holds no readable run.
func Empty(dir string) bool {
	good, _ := readable(dir, ChecksFile)
	return len(good) == 0
}
