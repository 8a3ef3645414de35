package pipeline

import (
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/dialect"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/refdata"
	"github.com/vn-registries/dq/sampling"
)

// builtinReferences are the lists shipped with dq: name → embedded file
// and its code column, and where a reform retired codes, the embedded
// mapping to their successors. The config's references: may replace any
// of them.
var builtinReferences = map[string]config.Reference{
	"admin_units_2025": {File: refdata.Wards2025, Column: "ward_code",
		Retired: &config.Retired{File: refdata.WardMapping2025, Column: "old_ward_code", Successor: "new_ward_code"}},
	"provinces_2025": {File: refdata.Provinces2025, Column: "province_code",
		Retired: &config.Retired{File: refdata.ProvincesPre2025, Column: "province_code", Successor: "new_province_code_2025"}},
	"admin_units_pre2025":   {File: refdata.WardsPre2025, Column: "ward_code"},
	"provinces_pre2025":     {File: refdata.ProvincesPre2025, Column: "province_code"},
	"cccd_birthplace_codes": {File: refdata.CCCDBirthplaces, Column: "cccd_code"},
}

// ReferenceNames lists the reference lists a config can use.
func ReferenceNames(cfg *config.Config) []string {
	var out []string
	for n := range builtinReferences {
		out = append(out, n)
	}
	for n := range cfg.References {
		if _, ok := builtinReferences[n]; !ok {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// loadReference reads a reference list (the config's file, else the
// embedded one) into a table of text columns, with its retired codes
// when it declares them.
func loadReference(ctx context.Context, conn *engine.Conn, cfg *config.Config, name string) (*checks.Relation, error) {
	ref, fromConfig := cfg.References[name]
	if !fromConfig {
		var ok bool
		if ref, ok = builtinReferences[name]; !ok {
			return nil, fmt.Errorf("unknown reference list %q (known: %v)", name, ReferenceNames(cfg))
		}
	}
	// Two prefixes, so no list's name makes its table another's.
	safe := unsafeName.ReplaceAllString(name, "_")
	rel, err := loadList(ctx, conn, name, "ref_"+safe, ref.File, ref.Column, fromConfig)
	if err != nil || ref.Retired == nil {
		return rel, err
	}
	rt := ref.Retired
	retired, err := loadList(ctx, conn, name+" (retired codes)", "retired_"+safe, rt.File, rt.Column, fromConfig)
	if err != nil {
		return nil, err
	}
	if _, ok := retired.Column(rt.Successor); !ok {
		return nil, fmt.Errorf("reference %s: no column %q in %s", name, rt.Successor, rt.File)
	}
	rel.Retired = &checks.Retired{Relation: retired, Successor: rt.Successor}
	return rel, nil
}

// loadList reads one CSV list, a file of the config's or an embedded one,
// into table as text columns; column is its code column.
func loadList(ctx context.Context, conn *engine.Conn, name, table, file, column string, fromConfig bool) (*checks.Relation, error) {
	var t *refdata.Table
	var err error
	if fromConfig {
		f, ferr := os.Open(file)
		if ferr != nil {
			return nil, fmt.Errorf("reference %s: %w", name, ferr)
		}
		t, err = refdata.Read(f, file)
		f.Close()
	} else {
		t, err = refdata.Load(file)
	}
	if err != nil {
		return nil, err
	}
	if t.Column(column) < 0 {
		return nil, fmt.Errorf("reference %s: no column %q in %s (columns: %v)", name, column, file, t.Header)
	}
	fields := make([]arrow.Field, len(t.Header))
	for i, h := range t.Header {
		fields[i] = arrow.Field{Name: h, Type: arrow.BinaryTypes.String, Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for _, row := range t.Rows {
		for i := range fields {
			sb := b.Field(i).(*array.StringBuilder)
			if i < len(row) {
				sb.Append(row[i])
			} else {
				sb.AppendNull()
			}
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	rdr, err := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	if err != nil {
		return nil, err
	}
	defer rdr.Release()
	if err := conn.LoadArrow(ctx, table, rdr); err != nil {
		return nil, fmt.Errorf("reference %s: %w", name, err)
	}
	d := dialect.DuckDB{}
	rel := &checks.Relation{ID: name, Table: d.Ident(table), Key: column, Sample: sampling.Design{Method: "full"}, RowsTotal: int64(len(t.Rows))}
	for _, h := range t.Header {
		rel.Columns = append(rel.Columns, checks.Column{Name: h, Type: "VARCHAR", Family: dialect.Text, SQL: d.Ident(h)})
	}
	return rel, nil
}
