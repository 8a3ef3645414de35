// Package refdata ships the reference lists dq validates against: Vietnam's
// administrative units before and after the 1 July 2025 reform, the CCCD
// birthplace codes and the mobile prefixes. The files are embedded so a
// binary needs nothing beside it; their provenance is in each folder's
// SOURCE.md.
package refdata

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io"
)

//go:embed vn-admin-units/*.csv vn-ids/*.csv
var files embed.FS

// Names of the embedded tables.
const (
	Provinces2025    = "vn-admin-units/provinces_2025.csv"
	Wards2025        = "vn-admin-units/wards_2025.csv"
	ProvincesPre2025 = "vn-admin-units/provinces_pre2025.csv"
	DistrictsPre2025 = "vn-admin-units/districts_pre2025.csv"
	WardsPre2025     = "vn-admin-units/wards_pre2025.csv"
	WardMapping2025  = "vn-admin-units/ward_mapping_2025.csv"
	CCCDBirthplaces  = "vn-ids/cccd_birthplace_codes.csv"
	MobilePrefixes   = "vn-ids/mobile_prefixes.csv"
)

// Table is a CSV file read whole: its header and its rows.
type Table struct {
	Header []string
	Rows   [][]string
}

// Column returns the index of a header name, or -1.
func (t *Table) Column(name string) int {
	for i, h := range t.Header {
		if h == name {
			return i
		}
	}
	return -1
}

// Values returns one column of every row.
func (t *Table) Values(name string) []string {
	i := t.Column(name)
	if i < 0 {
		return nil
	}
	out := make([]string, len(t.Rows))
	for r, row := range t.Rows {
		out[r] = row[i]
	}
	return out
}

// Load reads one embedded table by name.
func Load(name string) (*Table, error) {
	f, err := files.Open(name)
	if err != nil {
		return nil, fmt.Errorf("refdata: %s: %w", name, err)
	}
	defer f.Close()
	return Read(f, name)
}

// Read parses a CSV reference table from r; name is used in errors only.
func Read(r io.Reader, name string) (*Table, error) {
	cr := csv.NewReader(r)
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("refdata: %s: %w", name, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("refdata: %s: empty file, expected a header row", name)
	}
	return &Table{Header: recs[0], Rows: recs[1:]}, nil
}
