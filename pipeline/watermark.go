package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/planner"
	"github.com/vn-registries/dq/watermark"
)

// windowed returns the dataset with its incremental window added to
// where:, written in the dialect where: runs in (a.dialect).
func windowed(ds *config.Dataset, a access, marks watermark.Marks) *config.Dataset {
	if ds.Incremental == nil {
		return ds
	}
	m, ok := marks[ds.ID]
	if !ok || m.Column != ds.Incremental.Column {
		return ds // first run, or the column changed: read everything
	}
	d := a.dialect
	pred := fmt.Sprintf("%s > %s", d.Ident(ds.Incremental.Column), d.String(m.Value))
	cp := *ds
	if cp.Where != "" {
		cp.Where = "(" + cp.Where + ") AND " + pred
	} else {
		cp.Where = pred
	}
	return &cp
}

// reachedMark is the largest incremental value a dataset read, or nil
// when it is not incremental or read nothing new.
func reachedMark(ctx context.Context, ex planner.Executor, ds *config.Dataset, pds planner.Dataset, runStart time.Time) (*watermark.Mark, error) {
	if ds.Incremental == nil {
		return nil, nil
	}
	d := pds.Dialect
	row, err := ex.QueryRow(ctx, fmt.Sprintf("SELECT %s FROM %s", d.Text("MAX("+d.Ident(ds.Incremental.Column)+")"), pds.Table))
	if err != nil {
		return nil, err
	}
	v, ok := row[0].(string)
	if !ok {
		return nil, nil
	}
	return &watermark.Mark{Column: ds.Incremental.Column, Value: v, At: runStart.UTC()}, nil
}
