package config

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// readOnlySettings are the keys a database source's connector reads that
// an injected value would try to change.
type readOnlySettings struct {
	DSN      string `yaml:"dsn"`
	ReadOnly *bool  `yaml:"read_only"`
}

// A variable's value lands in one scalar, whatever it holds: it can
// neither switch read_only off, nor add a key, nor become a mapping, in a
// quoted value or a plain one.
func TestEnvValueStaysOneString(t *testing.T) {
	for _, value := range []string{
		`x", read_only: false, "y`,
		`x', read_only: false, 'y`,
		`{a: b}`,
		"postgres://u@h/db\nread_only: false",
		"x}\n  other: {kind: file}\n#",
		`[1, 2]`,
		`*anchor`,
		`!!bool false`,
		`${DQ_TEST_OTHER}`, // a value is never expanded again
	} {
		for _, form := range []string{`"${DQ_TEST_DSN}"`, `${DQ_TEST_DSN}`, `'${DQ_TEST_DSN}'`} {
			t.Run(form+" "+value, func(t *testing.T) {
				t.Setenv("DQ_TEST_DSN", value)
				t.Setenv("DQ_TEST_OTHER", "expanded")
				raw := "ministries: [{id: MPS}]\nsources:\n  db: {kind: postgres, dsn: " + form + ", read_only: true}\n" + datasetA
				cfg, err := Parse("c.yaml", []byte(raw), nil)
				require.NoError(t, err)
				require.Len(t, cfg.Sources, 1, "no source added")
				var db readOnlySettings
				require.NoError(t, cfg.Sources["db"].Decode(&db))
				require.Equal(t, value, db.DSN)
				require.True(t, *db.ReadOnly)
				require.Len(t, cfg.Sources["db"].Settings.Content, 4, "dsn and read_only, nothing more")
				sum := sha256.Sum256([]byte(raw))
				require.Equal(t, hex.EncodeToString(sum[:]), cfg.SHA256, "the digest is of the file as written")
			})
		}
	}
}

// An unquoted reference is typed as YAML types a plain value, so numbers
// and booleans still come from the environment; a quoted one is a string.
func TestEnvValueIsTypedLikeAPlainScalar(t *testing.T) {
	t.Setenv("DQ_TEST_THREADS", "3")
	t.Setenv("DQ_TEST_PII", "true")
	t.Setenv("DQ_TEST_DIR", "/srv/dq")
	cfg, err := Parse("c.yaml", []byte(`output: {dir: "${DQ_TEST_DIR}/out"}
engine: {threads: ${DQ_TEST_THREADS}}
examples: {show_pii: ${DQ_TEST_PII}}
`+mpsAndDB+datasetA), nil)
	require.NoError(t, err)
	require.Equal(t, 3, cfg.Engine.Threads)
	require.True(t, cfg.Examples.ShowPII)
	require.Equal(t, "/srv/dq/out", cfg.Output.Dir)

	_, err = Parse("c.yaml", []byte("engine: {threads: \"${DQ_TEST_THREADS}\"}\n"+mpsAndDB+datasetA), nil)
	require.EqualError(t, err, `c.yaml:1: expected a whole number, got "${DQ_TEST_THREADS}"`, "quoted, it stays a string")
}

// Keys are structure: they are not expanded, and a reference in one is
// reported. A reference in a comment is nothing at all.
func TestEnvInKeysAndComments(t *testing.T) {
	t.Setenv("DQ_TEST_NAME", "db")
	_, err := Parse("c.yaml", []byte(`ministries: [{id: MPS}]
sources:
  ${DQ_TEST_NAME}: {kind: postgres}
`+datasetA), nil)
	require.Equal(t, `c.yaml:3: key "${DQ_TEST_NAME}": ${NAME} is replaced in values only; a key is written as it is`, strings.Split(err.Error(), "\n")[0])

	_, err = Parse("c.yaml", []byte("# dsn: ${DQ_TEST_NEVER_SET}\n"+mpsAndDB+datasetA), nil)
	require.NoError(t, err)
}

// Decoding the expanded tree is as strict as decoding text was: every
// unknown key is reported, the empty one too.
func TestTreeDecodingIsStrict(t *testing.T) {
	_, err := Parse("c.yaml", []byte(mpsAndDB+`"": 1
engine: {thread: 2}
datasets:
  - {id: a, ministry: MPS, source: db, table: t, checks: [{id: x, kind: not_null, column: c}], tabel: u}
`), nil)
	require.EqualError(t, err, `c.yaml:3: config: unknown key "" (allowed: output, engine, dimensions, kind_dimensions, bands, null_values, examples, timezone, demo, history, publish, ministries, sources, references, datasets)
c.yaml:4: engine: unknown key "thread"; did you mean threads? (allowed: memory_limit, threads, temp_dir, workers)
c.yaml:6: dataset: unknown key "tabel"; did you mean table? (allowed: id, ministry, source, path, format, table, query, key, where, master, group_by, weight, timezone, null_values, sample, count, incremental, engine, http, mask, checks)`)
}

// An error about a value taken from the environment names the variable,
// never its value: config's decoding and validation, and owners' messages
// through RedactErrors.
func TestEnvSecretsStayOutOfErrors(t *testing.T) {
	const secret = "s3cr3t-Pa55word"
	t.Setenv("DQ_TEST_SECRET", secret)
	for _, tc := range []struct{ name, yaml, want string }{
		{"decoding", "engine: {threads: ${DQ_TEST_SECRET}}\n" + mpsAndDB + datasetA,
			`c.yaml:1: expected a whole number, got "${DQ_TEST_SECRET}"`},
		{"decoding, inside a value", "engine: {workers: \"key=${DQ_TEST_SECRET};\"}\n" + mpsAndDB + datasetA,
			`c.yaml:1: expected a whole number, got "key=${DQ_TEST_SECRET};"`},
		{"validation", "timezone: ${DQ_TEST_SECRET}\n" + mpsAndDB + datasetA,
			`c.yaml:1: timezone: unknown time zone "${DQ_TEST_SECRET}" (use an IANA name such as Asia/Ho_Chi_Minh)`},
		{"a field", mpsAndDB + "datasets:\n  - {id: a, ministry: ${DQ_TEST_SECRET}, source: db, table: t, checks: [{id: x, kind: not_null, column: c}]}\n",
			`c.yaml:4: dataset a.ministry: ministry "${DQ_TEST_SECRET}" is not defined in ministries`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(tc.yaml), nil)
			require.EqualError(t, err, tc.want)
			require.NotContains(t, err.Error(), secret)
			require.NotContains(t, err.Error(), secret[:10])
		})
	}

	cfg, err := Parse("c.yaml", []byte(strings.Replace(mpsAndDB, `dsn: "postgres://x@h/db"`, `dsn: "postgres://dq:${DQ_TEST_SECRET}@h/db"`, 1)+datasetA), nil)
	require.NoError(t, err)
	errs := Errors{{Loc: Location{File: "c.yaml", Line: 2}, Field: "sources.db", Msg: "cannot parse postgres://dq:" + secret + "@h/db"}}
	cfg.RedactErrors(errs)
	require.EqualError(t, errs, "c.yaml:2: sources.db: cannot parse postgres://dq:${DQ_TEST_SECRET}@h/db")
	require.Equal(t, "port 5432", cfg.Redact("port 5432"), "nothing else changes")
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:pa55@dash.example/in?key=abcd&page=2#x": "https://dash.example/in?key=xxx&page=xxx",
		"http://dash:8080/in":    "http://dash:8080/in",
		"https://dash/in?token":  "https://dash/in?token=xxx",
		"http://[::1]:namedport": "(a URL that does not parse)",
	} {
		require.Equal(t, want, RedactURL(in), in)
	}
}
