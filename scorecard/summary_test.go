package scorecard

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func summaryRun() (*Index, []*Card) {
	idx := &Index{SchemaVersion: SchemaVersion, Run: testRun, Status: Error, Ministries: []IndexEntry{{
		ID: "MPS", Name: "Bộ Công an", Score: f64(93.44), Status: Warn,
		Dimensions: map[string]float64{"correct": 95.12}, Datasets: 1, Checks: 12, Failed: 2,
	}, {
		ID: "MOH", Name: "Ministry of Health", Score: nil, Status: Error,
		Dimensions: map[string]float64{}, Datasets: 1, Checks: 3, Failed: 3,
	}}}
	mps := &Card{Ministry: Ref{ID: "MPS"}, Datasets: []*Dataset{{ID: "citizens", Checks: []*Check{
		{ID: "cccd_valid", Status: Fail, Message: "1200 rows of 99800\n evaluated failed"},
		{ID: "dup", Status: Warn, Message: "not listed"},
		{ID: "fresh", Status: Pass},
		{ID: "phone", Status: Error, Message: "Binder Error: column \"phone\" not found"},
	}}}}
	moh := &Card{Ministry: Ref{ID: "MOH"}, Datasets: []*Dataset{{ID: "patients", Status: Error, Error: "connect: connection refused",
		Checks: []*Check{{ID: "a", Status: Error}, {ID: "b", Status: Error}, {ID: "c", Status: Error}}}}}
	return idx, []*Card{mps, moh}
}

func TestWriteSummary(t *testing.T) {
	idx, cards := summaryRun()
	var b strings.Builder
	WriteSummary(&b, idx, []string{"correct", "alive"}, false, cards...)
	require.Equal(t, strings.Join([]string{
		"MINISTRY  NAME                SCORE  CORRECT  ALIVE  STATUS  CHECKS",
		"MPS       Bộ Công an          93.4   95.1     -      warn    10/12",
		"MOH       Ministry of Health  -      -        -      error   0/3",
		"",
		"Failing checks:",
		"  MPS/citizens/cccd_valid: fail: 1200 rows of 99800 evaluated failed",
		`  MPS/citizens/phone: error: Binder Error: column "phone" not found`,
		"  MOH/patients: error: connect: connection refused",
		"",
	}, "\n"), b.String())

	// Without cards: the table only.
	b.Reset()
	WriteSummary(&b, idx, nil, false)
	require.Equal(t, strings.Join([]string{
		"MINISTRY  NAME                SCORE  STATUS  CHECKS",
		"MPS       Bộ Công an          93.4   warn    10/12",
		"MOH       Ministry of Health  -      error   0/3",
		"",
	}, "\n"), b.String())
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestWriteSummaryColor(t *testing.T) {
	idx, cards := summaryRun()
	var plain, colored strings.Builder
	WriteSummary(&plain, idx, []string{"correct"}, false, cards...)
	WriteSummary(&colored, idx, []string{"correct"}, true, cards...)
	require.Contains(t, colored.String(), "\x1b[33mwarn\x1b[0m")
	require.Contains(t, colored.String(), "\x1b[31merror\x1b[0m")
	require.Contains(t, colored.String(), "\x1b[31mfail\x1b[0m")
	require.NotContains(t, plain.String(), "\x1b")
	// Colour codes do not shift the columns.
	require.Equal(t, plain.String(), ansi.ReplaceAllString(colored.String(), ""))
}

func TestWriteSummaryCapsFailures(t *testing.T) {
	idx := &Index{Ministries: []IndexEntry{{ID: "M", Name: "M", Status: Fail, Checks: 25, Failed: 25}}}
	d := &Dataset{ID: "d"}
	for i := range 25 {
		d.Checks = append(d.Checks, &Check{ID: fmt.Sprintf("c%02d", i), Status: Fail})
	}
	var b strings.Builder
	WriteSummary(&b, idx, nil, false, &Card{Ministry: Ref{ID: "M"}, Datasets: []*Dataset{d}})
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	require.Equal(t, "Failing checks:", lines[3])
	require.Equal(t, "  M/d/c00: fail", lines[4])
	require.Equal(t, "  M/d/c19: fail", lines[23])
	require.Equal(t, "  ... and 5 more", lines[24])
	require.Len(t, lines, 25)
}
