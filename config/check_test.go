package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const regexCheck = `ministries: [{id: MPS}]
sources: {db: {kind: postgres}}
datasets:
  - id: a
    ministry: MPS
    source: db
    table: t
    checks:
      - id: x
        kind: regex
        column: cccd
        mostly: 0.99
        examples: 3
        null_values: ["000000000000"]
        warn: {mostly: 0.999}
        pattern: '^[0-9]{12}$'
        flags: i
      - {id: y, kind: agrees, dataset: b, columns: {name: exact}}
      - {id: z, kind: unique, columns: [a, b]}
`

// A check's shared keys are config's; every other key is a parameter its
// kind decodes, with the line it was written on.
func TestCheckSharedKeysAndParams(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(regexCheck), nil)
	require.NoError(t, err)
	x := cfg.Datasets[0].Checks[0]
	require.Equal(t, "x", x.ID)
	require.Equal(t, "regex", x.Kind)
	require.Equal(t, "cccd", x.Column)
	require.Equal(t, 0.99, *x.Mostly)
	require.Equal(t, 3, *x.Examples)
	require.Equal(t, []string{"000000000000"}, x.NullValues)
	require.Equal(t, "0.999", x.Warn["mostly"].Value)
	require.Len(t, x.Params, 2)
	require.Equal(t, 16, x.Params["pattern"].Line)

	var p struct {
		Pattern string `yaml:"pattern"`
		Flags   string `yaml:"flags"`
	}
	require.NoError(t, x.Decode(&p))
	require.Equal(t, "^[0-9]{12}$", p.Pattern)
	require.Equal(t, "i", p.Flags)

	// columns: as a mapping is the kind's; as a list it is shared.
	y, z := cfg.Datasets[0].Checks[1], cfg.Datasets[0].Checks[2]
	require.Contains(t, y.Params, "columns")
	require.Nil(t, y.Columns)
	require.Equal(t, []string{"a", "b"}, z.Columns)
	require.NotContains(t, z.Params, "columns")
}

func TestCheckDecodeUnknownParam(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(regexCheck), nil)
	require.NoError(t, err)
	x := cfg.Datasets[0].Checks[0]
	var p struct {
		Pattern string `yaml:"pattern"`
	}
	err = x.Decode(&p)
	require.ErrorIs(t, err, ErrInvalid)
	require.Equal(t, `c.yaml:17: check x.flags: unknown key "flags" for kind regex (allowed: id, kind, dimension, column, columns, mostly, weight, nulls, null_values, examples, warn, pattern)`, err.Error())

	var typed struct {
		Pattern int    `yaml:"pattern"`
		Flags   string `yaml:"flags"`
	}
	err = x.Decode(&typed)
	require.ErrorIs(t, err, ErrInvalid)
	// yaml.v3 heads its type errors with a line of its own.
	require.Regexp(t, "^c.yaml:9: check x: (.|\n)*line 16: cannot unmarshal !!str `\\^\\[0-9\\]\\{...` into int$", err.Error())
}

// A check's errors point at the parameter (or warn key) they are about,
// else at the check.
func TestCheckErrorf(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(regexCheck), nil)
	require.NoError(t, err)
	x := cfg.Datasets[0].Checks[0]
	require.Equal(t, "c.yaml:16: check x.pattern: bad", x.Errorf("pattern", "bad").Error())
	require.Equal(t, "c.yaml:15: check x.mostly: too lax", x.Errorf("mostly", "too lax").Error())
	require.Equal(t, "c.yaml:9: check x.column: no such column", x.Errorf("column", "no such column").Error())
	require.Equal(t, "c.yaml:9: check x: wrong", x.Errorf("", "wrong").Error())
}

func TestCheckShapeErrors(t *testing.T) {
	for _, tc := range []struct{ name, check, want string }{
		{"a list", "[not_null]", "c.yaml:4: a check must be a mapping like {id: x, kind: not_null, column: y}, got a list"},
		{"warn not a mapping", "{id: x, kind: regex, warn: 0.9}", "c.yaml:4: warn must be a mapping of stricter thresholds, e.g. warn: {mostly: 0.999}"},
		{"param twice", "{id: x, kind: regex, pattern: a, pattern: b}", `c.yaml:4: key "pattern" given twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse("c.yaml", []byte("ministries: [{id: MPS}]\nsources: {db: {kind: postgres}}\ndatasets:\n  - {id: a, checks: ["+tc.check+"]}\n"), nil)
			require.NotNil(t, cfg, "the rest of the file is decoded, to be validated in the same pass")
			require.ErrorIs(t, err, ErrInvalid)
			require.Equal(t, tc.want, strings.Split(err.Error(), "\n")[0])
		})
	}
}
