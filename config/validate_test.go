package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A validation case: a whole config, and every line Parse must report
// for it, in order ("" for a valid config).
type validationCase struct {
	name string
	yaml string
	want []string
}

func runValidation(t *testing.T, cases []validationCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse("c.yaml", []byte(tc.yaml), nil)
			require.NotNil(t, cfg, "a file that decodes is returned with its problems")
			if len(tc.want) == 0 {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalid)
			require.Equal(t, strings.Join(tc.want, "\n"), err.Error())
			var errs Errors
			require.ErrorAs(t, err, &errs)
			require.Len(t, errs, len(tc.want))
		})
	}
}

// datasetA is a valid dataset list for cases about other sections.
const datasetA = `datasets:
  - {id: a, ministry: MPS, source: db, table: t, checks: [{id: x, kind: not_null, column: c}]}
`

const mpsAndDB = `ministries: [{id: MPS, name: Public Security}]
sources: {db: {kind: postgres, dsn: "postgres://x@h/db"}}
`

func TestValidateEnvironment(t *testing.T) {
	runValidation(t, []validationCase{
		{"every unset variable is named", mpsAndDB + `publish:
  http: {url: "https://x/${DQ_TEST_UNSET_HOST}", token_env: "${DQ_TEST_UNSET_TOKEN}"}
` + datasetA, []string{
			"c.yaml: environment variable DQ_TEST_UNSET_HOST is referenced as ${DQ_TEST_UNSET_HOST} but not set",
			"c.yaml: environment variable DQ_TEST_UNSET_TOKEN is referenced as ${DQ_TEST_UNSET_TOKEN} but not set",
		}},
	})
}

func TestValidateMinistries(t *testing.T) {
	runValidation(t, []validationCase{
		{"none", `ministries: []
sources: {db: {kind: postgres}}
` + datasetA, []string{
			"c.yaml: ministries: no ministry is defined; add e.g. ministries: [{id: MPS, name: Ministry of Public Security}]",
			`c.yaml:4: dataset a.ministry: ministry "MPS" is not defined in ministries`,
		}},
		{"id missing, twice, negative weight", `ministries: [{id: MPS}, {name: Health}, {id: MPS, weight: -1}]
sources: {db: {kind: postgres}}
` + datasetA, []string{
			"c.yaml: ministries[1]: a ministry needs an id",
			`c.yaml: ministries[2]: ministry "MPS" defined twice`,
			"c.yaml: ministries[2]: weight must not be negative",
		}},
	})
}

func TestValidateDimensions(t *testing.T) {
	runValidation(t, []validationCase{
		{"id missing, twice, negative weight", mpsAndDB + `dimensions: [{id: correct}, {name: Whole}, {id: correct, weight: -2}]
` + datasetA, []string{
			"c.yaml: dimensions[1]: a dimension needs an id",
			`c.yaml: dimensions[2]: dimension "correct" defined twice`,
			"c.yaml: dimensions[2]: weight must not be negative",
		}},
		{"kind_dimensions onto undefined dimensions, by kind", mpsAndDB + `kind_dimensions: {unique: whole, regex: clean, not_null: complete}
` + datasetA, []string{
			`c.yaml: kind_dimensions.not_null: dimension "complete" is not defined (defined: correct, sufficient, clean, alive, unified, shared)`,
			`c.yaml: kind_dimensions.unique: dimension "whole" is not defined (defined: correct, sufficient, clean, alive, unified, shared)`,
		}},
		{"kind_dimensions onto own dimensions", mpsAndDB + `dimensions: [{id: valid}, {id: complete}]
kind_dimensions: {not_null: complete, regex: valid}
` + datasetA, nil},
	})
}

func TestValidateScoring(t *testing.T) {
	runValidation(t, []validationCase{
		{"unknown time zone", mpsAndDB + "timezone: Mars/Olympus\n" + datasetA, []string{
			`c.yaml:3: timezone: unknown time zone "Mars/Olympus" (use an IANA name such as Asia/Ho_Chi_Minh)`,
		}},
		{"IANA time zone", mpsAndDB + "timezone: Asia/Bangkok\n" + datasetA, nil},
		{"yellow above green", mpsAndDB + "bands: {green: 50, yellow: 80}\n" + datasetA, []string{
			"c.yaml:3: bands: need 0 <= yellow <= green <= 100, got yellow 80 green 50",
		}},
		{"green above 100", mpsAndDB + "bands: {green: 120, yellow: 80}\n" + datasetA, []string{
			"c.yaml:3: bands: need 0 <= yellow <= green <= 100, got yellow 80 green 120",
		}},
		{"negative yellow", mpsAndDB + "bands: {green: 50, yellow: -0.5}\n" + datasetA, []string{
			"c.yaml:3: bands: need 0 <= yellow <= green <= 100, got yellow -0.5 green 50",
		}},
		{"green alone", mpsAndDB + "bands: {green: 60}\n" + datasetA, nil},
		{"equal bands", mpsAndDB + "bands: {green: 100, yellow: 100}\n" + datasetA, nil},
	})
}

func TestValidatePublish(t *testing.T) {
	runValidation(t, []validationCase{
		{"every key wrong", mpsAndDB + `publish:
  http: {url: "ftp://dash/in", timeout: soon, total_timeout: -1s, max_retries: -2}
` + datasetA, []string{
			`c.yaml:4: publish.http.url: must be an http:// or https:// URL, got "ftp://dash/in"`,
			`c.yaml:4: publish.http.timeout: "soon" is not a positive duration such as 10s or 2m`,
			`c.yaml:4: publish.http.total_timeout: "-1s" is not a positive duration such as 10s or 2m`,
			"c.yaml:4: publish.http.max_retries: must not be negative",
		}},
		{"zero total timeout", mpsAndDB + `publish: {http: {url: "https://dash/in", total_timeout: 0s}}
` + datasetA, []string{
			`c.yaml:3: publish.http.total_timeout: "0s" is not a positive duration such as 10s or 2m`,
		}},
		{"defaults", mpsAndDB + `publish: {http: {url: "http://dash/in"}}
` + datasetA, nil},
	})
}

// What the run hands to DuckDB and the worker pool as it is: a value they
// cannot use is refused by dq validate, at its line.
func TestValidateEngine(t *testing.T) {
	runValidation(t, []validationCase{
		{"absurd counts", mpsAndDB + "engine: {threads: 100000, workers: -2}\n" + datasetA, []string{
			"c.yaml:3: engine.threads: must be between 0 (all cores) and 1024, got 100000",
			"c.yaml:3: engine.workers: must be between 1 and 256 (0 or absent: min(4, cores)), got -2",
		}},
		{"negative threads, too many workers", mpsAndDB + "engine:\n  threads: -1\n  workers: 1000\n" + datasetA, []string{
			"c.yaml:4: engine.threads: must be between 0 (all cores) and 1024, got -1",
			"c.yaml:5: engine.workers: must be between 1 and 256 (0 or absent: min(4, cores)), got 1000",
		}},
		{"no unit", mpsAndDB + "engine: {memory_limit: 4}\n" + datasetA, []string{
			`c.yaml:3: engine.memory_limit: "4" is not a size such as 4GB, 512MB or 2GiB`,
		}},
		{"a percentage", mpsAndDB + "engine: {memory_limit: 80%}\n" + datasetA, []string{
			`c.yaml:3: engine.memory_limit: "80%" is not a size such as 4GB, 512MB or 2GiB`,
		}},
		{"nothing", mpsAndDB + "engine: {memory_limit: 0GB}\n" + datasetA, []string{
			`c.yaml:3: engine.memory_limit: "0GB" is not a size such as 4GB, 512MB or 2GiB`,
		}},
		{"words", mpsAndDB + "engine: {memory_limit: lots}\n" + datasetA, []string{
			`c.yaml:3: engine.memory_limit: "lots" is not a size such as 4GB, 512MB or 2GiB`,
		}},
		{"sizes DuckDB reads", mpsAndDB + "engine: {memory_limit: 1.5GB, threads: 1024, workers: 256}\n" + datasetA, nil},
		{"1024s, lower case", mpsAndDB + "engine: {memory_limit: 512 mib, threads: 0, workers: 0}\n" + datasetA, nil},
		{"a letter", mpsAndDB + "engine: {memory_limit: 2g}\n" + datasetA, nil},
	})
}

// NaN compares false with everything: bounds are written so that it fails
// them, as infinities do where they would make scores NaN.
func TestValidateNaNAndInfinities(t *testing.T) {
	runValidation(t, []validationCase{
		{"bands", mpsAndDB + "bands: {green: .nan, yellow: 75}\n" + datasetA, []string{
			"c.yaml:3: bands: need 0 <= yellow <= green <= 100, got yellow 75 green NaN",
		}},
		{"weights and mostly", `ministries: [{id: MPS, weight: .inf}]
dimensions: [{id: correct, weight: .nan}, {id: sufficient}, {id: clean}, {id: alive}]
sources: {db: {kind: postgres}}
datasets:
  - {id: a, ministry: MPS, source: db, table: t, weight: .nan, checks: [{id: x, kind: not_null, column: c, weight: .inf, mostly: .nan}]}
`, []string{
			"c.yaml: ministries[0]: weight must be a finite number, got +Inf",
			"c.yaml: dimensions[0]: weight must be a finite number, got NaN",
			"c.yaml:5: dataset a.weight: weight must be a finite number, got NaN",
			"c.yaml:5: dataset a.checks.x.mostly: must be a share between 0 and 1, got NaN",
			"c.yaml:5: dataset a.checks.x.weight: weight must be a finite number, got +Inf",
		}},
	})
}

func TestValidateDemo(t *testing.T) {
	runValidation(t, []validationCase{
		{"negative rows", mpsAndDB + "demo: {dir: d, rows: -5}\n" + datasetA, []string{
			"c.yaml:3: demo.rows: must be a positive number of rows, got -5",
		}},
		{"defaults", mpsAndDB + "demo: {dir: d}\n" + datasetA, nil},
	})
}

// A setting an override gave is not where the file says: the message
// names the variable instead of a line.
func TestValidateOverriddenSetting(t *testing.T) {
	t.Setenv("DQ_ENGINE_THREADS", "5000")
	t.Setenv("DQ_EXAMPLES_SHOW_PII", "yes-please")
	_, err := Parse("c.yaml", []byte("engine: {threads: 2}\n"+mpsAndDB+datasetA), NewViper())
	require.EqualError(t, err, `c.yaml: examples.show_pii: override "yes-please" is not true or false
c.yaml: engine.threads: must be between 0 (all cores) and 1024, got 5000 (set by DQ_ENGINE_THREADS or its flag)`)
}

// The publisher's URL may hold a password or a key: a message shows it
// redacted. A token_env that names no set variable is refused before
// anything runs, not found after the run or sent as an anonymous POST.
func TestValidatePublishSecrets(t *testing.T) {
	t.Setenv("DQ_TEST_PUBLISH_TOKEN", "tok")
	t.Setenv("DQ_TEST_EMPTY_TOKEN", "")
	runValidation(t, []validationCase{
		{"credentials in a URL that is not http", mpsAndDB + `publish: {http: {url: "ftp://user:pa55word@dash/in?key=s3cr3t"}}
` + datasetA, []string{
			`c.yaml:3: publish.http.url: must be an http:// or https:// URL, got "ftp://dash/in?key=xxx"`,
		}},
		{"token_env unset", mpsAndDB + `publish:
  http:
    url: "https://dash/in"
    token_env: DQ_TEST_NEVER_SET_TOKEN
` + datasetA, []string{
			"c.yaml:6: publish.http.token_env: environment variable DQ_TEST_NEVER_SET_TOKEN is not set or empty: the delivery would go without its token",
		}},
		{"token_env empty", mpsAndDB + `publish: {http: {url: "https://dash/in", token_env: DQ_TEST_EMPTY_TOKEN}}
` + datasetA, []string{
			"c.yaml:3: publish.http.token_env: environment variable DQ_TEST_EMPTY_TOKEN is not set or empty: the delivery would go without its token",
		}},
		{"token_env set", mpsAndDB + `publish: {http: {url: "https://user:pw@dash/in?key=k", token_env: DQ_TEST_PUBLISH_TOKEN}}
` + datasetA, nil},
	})
}

func TestValidateReferences(t *testing.T) {
	runValidation(t, []validationCase{
		{"file or column missing, by name", mpsAndDB + `references:
  units: {file: units.csv}
  banks: {column: code}
  places: {file: places.csv, column: code}
` + datasetA, []string{
			"c.yaml: references.banks: a reference list needs file: and column:",
			"c.yaml: references.units: a reference list needs file: and column:",
		}},
		{"retired codes need their successor", mpsAndDB + `references:
  hospitals: {file: h.csv, column: code, retired: {file: old.csv, column: old_code}}
  places: {file: places.csv, column: code, retired: {file: old.csv, column: old_code, successor: new_code}}
` + datasetA, []string{
			"c.yaml: references.hospitals.retired: a list of retired codes needs file:, column: (the retired code) and successor: (the code that replaced it)",
		}},
	})
}

func TestValidateSources(t *testing.T) {
	runValidation(t, []validationCase{
		{"in file order", `ministries: [{id: MPS}]
sources:
  zeta: {timezone: Asia/Bangkok}
  db: {kind: postgres, timezone: Mars/Olympus}
  alpha: {dsn: x}
` + datasetA, []string{
			"c.yaml:3: sources.zeta: kind is missing (file, postgres, mysql, ...)",
			`c.yaml:4: sources.db.timezone: unknown time zone "Mars/Olympus"`,
			"c.yaml:5: sources.alpha: kind is missing (file, postgres, mysql, ...)",
		}},
		{"a connector's own keys are its own", `ministries: [{id: MPS}]
sources:
  db: {kind: postgres, dsn: "postgres://x@h/db"}
  files: {kind: file, root: data, mode: stream, colour: blue}
` + datasetA, nil},
	})
}

func TestValidateDatasets(t *testing.T) {
	runValidation(t, []validationCase{
		{"none", mpsAndDB + "datasets: []\n", []string{
			"c.yaml: datasets: no dataset is defined: nothing would be checked",
		}},
		{"id missing and twice", mpsAndDB + `datasets:
  - {id: a, ministry: MPS, source: db, table: t, checks: [{id: x, kind: not_null, column: c}]}
  - {ministry: MPS, source: db, table: t, weight: -1, checks: [{id: x, kind: not_null, column: c}]}
  - {id: a, ministry: MPS, source: db, table: u, checks: [{id: x, kind: not_null, column: c}]}
`, []string{
			"c.yaml:5: datasets[1]: a dataset needs an id",
			"c.yaml:5: datasets[1].weight: weight must not be negative",
			`c.yaml:6: dataset a: dataset id "a" used twice`,
		}},
		{"every key of one dataset", mpsAndDB + `datasets:
  - id: a
    ministry: MOH
    source: nowhere
    table: t
    query: select 1
    weight: -1
    timezone: Mars/Olympus
    engine: spark
    count: guess
    incremental: {}
    checks: []
`, []string{
			`c.yaml:4: dataset a.ministry: ministry "MOH" is not defined in ministries`,
			`c.yaml:4: dataset a.source: source "nowhere" is not defined in sources`,
			"c.yaml:4: dataset a.weight: weight must not be negative",
			`c.yaml:4: dataset a.timezone: unknown time zone "Mars/Olympus"`,
			`c.yaml:4: dataset a.engine: must be duckdb or source, got "spark"`,
			`c.yaml:4: dataset a.count: must be exact or estimate, got "guess"`,
			"c.yaml:4: dataset a.incremental.column: incremental needs the column that records changes, e.g. updated_at",
			"c.yaml:4: dataset a.query: give table: or query:, not both",
			"c.yaml:4: dataset a.checks: the dataset has no checks; a dataset without checks would silently pass",
		}},
		{"a master registry without a key", mpsAndDB + `datasets:
  - {id: a, ministry: MPS, source: db, table: t, master: true, checks: [{id: x, kind: not_null, column: c}]}
`, []string{
			"c.yaml:4: dataset a.master: a master registry needs key: (the national identifier other registries look it up by)",
		}},
		{"every accepted value", mpsAndDB + `datasets:
  - {id: a, ministry: MPS, source: db, table: t, engine: duckdb, count: exact, master: true, key: cccd, checks: [{id: x, kind: not_null, column: c}]}
  - {id: b, ministry: MPS, source: db, query: select 1, engine: source, count: estimate, incremental: {column: updated_at}, timezone: UTC, weight: 0, checks: [{id: x, kind: not_null, column: c}]}
`, nil},
		// Mask policies, sample settings and a connector's dataset keys
		// (format:) are validated by their owners (pipeline.Prepare).
		{"what other packages own", mpsAndDB + `datasets:
  - id: a
    ministry: MPS
    source: db
    table: t
    format: xlsx
    mask: {name: initials}
    sample: {method: coin, fraction: 7}
    checks: [{id: x, kind: not_a_kind, column: c, pattern_typo: x}]
`, nil},
	})
}

func TestValidateChecks(t *testing.T) {
	runValidation(t, []validationCase{
		{"id and kind missing, id twice", mpsAndDB + `datasets:
  - id: a
    ministry: MPS
    source: db
    table: t
    checks:
      - {column: c}
      - {id: x, kind: not_null, column: c}
      - {id: x, kind: unique, column: c}
`, []string{
			"c.yaml:9: dataset a.checks[0]: a check needs an id",
			"c.yaml:9: dataset a.checks[0]: kind is missing",
			`c.yaml:11: dataset a.checks.x: check id "x" used twice in this dataset`,
		}},
		{"every shared key wrong", mpsAndDB + `datasets:
  - id: a
    ministry: MPS
    source: db
    table: t
    checks:
      - id: x
        kind: not_null
        column: c
        dimension: whole
        mostly: 1.5
        weight: -1
        nulls: skip
        examples: 21
        severity: high
`, []string{
			`c.yaml:9: dataset a.checks.x.dimension: dimension "whole" is not defined (defined: correct, sufficient, clean, alive, unified, shared)`,
			"c.yaml:9: dataset a.checks.x.mostly: must be a share between 0 and 1, got 1.5",
			"c.yaml:9: dataset a.checks.x.weight: weight must not be negative",
			`c.yaml:9: dataset a.checks.x.nulls: must be ignore or fail, got "skip"`,
			"c.yaml:9: dataset a.checks.x.examples: at most 20 examples per check",
			`c.yaml:9: dataset a.checks.x.severity: must be critical, major or minor, got "high"`,
		}},
		{"negative mostly, in a dataset without id", mpsAndDB + `datasets:
  - {id: a, ministry: MPS, source: db, table: t, checks: [{id: x, kind: not_null, column: c}]}
  - ministry: MPS
    source: db
    table: t
    checks:
      - {id: y, kind: not_null, column: c, mostly: -0.1}
`, []string{
			"c.yaml:5: datasets[1]: a dataset needs an id",
			"c.yaml:9: datasets[1].checks.y.mostly: must be a share between 0 and 1, got -0.1",
		}},
		{"every accepted value", mpsAndDB + `datasets:
  - id: a
    ministry: MPS
    source: db
    table: t
    checks:
      - {id: x, kind: not_null, column: c, dimension: sufficient, mostly: 0, weight: 0, nulls: fail, examples: 20}
      - {id: y, kind: not_null, column: c, mostly: 1, nulls: ignore, examples: -1}
`, nil},
	})
}

// Problems of several sections come together: the top-level sections
// first (located at their key when written), then sources and datasets in
// file order.
func TestValidateReportsEverySection(t *testing.T) {
	runValidation(t, []validationCase{
		{"one problem per section", `ministries: [{id: MPS}, {id: MPS}]
dimensions: [{id: correct, weight: -1}]
bands: {green: 50, yellow: 60}
publish: {http: {url: "dash"}}
references: {units: {file: units.csv}}
sources:
  db: {kind: postgres, timezone: Nowhere}
datasets:
  - {id: a, ministry: MOH, source: db, table: t, checks: [{id: x, kind: not_null, column: c, nulls: skip}]}
`, []string{
			`c.yaml: ministries[1]: ministry "MPS" defined twice`,
			"c.yaml: dimensions[0]: weight must not be negative",
			"c.yaml:3: bands: need 0 <= yellow <= green <= 100, got yellow 60 green 50",
			`c.yaml:4: publish.http.url: must be an http:// or https:// URL, got "dash"`,
			"c.yaml: references.units: a reference list needs file: and column:",
			`c.yaml:7: sources.db.timezone: unknown time zone "Nowhere"`,
			`c.yaml:9: dataset a.ministry: ministry "MOH" is not defined in ministries`,
			`c.yaml:9: dataset a.checks.x.nulls: must be ignore or fail, got "skip"`,
		}},
	})
}

// Validation only reads: defaults and normalisations are setDefaults', so
// a config means the same whether or not it was validated, and validating
// twice finds the same problems.
func TestValidateReadsOnly(t *testing.T) {
	raw := []byte(`ministries: [{id: MPS}, {id: MPS, weight: -1}]
dimensions: [{id: correct}, {id: correct}]
kind_dimensions: {regex: whole}
examples: {limit: -3}
bands: {green: 50, yellow: 80}
timezone: Nowhere
publish: {http: {url: dash, timeout: soon}}
references: {units: {file: u.csv}}
sources:
  db: {kind: postgres, timezone: Nowhere}
  other: {dsn: x}
datasets:
  - id: a
    ministry: MOH
    source: nowhere
    table: t
    query: q
    engine: spark
    sample: {method: hash, fraction: 2}
    mask: {c: initials}
    incremental: {}
    checks:
      - {id: x, kind: not_null, column: c, mostly: 2, nulls: skip, examples: 99, dimension: whole}
      - {id: x, column: c}
  - {ministry: MPS, source: db, checks: []}
`)
	decoded := func() *Config {
		cfg, unset, errs, err := decode("c.yaml", raw)
		require.NoError(t, err)
		require.Empty(t, errs)
		require.Empty(t, unset)
		cfg.setDefaults()
		return cfg
	}
	cfg, want := decoded(), decoded()
	first := cfg.validate(nil)
	require.Len(t, first, 24)
	require.Equal(t, want, cfg, "validate changed the config")
	require.Equal(t, first, cfg.validate(nil))
	require.Equal(t, -1, cfg.Examples.Limit, "setDefaults turns every negative limit into -1")
}
