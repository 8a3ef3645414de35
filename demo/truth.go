package demo

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// GeneratorVersion changes whenever the same Options would produce different
// files; Ensure regenerates when it differs.
const GeneratorVersion = 3

// TruthFile is the name of the truth file Generate writes next to the data.
const TruthFile = "truth.json"

// Truth records what Generate wrote and every defect it planted.
type Truth struct {
	GeneratorVersion int                      `json:"generator_version"`
	Rows             int                      `json:"rows"`
	Seed             uint64                   `json:"seed"`
	AsOf             time.Time                `json:"as_of"`
	Datasets         map[string]*DatasetTruth `json:"datasets"` // keyed by file stem
}

// DatasetTruth describes one written registry file.
type DatasetTruth struct {
	File   string           `json:"file"`
	Rows   int64            `json:"rows"`
	Counts map[string]int64 `json:"counts"`
}

func newDataset(file string) *DatasetTruth {
	return &DatasetTruth{File: file, Counts: map[string]int64{}}
}

// ReadTruth loads dir/truth.json.
func ReadTruth(dir string) (*Truth, error) {
	b, err := os.ReadFile(filepath.Join(dir, TruthFile))
	if err != nil {
		return nil, err
	}
	var t Truth
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("demo: %s: %w", TruthFile, err)
	}
	return &t, nil
}

func writeTruth(path string, t *Truth) error {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// Ensure makes sure dir holds a generation matching o. It regenerates only
// when truth.json is missing or unreadable, a data file it lists is missing,
// its Rows, Seed or GeneratorVersion differ from o, or its AsOf is more than
// maxAge older than o.AsOf. It reports whether it generated.
func Ensure(dir string, o Options, maxAge time.Duration) (*Truth, bool, error) {
	o, err := o.normalize()
	if err != nil {
		return nil, false, err
	}
	if t, err := ReadTruth(dir); err == nil && t.fresh(dir, o, maxAge) {
		return t, false, nil
	}
	t, err := Generate(dir, o)
	if err != nil {
		return nil, false, err
	}
	return t, true, nil
}

func (t *Truth) fresh(dir string, o Options, maxAge time.Duration) bool {
	if t.GeneratorVersion != GeneratorVersion || t.Rows != o.Rows || t.Seed != o.Seed {
		return false
	}
	if o.AsOf.Sub(t.AsOf) > maxAge {
		return false
	}
	for _, d := range t.Datasets {
		if _, err := os.Stat(filepath.Join(dir, d.File)); err != nil {
			return false
		}
	}
	return len(t.Datasets) > 0
}
