package config

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/viper"
	"gopkg.in/yaml.v3"
)

// Load reads, expands and strictly decodes a config file, applies
// environment (DQ_*) and flag overrides from v (may be nil), fills defaults
// and validates the sections config owns. Every problem found is returned
// at once as Errors. A file that decoded but did not validate is returned
// too, beside its Errors, so that the packages owning the rest of it
// (pipeline.Prepare) can add their problems to the list; the config is nil
// only when the file could not be read or is not the shape of a config.
func Load(path string, v *viper.Viper) (*Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{Loc: Location{File: path}, Msg: fmt.Sprintf("cannot read config: %v", err)}
	}
	return Parse(path, raw, v)
}

// Parse is Load on bytes already read; path is used in messages, and
// its folder is what relative paths in raw are relative to.
func Parse(path string, raw []byte, v *viper.Viper) (*Config, error) {
	cfg, unset, errs, err := decode(path, raw)
	if err != nil {
		return nil, err
	}
	cfg.resolvePaths()
	errs = append(errs, applyOverrides(cfg, v)...)
	cfg.setDefaults()
	errs = append(errs, cfg.validate(unset)...)
	cfg.RedactErrors(errs)
	return cfg, errs.Err()
}

// decode strictly decodes raw, with ${NAME} references expanded in its
// values (expandEnv), noting where things were written; it returns the
// names referenced but unset. The digest is of the file's bytes, as
// written. Its errors never show a value taken from the environment.
// A file that is YAML but not all of the right shape (an unknown key, a
// word where a number goes) is decoded as far as it goes and returned
// with its problems, so that validation reports the rest in the same
// pass; a file that is not YAML returns only its error.
func decode(path string, raw []byte) (*Config, []string, Errors, error) {
	sum := sha256.Sum256(raw)
	marked, refs := markEnv(raw)
	var root yaml.Node
	if err := yaml.Unmarshal(marked, &root); err != nil {
		var errs Errors
		errors.As(yamlError(path, err), &errs)
		for _, e := range errs {
			e.Msg = refs.unmark(e.Msg)
			syntaxHint(e, raw)
		}
		return nil, nil, nil, notAConfig(path, raw, errs)
	}
	if len(root.Content) == 0 {
		return nil, nil, nil, &Error{Loc: Location{File: path}, Msg: "the file is empty; see configs/README.md for the shape of a config"}
	}
	env := expandEnv(&root, refs)
	cfg := &Config{File: path, Dir: filepath.Dir(path), SHA256: hex.EncodeToString(sum[:]), doc: root.Content[0], substituted: env.done}
	var errs Errors
	for _, k := range env.keys {
		errs.Add(Location{File: path, Line: k.Line}, "", "key %q: ${NAME} is replaced in values only; a key is written as it is", k.Value)
	}
	// Strict as yaml.v3's KnownFields, which only a Decoder reading text
	// has: the expanded values exist only in the tree.
	strayKeys(root.Content[0], reflect.TypeFor[Config](), "", func(k *yaml.Node, t reflect.Type, _ string) bool {
		hint := DidYouMean(k.Value, YAMLKeys(t))
		if t == reflect.TypeFor[Dataset]() && commonCheckKeys[k.Value] && hint == "" {
			// The usual slip: a check's key one indentation short.
			hint = `, a key of a check: is it indented under the check's "- " above?`
		}
		errs.Add(Location{File: path, Line: k.Line}, strings.ToLower(t.Name()),
			"unknown key %q%s (allowed: %s)", k.Value, hint, strings.Join(YAMLKeys(t), ", "))
		return true
	})
	if err := root.Decode(cfg); err != nil {
		var es Errors
		errors.As(yamlError(path, err), &es)
		env.locate(es)
		for _, e := range es {
			// After locate, which finds values by yaml.v3's quotes.
			e.Msg = friendlyType(e.Msg)
		}
		errs = append(errs, es...)
		if _, ok := err.(*yaml.TypeError); !ok {
			// Not a value of the wrong type: the file is not a config.
			slices.SortStableFunc(errs, func(a, b *Error) int { return cmp.Compare(a.Loc.Line, b.Loc.Line) })
			cfg.RedactErrors(errs)
			return nil, nil, nil, notAConfig(path, raw, errs)
		}
	}
	if cfg.doc.Kind != yaml.MappingNode {
		cfg.RedactErrors(errs)
		return nil, nil, nil, notAConfig(path, raw, errs)
	}
	annotateLines(cfg, root.Content[0])
	return cfg, env.unset, errs, nil
}

// yamlError turns yaml.v3's message into file:line errors.
func yamlError(path string, err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	var errs Errors
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var n int
		if _, e := fmt.Sscanf(line, "line %d:", &n); e == nil {
			errs.Add(Location{File: path, Line: n}, "", "%s", strings.TrimSpace(line[strings.Index(line, ":")+1:]))
			continue
		}
		errs.Add(Location{File: path}, "", "%s", line)
	}
	return errs
}

// YAMLKeys lists the yaml keys of a struct type, for "allowed:" hints.
func YAMLKeys(t reflect.Type) []string {
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		parts := strings.Split(f.Tag.Get("yaml"), ",")
		// An inlined struct's keys are the outer mapping's, as yaml.v3
		// decodes them: kinds share parameter groups (bounds) this way.
		if len(parts) > 1 && parts[1] == "inline" && f.Type.Kind() == reflect.Struct {
			keys = append(keys, YAMLKeys(f.Type)...)
			continue
		}
		if name := parts[0]; name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

// annotateLines records where sources and datasets were written; yaml.v3
// keeps lines on nodes only, and a custom unmarshaler would lose the strict
// decoding of the fields inside.
func annotateLines(cfg *Config, doc *yaml.Node) {
	for i := range cfg.Datasets {
		cfg.Datasets[i].index = i
		for j := range cfg.Datasets[i].Checks {
			cfg.Datasets[i].Checks[j].File = cfg.File
		}
	}
	if doc.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		key, val := doc.Content[i], doc.Content[i+1]
		switch key.Value {
		case "datasets":
			for j, item := range val.Content {
				if j < len(cfg.Datasets) {
					cfg.Datasets[j].File = cfg.File
					cfg.Datasets[j].Line = item.Line
				}
			}
		case "sources":
			for j := 0; j+1 < len(val.Content); j += 2 {
				name := val.Content[j].Value
				if s, ok := cfg.Sources[name]; ok {
					s.Name = name
					s.File = cfg.File
					s.Line = val.Content[j].Line
					cfg.Sources[name] = s
				}
			}
		}
	}
}

// overridable lists the settings that DQ_* variables and flags may set:
// the ones an operator changes per environment, never the checks.
var overridable = []string{
	"output.dir", "history.dir", "engine.memory_limit", "engine.threads", "engine.temp_dir",
	"engine.workers", "timezone", "examples.limit", "examples.show_pii",
}

// overrideVar is the DQ_* variable that overrides key.
func overrideVar(key string) string {
	return "DQ_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// NewViper returns a viper that reads DQ_* variables for the overridable
// settings (DQ_OUTPUT_DIR, DQ_ENGINE_MEMORY_LIMIT, ...). Commands bind
// their flags to it, so a flag wins over the environment, which wins over
// the file.
func NewViper() *viper.Viper {
	v := viper.New()
	v.SetEnvPrefix("DQ")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	for _, k := range overridable {
		_ = v.BindEnv(k)
	}
	return v
}

// applyOverrides sets what v overrides; a value it cannot use leaves the
// file's and is reported with the config's other problems.
func applyOverrides(cfg *Config, v *viper.Viper) Errors {
	if v == nil {
		return nil
	}
	var errs Errors
	loc := Location{File: cfg.File}
	cfg.overridden = map[string]bool{}
	for _, k := range overridable {
		if !v.IsSet(k) {
			continue
		}
		cfg.overridden[k] = true
		s := v.GetString(k)
		switch k {
		case "output.dir":
			cfg.Output.Dir = s
		case "history.dir":
			cfg.History.Dir = s
		case "engine.memory_limit":
			cfg.Engine.MemoryLimit = s
		case "engine.temp_dir":
			cfg.Engine.TempDir = s
		case "timezone":
			cfg.Timezone = s
		case "engine.threads", "engine.workers", "examples.limit":
			var n int
			if _, err := fmt.Sscan(s, &n); err != nil {
				errs.Add(loc, k, "override %q is not a whole number", s)
				continue
			}
			switch k {
			case "engine.threads":
				cfg.Engine.Threads = n
			case "engine.workers":
				cfg.Engine.Workers = n
			default:
				cfg.Examples.Limit = n
			}
		case "examples.show_pii":
			// Not viper's GetBool, which reads anything else as false.
			b, err := strconv.ParseBool(s)
			if err != nil {
				errs.Add(loc, k, "override %q is not true or false", s)
				continue
			}
			cfg.Examples.ShowPII = b
		}
	}
	return errs
}

// DefaultDimensions are the six criteria the Government names for every
// national and sectoral database: đúng, đủ, sạch, sống, thống nhất, dùng
// chung (correct, sufficient, clean, alive, unified, shared), in that
// order, Vietnamese name first.
var DefaultDimensions = []Dimension{
	{ID: "correct", Name: "Đúng", NameEN: "Correct", Weight: 1},
	{ID: "sufficient", Name: "Đủ", NameEN: "Sufficient", Weight: 1},
	{ID: "clean", Name: "Sạch", NameEN: "Clean", Weight: 1},
	{ID: "alive", Name: "Sống", NameEN: "Alive", Weight: 1},
	{ID: "unified", Name: "Thống nhất", NameEN: "Unified", Weight: 1},
	{ID: "shared", Name: "Dùng chung", NameEN: "Shared", Weight: 1},
}

// Example limits: the default, and the hard cap no config can lift, so a
// scorecard never turns into an extract.
const (
	DefaultExampleLimit = 5
	MaxExampleLimit     = 20
)

func (c *Config) setDefaults() {
	if c.Output.Dir == "" {
		c.Output.Dir = "out/scorecards"
	}
	if c.History.Dir == "" {
		c.History.Dir = filepath.Join(c.Output.Dir, "history")
	}
	if c.History.Series <= 0 {
		c.History.Series = 10
	}
	if c.Engine.Workers == 0 {
		c.Engine.Workers = min(4, runtime.NumCPU())
	}
	if len(c.Dimensions) == 0 {
		c.Dimensions = append([]Dimension(nil), DefaultDimensions...)
	}
	for i := range c.Dimensions {
		if c.Dimensions[i].Weight == 0 {
			c.Dimensions[i].Weight = 1
		}
		if c.Dimensions[i].Name == "" {
			c.Dimensions[i].Name = c.Dimensions[i].ID
		}
		if c.Dimensions[i].NameEN == "" {
			c.Dimensions[i].NameEN = c.Dimensions[i].Name
		}
	}
	if c.Bands.Green == 0 && c.Bands.Yellow == 0 {
		c.Bands = Bands{Green: 90, Yellow: 75}
	}
	switch {
	case c.Examples.Limit == 0:
		c.Examples.Limit = DefaultExampleLimit
	case c.Examples.Limit > MaxExampleLimit:
		c.Examples.Limit = MaxExampleLimit
	case c.Examples.Limit < 0:
		// Off, whichever negative value was written: one value for it.
		c.Examples.Limit = -1
	}
	for i := range c.Ministries {
		if c.Ministries[i].Weight == 0 {
			c.Ministries[i].Weight = 1
		}
	}
	for i := range c.Datasets {
		ds := &c.Datasets[i]
		if ds.Weight == 0 {
			ds.Weight = 1
		}
		if ds.Sample == nil {
			ds.Sample = &Sample{Method: "full"}
		}
		if ds.Sample.Method == "" {
			ds.Sample.Method = "hash"
		}
		for j := range ds.Checks {
			if ds.Checks[j].Weight == 0 {
				ds.Checks[j].Weight = 1
			}
			if ds.Checks[j].Nulls == "" {
				ds.Checks[j].Nulls = "ignore"
			}
		}
	}
	if c.Demo != nil {
		if c.Demo.Rows == 0 {
			c.Demo.Rows = 20000
		}
		if c.Demo.Seed == 0 {
			c.Demo.Seed = 1
		}
	}
}
