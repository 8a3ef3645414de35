package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite report/testdata/*.golden.html from the current output")

// TestGolden compares index.html and one ministry page with
// testdata/*.golden.html. After an intended change of the pages, run
//
//	go test ./report/ -run TestGolden -update
//
// and review the diff.
func TestGolden(t *testing.T) {
	idx, cards := fixture()
	pages, err := Render(idx, cards)
	if err != nil {
		t.Fatal(err)
	}
	for page, golden := range map[string]string{
		"index.html": "index.golden.html",
		"MPS.html":   "MPS.golden.html",
		"MOH.html":   "MOH.golden.html",
	} {
		got, ok := pages[page]
		if !ok {
			t.Fatalf("Render made no %s", page)
		}
		path := filepath.Join("testdata", golden)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./report/ -run TestGolden -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s at line %d; if the change is intended, run go test ./report/ -run TestGolden -update and review the diff\n%s",
				page, path, firstDiffLine(got, want), diffContext(got, want))
		}
	}
}

func firstDiffLine(a, b []byte) int {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(la), len(lb)) {
		if !bytes.Equal(la[i], lb[i]) {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}

func diffContext(got, want []byte) string {
	n := firstDiffLine(got, want) - 1
	lg, lw := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	line := func(ls [][]byte) string {
		if n < len(ls) {
			return string(ls[n])
		}
		return "<end of file>"
	}
	return "  got:  " + line(lg) + "\n  want: " + line(lw)
}
