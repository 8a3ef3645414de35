package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/scorecard"
)

// Watermark is how far an incremental dataset has been read: the largest
// value of its incremental column in the last successful run.
type Watermark struct {
	Column string    `json:"column"`
	Value  string    `json:"value"`
	RunID  string    `json:"run_id"`
	At     time.Time `json:"at"`
}

// Watermarks are kept per dataset id in <output.dir>/state/watermarks.json.
type Watermarks map[string]Watermark

func watermarkFile(outputDir string) string {
	return filepath.Join(outputDir, "state", "watermarks.json")
}

// LoadWatermarks reads the stored watermarks; none stored is not an error.
func LoadWatermarks(outputDir string) (Watermarks, error) {
	raw, err := os.ReadFile(watermarkFile(outputDir))
	if errors.Is(err, os.ErrNotExist) {
		return Watermarks{}, nil
	}
	if err != nil {
		return nil, err
	}
	w := Watermarks{}
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, fmt.Errorf("%s: %w (delete it to read every incremental dataset in full)", watermarkFile(outputDir), err)
	}
	return w, nil
}

// SaveWatermarks merges the run's new watermarks into the store, atomically.
// Call it only after the run's scorecards are published: a run that did
// not complete must not move a dataset's window.
func SaveWatermarks(outputDir string, updates Watermarks) error {
	if len(updates) == 0 {
		return nil
	}
	w, err := LoadWatermarks(outputDir)
	if err != nil {
		return err
	}
	for id, m := range updates {
		w[id] = m
	}
	raw, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(watermarkFile(outputDir)), 0o755); err != nil {
		return err
	}
	return scorecard.WriteFileAtomic(watermarkFile(outputDir), append(raw, '\n'))
}

// windowed returns the dataset with its incremental window added to
// where:, written in the source's dialect (DuckDB's for files).
func windowed(ds *config.Dataset, c connectors.Connector, marks Watermarks) *config.Dataset {
	if ds.Incremental == nil {
		return ds
	}
	m, ok := marks[ds.ID]
	if !ok || m.Column != ds.Incremental.Column {
		return ds // first run, or the column changed: read everything
	}
	var d dialect.Dialect = dialect.DuckDB{}
	if dc, ok := c.(connectors.Dialected); ok {
		if _, direct := c.(connectors.DirectReader); !direct {
			d = dc.Dialect()
		}
	}
	pred := fmt.Sprintf("%s > %s", d.Ident(ds.Incremental.Column), d.String(m.Value))
	cp := *ds
	if cp.Where != "" {
		cp.Where = "(" + cp.Where + ") AND " + pred
	} else {
		cp.Where = pred
	}
	return &cp
}
