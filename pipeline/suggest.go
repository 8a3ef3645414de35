package pipeline

import (
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/profile"
)

// WriteProfiles prints profiles as a table (dq profile).
func WriteProfiles(w io.Writer, ps []*profile.Profile) { profile.WriteTable(w, ps) }

// WriteProfilesJSON prints profiles as JSON (dq profile --format json).
func WriteProfilesJSON(w io.Writer, ps []*profile.Profile) error { return profile.WriteJSON(w, ps) }

// Suggest writes a config for the profiled ad hoc run a: its source, and
// per dataset the checks profile.Suggest proposes, each after a comment
// saying why. dq validate accepts it and dq run runs it. No secret is
// written: a database's address becomes ${DQ_SOURCE_DSN}, with the
// address (without its password) in a comment.
func Suggest(p *Prepared, profiles []*profile.Profile, a AdHoc) (string, error) {
	cfg := p.Config
	var b strings.Builder
	now := time.Now()
	shown := a.Source
	if strings.Contains(shown, "://") {
		shown = config.RedactURL(shown) // never a password or a user
	}
	fmt.Fprintf(&b, "# Suggested by dq profile %s on %s. Each check says why it\n# was", strings.TrimSpace(shown+" "+a.Object), now.Format("2006-01-02"))
	b.WriteString(" suggested: its threshold is what the data met then. Edit what the data\n")
	b.WriteString("# must meet, then: dq validate --config THIS_FILE; dq run --config THIS_FILE\n")
	b.WriteString("# (or dq check SOURCE --checks THIS_FILE). Relative paths here are relative\n")
	b.WriteString("# to this file's folder.\n")
	b.WriteString("ministries:\n  - {id: " + adHocMinistry + ", name: ad hoc}   # the ministry that owns the dataset\n")
	b.WriteString("history: {off: true}   # remove to keep every run's results, for trends\n")
	b.WriteString("sources:\n")
	for _, name := range slices.Sorted(maps.Keys(cfg.Sources)) {
		line, comment, err := sourceLine(a, cfg.Sources[name])
		if err != nil {
			return "", err
		}
		if comment != "" {
			fmt.Fprintf(&b, "  # %s\n", comment)
		}
		fmt.Fprintf(&b, "  %s: %s\n", name, line)
	}
	b.WriteString("datasets:\n")
	for i, prof := range profiles {
		ds := &cfg.Datasets[i]
		if prof.Error != "" {
			return "", fmt.Errorf("dataset %s was not profiled: %s", ds.ID, prof.Error)
		}
		loc, err := cfg.DatasetTimezone(ds)
		if err != nil {
			return "", err
		}
		s := profile.Suggest(prof, ds.Key, now.In(loc))
		fmt.Fprintf(&b, "  - id: %s\n    ministry: %s\n    source: %s\n", yamlText(ds.ID), adHocMinistry, yamlText(ds.Source))
		if err := readKeys(&b, cfg.Sources[ds.Source], ds); err != nil {
			return "", err
		}
		if s.Key != "" {
			fmt.Fprintf(&b, "    key: %s   # examples and masking (and hash samples) go by it\n", yamlText(s.Key))
		}
		switch sm := ds.Sample; sm.Method {
		case "hash":
			fmt.Fprintf(&b, "    sample: {method: hash, fraction: %v}\n", sm.Fraction)
		case "rows":
			fmt.Fprintf(&b, "    sample: {method: rows, rows: %d, seed: %d}\n", sm.Rows, sm.Seed)
		}
		if len(s.Mask) > 0 {
			var parts []string
			for _, col := range slices.Sorted(maps.Keys(s.Mask)) {
				parts = append(parts, yamlText(col)+": "+string(s.Mask[col]))
			}
			fmt.Fprintf(&b, "    # personal columns, masked in examples: as the profile found them\n    mask: {%s}\n", strings.Join(parts, ", "))
		}
		b.WriteString("    checks:\n")
		for _, c := range s.Checks {
			fmt.Fprintf(&b, "      # %s\n", c.Why)
			if c.Check != "" {
				fmt.Fprintf(&b, "      - %s\n", c.Check)
			}
		}
	}
	return b.String(), nil
}

// sourceLine is the source as the suggested config writes it.
func sourceLine(a AdHoc, src config.Source) (line, comment string, err error) {
	switch src.Kind {
	case "file":
		var s struct {
			Root string `yaml:"root"`
			Mode string `yaml:"mode"`
		}
		if src.Settings != nil {
			if err := src.Settings.Decode(&s); err != nil {
				return "", "", err
			}
		}
		if s.Root == "" {
			return "{kind: file}", "", nil
		}
		root, err := filepath.Abs(src.Path(s.Root))
		if err != nil {
			return "", "", err
		}
		return "{kind: file, root: " + yamlText(root) + "}", "", nil
	case "postgres", "mysql":
		env, hint := addressVariable(a, src, "dsn", a.Source)
		return "{kind: " + src.Kind + ", dsn: \"${" + env + "}\"}", hint, nil
	case "clickhouse":
		var s struct {
			URL      string `yaml:"url"`
			Database string `yaml:"database"`
		}
		if src.Settings != nil {
			_ = src.Settings.Decode(&s)
		}
		env, hint := addressVariable(a, src, "url", s.URL)
		db := ""
		if s.Database != "" {
			db = ", database: " + yamlText(s.Database)
		}
		return "{kind: clickhouse, url: \"${" + env + "}\"" + db + "}", hint, nil
	case "http":
		var s struct {
			HTTP struct {
				BaseURL string `yaml:"base_url"`
			} `yaml:"http"`
		}
		if src.Settings != nil {
			_ = src.Settings.Decode(&s)
		}
		return "{kind: http, http: {base_url: " + yamlText(config.RedactURL(s.HTTP.BaseURL)) + "}}", "", nil
	}
	return "{kind: " + src.Kind + "}", "", nil
}

// addressVariable names the variable a database source's address (its
// key, dsn or url) is read from in a suggested config, and the line that
// says what to export: the address without its password, or where the
// config given has it.
func addressVariable(a AdHoc, src config.Source, key, address string) (env, hint string) {
	env = "DQ_" + strings.ToUpper(unsafeName.ReplaceAllString(src.Name, "_")) + "_" + strings.ToUpper(key)
	shown := "the " + key + " of source " + src.Name
	if a.Base == nil {
		shown = config.RedactURL(address)
	} else {
		shown += " in " + a.Base.File
	}
	return env, "export " + env + "=" + shown + " (with its password)"
}

// readKeys writes what the dataset reads: a file's path absolute unless
// under a root (the config may be saved anywhere), a table, an API path.
func readKeys(b *strings.Builder, src config.Source, ds *config.Dataset) error {
	if ds.Path != "" {
		path := ds.Path
		var s struct {
			Root string `yaml:"root"`
		}
		if src.Settings != nil {
			_ = src.Settings.Decode(&s)
		}
		if s.Root == "" && !filepath.IsAbs(path) {
			abs, err := filepath.Abs(src.Path(path))
			if err != nil {
				return err
			}
			path = abs
		}
		fmt.Fprintf(b, "    path: %s\n", yamlText(path))
	}
	if ds.Format != "" {
		fmt.Fprintf(b, "    format: %s\n", yamlText(ds.Format))
	}
	if ds.Table != "" {
		fmt.Fprintf(b, "    table: %s\n", yamlText(ds.Table))
	}
	if ds.HTTP.Kind != 0 {
		out, err := yaml.Marshal(flowNode(&ds.HTTP))
		if err != nil {
			return err
		}
		fmt.Fprintf(b, "    http: %s\n", strings.TrimSpace(string(out)))
	}
	return nil
}

// yamlText is s as a YAML scalar on one line.
func yamlText(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSpace(string(out))
}

func flowNode(n *yaml.Node) *yaml.Node {
	c := *n
	c.Style = yaml.FlowStyle
	for i, ch := range c.Content {
		c.Content[i] = flowNode(ch)
	}
	return &c
}
