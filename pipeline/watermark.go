package pipeline

import (
	"fmt"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/watermark"
)

// windowed returns the dataset with its incremental window added to
// where:, written in the source's dialect (DuckDB's for files).
func windowed(ds *config.Dataset, c connectors.Connector, marks watermark.Marks) *config.Dataset {
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
