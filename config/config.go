// Package config turns a dq YAML file into plain, validated structs. It
// reads and checks only: it imports no driver and opens no connection, so
// `dq validate` can run anywhere.
package config

import (
	"fmt"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is a whole dq configuration file.
type Config struct {
	Output     Output            `yaml:"output"`
	Engine     Engine            `yaml:"engine"`
	Dimensions []Dimension       `yaml:"dimensions"`
	KindDims   map[string]string `yaml:"kind_dimensions"`
	Bands      Bands             `yaml:"bands"`
	NullValues []string          `yaml:"null_values"`
	Examples   Examples          `yaml:"examples"`
	Timezone   string            `yaml:"timezone"`
	Demo       *Demo             `yaml:"demo"`
	History    History           `yaml:"history"`
	Publish    Publish           `yaml:"publish"`
	Ministries []Ministry        `yaml:"ministries"`
	Sources    map[string]Source `yaml:"sources"`
	// References add or replace reference lists (e.g. a newer list of
	// administrative units) by name.
	References map[string]Reference `yaml:"references"`
	Datasets   []Dataset            `yaml:"datasets"`

	// File is the path the config was read from; Dir its folder, which
	// every relative path written in the file is relative to (Path), so
	// a config means the same from any working directory. Paths typed on
	// the command line or in DQ_* variables are the user's, relative to
	// the working directory. Dir is "" for a config built in code: the
	// working directory.
	File string `yaml:"-"`
	Dir  string `yaml:"-"`
	// SHA256 is the hex digest of the file's bytes, recorded in scorecards.
	SHA256 string `yaml:"-"`

	// doc is the file's top mapping, for the lines of the sections whose
	// structs keep none.
	doc *yaml.Node
	// substituted are the values ${NAME} references were replaced with,
	// which messages must not show (Redact).
	substituted []substitution
	// overridden are the settings a DQ_* variable or a flag set, which
	// are not where the file says.
	overridden map[string]bool
}

// Output says where scorecards go.
type Output struct {
	Dir string `yaml:"dir"`
}

// Engine tunes the embedded DuckDB and the worker pool.
type Engine struct {
	MemoryLimit string `yaml:"memory_limit"`
	Threads     int    `yaml:"threads"`
	TempDir     string `yaml:"temp_dir"`
	// Workers is how many datasets are extracted and checked at once.
	Workers int `yaml:"workers"`
}

// Dimension is one criterion of the quality standard (correct,
// sufficient...).
type Dimension struct {
	ID string `yaml:"id"`
	// Name is the Vietnamese name, shown first; NameEN the English one
	// (default: Name).
	Name   string  `yaml:"name"`
	NameEN string  `yaml:"name_en"`
	Weight float64 `yaml:"weight"`
}

// Bands colour a score for people: green at or above Green, yellow at or
// above Yellow, red below.
type Bands struct {
	Green  float64 `yaml:"green"`
	Yellow float64 `yaml:"yellow"`
}

// Examples controls failing examples in scorecards.
type Examples struct {
	// Limit per check; 0 means the default, a negative value turns them off.
	Limit int `yaml:"limit"`
	// ShowPII disables masking: only for a steward's local run.
	ShowPII bool `yaml:"show_pii"`
}

// History is the run history: every run's results, for trends and
// anomaly checks.
type History struct {
	// Dir holds the store; default <output.dir>/history.
	Dir string `yaml:"dir"`
	// Off disables it.
	Off bool `yaml:"off"`
	// Series is how many runs a trend shows (default 10).
	Series int `yaml:"series"`
}

// Publish delivers scorecards beyond the output folder.
type Publish struct {
	HTTP *HTTPPublish `yaml:"http"`
}

// HTTPPublish POSTs each ministry's scorecard to a dashboard's endpoint.
type HTTPPublish struct {
	URL          string            `yaml:"url"`
	TokenEnv     string            `yaml:"token_env"`
	Headers      map[string]string `yaml:"headers"`
	Timeout      string            `yaml:"timeout"`       // per request, default 10s
	TotalTimeout string            `yaml:"total_timeout"` // whole delivery, default 2m
	MaxRetries   int               `yaml:"max_retries"`   // default 4
}

// Demo asks `dq run` to generate the demo registries when missing.
type Demo struct {
	Dir  string `yaml:"dir"`
	Rows int    `yaml:"rows"`
	Seed uint64 `yaml:"seed"`
}

// Ministry owns datasets and gets one scorecard.
type Ministry struct {
	ID     string  `yaml:"id"`
	Name   string  `yaml:"name"`
	Weight float64 `yaml:"weight"`
}

// Source is where datasets come from. Config decodes the keys every kind
// shares; the rest of the source's mapping stays raw YAML in Settings for
// the kind's connector to decode and validate (Decode), so each connector
// owns its keys as each check kind owns its parameters.
type Source struct {
	Kind     string
	Timezone string
	// Settings is the source's mapping without the shared keys; nil when
	// it has no other key.
	Settings *yaml.Node

	Name string
	File string
	Line int
	// Dir is the folder relative paths in the settings resolve against
	// (the config's, Config.Dir); a connector reads them with Path.
	Dir string
}

// Reference is a CSV reference list: the file and its code column, and
// optionally the codes it no longer holds with the ones that replaced
// them.
type Reference struct {
	File    string   `yaml:"file"`
	Column  string   `yaml:"column"`
	Retired *Retired `yaml:"retired"`
}

// Retired is a CSV list of codes a reference list no longer holds (a
// reform's mapping): the retired code in Column, the code that replaced
// it in Successor; a code split several ways has a row per successor.
type Retired struct {
	File      string `yaml:"file"`
	Column    string `yaml:"column"`
	Successor string `yaml:"successor"`
}

// Sample says how much of a dataset is read.
type Sample struct {
	Method   string  `yaml:"method"` // full (default), hash
	Fraction float64 `yaml:"fraction"`
	Rows     int64   `yaml:"rows"`
	Seed     int64   `yaml:"seed"`
	// Key is the column hashed by method: hash; default the dataset's
	// key. Set it to the shared identifier (the citizen ID) so registries
	// keyed otherwise still draw coordinated samples.
	Key string `yaml:"key"`
}

// SampleKey is the column a hash sample is drawn on.
func (ds *Dataset) SampleKey() string {
	if ds.Sample != nil && ds.Sample.Key != "" {
		return ds.Sample.Key
	}
	return ds.Key
}

// Incremental extracts only rows changed since the last successful run.
type Incremental struct {
	Column string `yaml:"column"`
}

// Dataset is one table of one registry, with its checks.
type Dataset struct {
	ID       string `yaml:"id"`
	Ministry string `yaml:"ministry"`
	Source   string `yaml:"source"`
	Path     string `yaml:"path"`
	Format   string `yaml:"format"`
	Table    string `yaml:"table"`
	Query    string `yaml:"query"`
	Key      string `yaml:"key"`
	Where    string `yaml:"where"`
	// Master marks a master registry (the national population database,
	// the business registry): the record other registries agree with.
	// Cross-registry checks against it measure "unified" by default.
	Master bool `yaml:"master"`
	// GroupBy scores the dataset per value of this column too (a province
	// code): the same fused scan with a GROUP BY.
	GroupBy    string   `yaml:"group_by"`
	Weight     float64  `yaml:"weight"`
	Timezone   string   `yaml:"timezone"`
	NullValues []string `yaml:"null_values"`
	Sample     *Sample  `yaml:"sample"`
	// Count is how the population size N is known: exact (COUNT(*)) or
	// estimate (catalog statistics). Default exact.
	Count       string       `yaml:"count"`
	Incremental *Incremental `yaml:"incremental"`
	// Engine is where the checks run: duckdb (default) extracts the rows
	// into the embedded engine; source compiles the plan into the
	// source's SQL and runs it there, so only aggregates and a few masked
	// examples leave the server (databases only; no cross-registry joins).
	Engine string `yaml:"engine"`
	// HTTP says how to read the dataset from an http source: raw YAML
	// that the http connector decodes (DecodeSection); zero when absent.
	HTTP   yaml.Node         `yaml:"http"`
	Mask   map[string]string `yaml:"mask"`
	Checks []Check           `yaml:"checks"`

	File string `yaml:"-"`
	Line int    `yaml:"-"`
	// index is the dataset's place in datasets:, which names it in
	// messages while it has no id.
	index int
}

// Where a dataset's checks run (Dataset.Engine).
const (
	EngineDuckDB = "duckdb"
	EngineSource = "source"
)

// InSource reports whether the dataset's checks run inside its source.
func (ds *Dataset) InSource() bool { return ds.Engine == EngineSource }

// Location is where the dataset was written.
func (ds *Dataset) Location() Location { return Location{File: ds.File, Line: ds.Line} }

// Field names the dataset, or one of its keys (dotted for a nested one),
// in messages: dataset population.citizens.http; a dataset without an id
// by its place in the file: datasets[2].http.
func (ds *Dataset) Field(key string) string {
	f := "dataset " + ds.ID
	if ds.ID == "" {
		f = fmt.Sprintf("datasets[%d]", ds.index)
	}
	if key != "" {
		f += "." + key
	}
	return f
}

// Errorf builds a config error about the dataset's key (dotted for a
// nested one, "" for the dataset as a whole), located at the dataset.
func (ds *Dataset) Errorf(key, format string, args ...any) *Error {
	return &Error{Loc: ds.Location(), Field: ds.Field(key), Msg: fmt.Sprintf(format, args...)}
}

// Check is one configured check. Fields shared by every kind are decoded
// here; the rest stay as YAML nodes in Params for the kind to decode and
// validate (package checks), so each kind owns its own keys.
type Check struct {
	ID         string
	Kind       string
	Dimension  string
	Column     string
	Columns    []string
	Mostly     *float64
	Weight     float64
	Nulls      string // ignore (default) or fail
	NullValues []string
	Examples   *int
	// Severity weighs the check in the scores: critical, major or minor
	// ("" takes the kind's default).
	Severity string
	// KPI false shows the check but leaves it out of the scores (a
	// defect upstream the ministry cannot fix); nil means true.
	KPI *bool
	// Title and Description say what the check requires, for people, in
	// Vietnamese (and English); "" takes the kind's default.
	Title, TitleEN, Description, DescriptionEN string
	Warn                                       map[string]*yaml.Node
	Params                                     map[string]*yaml.Node

	File string
	Line int
	Col  int
}

// Location tells where the check was written, for errors.
func (c *Check) Location() Location {
	return Location{File: c.File, Line: c.Line, Col: c.Col}
}

// Timezone of a dataset: its own, its source's, the config's, then Vietnam.
func (c *Config) DatasetTimezone(ds *Dataset) (*time.Location, error) {
	name := ds.Timezone
	if name == "" {
		name = c.Sources[ds.Source].Timezone
	}
	if name == "" {
		name = c.Timezone
	}
	if name == "" {
		name = DefaultTimezone
	}
	return time.LoadLocation(name)
}

// DefaultTimezone is where a timestamp without a zone is read.
const DefaultTimezone = "Asia/Ho_Chi_Minh"

// DefaultNullValues are the tokens that count as missing, besides NULL and
// blank strings. Compared case-insensitively after trimming.
var DefaultNullValues = []string{"N/A", "NULL", "0000-00-00"}

// MissingTokens returns the null-like tokens for a check of a dataset:
// defaults, then the config's, the dataset's and the check's own.
func (c *Config) MissingTokens(ds *Dataset, ch *Check) []string {
	var out []string
	seen := map[string]bool{}
	for _, list := range [][]string{DefaultNullValues, c.NullValues, ds.NullValues, ch.NullValues} {
		for _, v := range list {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	return out
}

// Ministry returns the ministry with that id, or nil.
func (c *Config) Ministry(id string) *Ministry {
	for i := range c.Ministries {
		if c.Ministries[i].ID == id {
			return &c.Ministries[i]
		}
	}
	return nil
}

// Dataset returns the dataset with that id, or nil.
func (c *Config) Dataset(id string) *Dataset {
	for i := range c.Datasets {
		if c.Datasets[i].ID == id {
			return &c.Datasets[i]
		}
	}
	return nil
}

// IsMaster reports whether id names a dataset marked master: true.
func (c *Config) IsMaster(id string) bool {
	ds := c.Dataset(id)
	return ds != nil && ds.Master
}

// Dimension returns the dimension with that id, or nil.
func (c *Config) Dimension(id string) *Dimension {
	for i := range c.Dimensions {
		if c.Dimensions[i].ID == id {
			return &c.Dimensions[i]
		}
	}
	return nil
}

// DimensionIDs lists the criteria's ids, in the config's order.
func (c *Config) DimensionIDs() []string {
	out := make([]string, len(c.Dimensions))
	for i, d := range c.Dimensions {
		out[i] = d.ID
	}
	return out
}
