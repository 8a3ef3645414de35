package pipeline

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/viper"
	"gopkg.in/yaml.v3"

	"github.com/vn-registries/dq/config"
)

// AdHoc is a run without a config file, as a steward asks for one (dq
// check, dq profile, dq run --contract): a source, what to read in it,
// and the checks. It is turned into a one-source config in code and
// prepared like any config, so every rule and message of a config holds.
type AdHoc struct {
	// Source is a file path or glob (or a folder, with Object a path in
	// it), a postgres://, mysql:// (mariadb://) or clickhouse:// URL, an http(s):// URL
	// of a JSON API, or the name of a source of Base.
	Source string
	// Object is what to read in the source: a table of a database, a
	// path under a folder or a named file source, an API path.
	Object string
	// Base is a config (--config) whose sources, engine, time zone,
	// missing tokens and reference lists the run uses; nil without.
	Base *config.Config
	// Checks are check specs (parseCheckSpec).
	Checks []string
	// Block is a dataset block in YAML (--checks FILE, an imported
	// contract): a dataset mapping, a list of checks, or a config whose
	// datasets: are taken; BlockFile names it in messages. Several
	// datasets run as several datasets of the source.
	Block     []byte
	BlockFile string
	// Key is the identifier column: examples and masking, hash samples.
	Key string
	// Sample is "" (the block's, else every row), a share ("5%", a hash
	// sample on the key) or a number of rows ("100000"); Full reads
	// every row whatever the block says.
	Sample string
	Full   bool
	// NoChecks lets a dataset have no check (dq profile).
	NoChecks bool

	// lines are where the generated config's lines were written.
	lines origins
}

// The ad hoc config's one ministry: a scorecard needs one.
const adHocMinistry = "LOCAL"

// PrepareAdHoc builds the config of an ad hoc run and prepares it. Its
// problems are config.Errors located where the steward wrote them: a
// --check spec, a line of the block's file.
func PrepareAdHoc(a AdHoc, v *viper.Viper, log *slog.Logger) (*Prepared, error) {
	cfg, err := a.Config(v)
	if err != nil {
		return nil, err
	}
	p, err := Prepare(cfg, log)
	if err != nil {
		return nil, a.relocate(cfg, err)
	}
	return p, nil
}

// Config is the ad hoc run's config, validated by config as a file
// would be.
func (a *AdHoc) Config(v *viper.Viper) (*config.Config, error) {
	name, src, where, err := a.source()
	if err != nil {
		return nil, err
	}
	datasets, err := a.datasets()
	if err != nil {
		return nil, err
	}
	specs := map[*yaml.Node]string{}
	for _, s := range a.Checks {
		n, err := parseCheckSpec(s)
		if err != nil {
			return nil, &config.Error{Loc: config.Location{File: "--check " + strconv.Quote(s)}, Msg: err.Error()}
		}
		specs[n] = s
		if len(datasets) > 1 {
			return nil, fmt.Errorf("--check adds to one dataset; %s has %d", a.BlockFile, len(datasets))
		}
		checks := mapValue(datasets[0], "checks")
		if checks == nil || checks.Kind != yaml.SequenceNode {
			checks = &yaml.Node{Kind: yaml.SequenceNode}
			setKey(datasets[0], "checks", checks)
		}
		if id := mapValue(n, "id"); !hasArg(s, "id") {
			// Two checks of a kind on a column (two patterns) need two ids.
			taken := map[string]bool{}
			for _, c := range checks.Content {
				if v := mapValue(c, "id"); v != nil {
					taken[v.Value] = true
				}
			}
			for i, base := 2, id.Value; taken[id.Value]; i++ {
				id.Value = base + "_" + strconv.Itoa(i)
			}
		}
		checks.Content = append(checks.Content, n)
	}
	for i, ds := range datasets {
		if mapValue(ds, "id") == nil {
			id := a.datasetID()
			if len(datasets) > 1 {
				id += "_" + strconv.Itoa(i+1)
			}
			setKey(ds, "id", str(id))
		}
		setKey(ds, "ministry", str(adHocMinistry))
		setKey(ds, "source", str(name))
		for _, kv := range where {
			if kv[1] != nil && (len(datasets) == 1 || mapValue(ds, kv[0].Value) == nil) {
				setKey(ds, kv[0].Value, kv[1])
			}
		}
		if a.Key != "" {
			setKey(ds, "key", str(a.Key))
		}
		if s, err := a.sample(); err != nil {
			return nil, err
		} else if s != nil {
			setKey(ds, "sample", s)
		}
	}
	doc := mapping(
		"history", mapping("off", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"}),
		"ministries", seq(flow(mapping("id", str(adHocMinistry), "name", str("ad hoc")))),
		"sources", mapping(name, src),
		"datasets", seq(datasets...),
	)
	text, err := yaml.Marshal(doc)
	if err != nil {
		return nil, err
	}
	a.mapLines(doc, text, specs)
	cfg, err := config.Parse("", text, v)
	if err != nil && (cfg == nil || !a.NoChecks || !onlyNoChecks(err)) {
		return nil, a.relocate(cfg, err)
	}
	if a.Base != nil {
		a.inherit(cfg, name)
	}
	return cfg, nil
}

// source is the ad hoc source: its name, its mapping under sources:,
// and what its datasets read (path:, table:, http:).
func (a AdHoc) source() (string, *yaml.Node, [][2]*yaml.Node, error) {
	at := func(key string, v *yaml.Node) [][2]*yaml.Node { return [][2]*yaml.Node{{str(key), v}} }
	needObject := func(kind, what string) error {
		return fmt.Errorf("%s is a %s source: name the %s to read after it, e.g. dq check %s citizens", a.Source, kind, what, a.Source)
	}
	var object *yaml.Node
	if a.Object != "" {
		object = str(a.Object)
	}
	if a.Base != nil {
		if src, ok := a.Base.Sources[a.Source]; ok {
			// A stand-in of the same kind: the config's own source replaces
			// it once parsed (inherit).
			stand := mapping("kind", str(src.Kind))
			if a.Object == "" && len(a.Block) == 0 {
				return "", nil, nil, needObject(src.Kind, "table or path")
			}
			switch src.Kind {
			case "file":
				return a.Source, stand, at("path", object), nil
			case "http":
				if object == nil {
					return a.Source, stand, nil, nil
				}
				return a.Source, stand, at("http", mapping("path", object)), nil
			}
			return a.Source, stand, at("table", object), nil
		}
	}
	u, err := url.Parse(a.Source)
	scheme := ""
	if err == nil && strings.Contains(a.Source, "://") {
		scheme = strings.ToLower(u.Scheme)
	}
	switch scheme {
	case "postgres", "postgresql", "mysql", "mariadb":
		kind := "postgres"
		if scheme == "mysql" || scheme == "mariadb" {
			kind = "mysql"
		}
		if a.Object == "" && len(a.Block) == 0 {
			return "", nil, nil, needObject(kind, "table")
		}
		return kind, mapping("kind", str(kind), "dsn", str(a.Source)), at("table", object), nil
	case "clickhouse":
		if a.Object == "" && len(a.Block) == 0 {
			return "", nil, nil, needObject("clickhouse", "table")
		}
		src, err := clickhouseSource(a.Source)
		if err != nil {
			return "", nil, nil, err
		}
		return "clickhouse", src, at("table", object), nil
	case "http", "https":
		base := &url.URL{Scheme: u.Scheme, Host: u.Host, User: u.User}
		h := mapping("path", str(u.EscapedPath()))
		if q := u.Query(); len(q) > 0 {
			params := mapping()
			for _, k := range slices.Sorted(maps.Keys(q)) {
				setKey(params, k, str(q.Get(k)))
			}
			setKey(h, "params", params)
		}
		return "api", mapping("kind", str("http"), "http", mapping("base_url", str(base.String()))), at("http", h), nil
	case "":
	default:
		return "", nil, nil, fmt.Errorf("%s: unknown scheme %s:// (postgres://, mysql://, mariadb://, clickhouse://, http://, https://, or a file path)", config.RedactURL(a.Source), scheme)
	}
	if st, err := os.Stat(a.Source); err == nil && st.IsDir() {
		if a.Object == "" {
			return "", nil, nil, fmt.Errorf("%s is a folder: name the file or glob to read in it, e.g. dq check %s '*.csv'", a.Source, a.Source)
		}
		return "files", mapping("kind", str("file"), "root", str(a.Source)), at("path", object), nil
	} else if err != nil && !strings.ContainsAny(a.Source, "*?[") {
		msg := fmt.Sprintf("%s: no such file, and not a postgres://, mysql://, clickhouse:// or https:// URL", a.Source)
		if a.Base != nil {
			msg += fmt.Sprintf(", nor a source of %s (%s)", a.Base.File, strings.Join(slices.Sorted(maps.Keys(a.Base.Sources)), ", "))
		}
		if abs, aerr := filepath.Abs(a.Source); aerr == nil && abs != a.Source {
			msg += "; looked for " + abs
		}
		return "", nil, nil, errors.New(msg)
	}
	if a.Object != "" {
		return "", nil, nil, fmt.Errorf("%s is a file; a table or path after it is for a database, a folder or a source of --config", a.Source)
	}
	return "files", mapping("kind", str("file")), at("path", str(a.Source)), nil
}

// clickhouseSource is the source of a
// clickhouse://[user[:password]@]host:port[,host:port...][/database] URL,
// the form dq demo load takes: read through the first server's HTTP
// interface, as any server of a cluster holds its Distributed table.
func clickhouseSource(raw string) (*yaml.Node, error) {
	rest := raw[len("clickhouse://"):]
	hosts, db, _ := strings.Cut(rest, "/")
	db, _, _ = strings.Cut(db, "?")
	var user string
	if at := strings.LastIndex(hosts, "@"); at >= 0 {
		user, hosts = hosts[:at+1], hosts[at+1:]
	}
	host, _, _ := strings.Cut(hosts, ",")
	if host == "" {
		return nil, fmt.Errorf("%s: want clickhouse://[user[:password]@]host:port[/database], the server's HTTP interface (8123 by default)", config.RedactURL(raw))
	}
	src := mapping("kind", str("clickhouse"), "url", str("http://"+user+host))
	if db != "" {
		setKey(src, "database", str(db))
	}
	return src, nil
}

// datasetID names the dataset after what is read: the file without its
// extensions, the table, the API path's last part.
func (a AdHoc) datasetID() string {
	name := a.Object
	if name != "" && a.database() {
		// schema.table: the table.
		name = name[strings.LastIndex(name, ".")+1:]
	}
	if name == "" {
		name = a.Source
		if u, err := url.Parse(a.Source); err == nil && u.Scheme != "" && strings.Contains(a.Source, "://") {
			name = path.Base(u.Path)
		}
	}
	name = filepath.Base(name)
	for ext := filepath.Ext(name); ext != "" && ext != name; ext = filepath.Ext(name) {
		name = strings.TrimSuffix(name, ext)
	}
	if id := strings.Trim(unsafeName.ReplaceAllString(name, "_"), "_"); id != "" {
		return id
	}
	return "data"
}

// database reports whether the source is a database, whose Object is a
// table (with dots for its schema, not for an extension).
func (a AdHoc) database() bool {
	if a.Base != nil {
		if src, ok := a.Base.Sources[a.Source]; ok {
			return src.Kind == "postgres" || src.Kind == "mysql" || src.Kind == "clickhouse"
		}
	}
	for _, s := range []string{"postgres://", "postgresql://", "mysql://", "mariadb://", "clickhouse://"} {
		if strings.HasPrefix(strings.ToLower(a.Source), s) {
			return true
		}
	}
	return false
}

// datasets are the block's dataset mappings, or one empty one.
func (a AdHoc) datasets() ([]*yaml.Node, error) {
	if len(a.Block) == 0 {
		return []*yaml.Node{mapping()}, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(a.Block, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", a.BlockFile, err)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s is empty", a.BlockFile)
	}
	top := doc.Content[0]
	switch {
	case top.Kind == yaml.SequenceNode:
		return []*yaml.Node{mapping("checks", top)}, nil
	case top.Kind == yaml.MappingNode && mapValue(top, "datasets") != nil:
		list := mapValue(top, "datasets")
		if list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
			return nil, fmt.Errorf("%s:%d: datasets: must be a list of datasets", a.BlockFile, list.Line)
		}
		return list.Content, nil
	case top.Kind == yaml.MappingNode:
		return []*yaml.Node{top}, nil
	}
	return nil, fmt.Errorf("%s: expected a dataset (with checks:), a list of checks, or a config with datasets:", a.BlockFile)
}

// sample is the sample: the flags ask for, nil to keep the block's.
func (a AdHoc) sample() (*yaml.Node, error) {
	switch {
	case a.Full:
		return flow(mapping("method", str("full"))), nil
	case a.Sample == "":
		return nil, nil
	case strings.HasSuffix(a.Sample, "%"):
		pct, err := strconv.ParseFloat(strings.TrimSuffix(a.Sample, "%"), 64)
		if err != nil || !(pct > 0 && pct <= 100) {
			return nil, fmt.Errorf("--sample %s: a share is a percentage in (0, 100], e.g. 5%%", a.Sample)
		}
		frac := strconv.FormatFloat(pct/100, 'g', -1, 64)
		return flow(mapping("method", str("hash"), "fraction", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: frac})), nil
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(a.Sample, "_", ""), 10, 64)
	if err != nil || n <= 0 {
		return nil, fmt.Errorf("--sample %s: give a share (5%%) or a number of rows (100000)", a.Sample)
	}
	return flow(mapping("method", str("rows"), "rows", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(n, 10)}, "seed", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "1"})), nil
}

// inherit gives the ad hoc config the settings of the --config it names
// a source of: the source itself, the engine, time zone, missing tokens,
// examples and reference lists, criteria.
func (a AdHoc) inherit(cfg *config.Config, source string) {
	b := a.Base
	cfg.Sources[source] = b.Sources[source]
	cfg.Engine, cfg.Timezone, cfg.NullValues, cfg.Examples = b.Engine, b.Timezone, b.NullValues, b.Examples
	cfg.References, cfg.Dimensions, cfg.KindDims = b.References, b.Dimensions, b.KindDims
}

// onlyNoChecks reports whether err says nothing but that a dataset has
// no checks.
func onlyNoChecks(err error) bool {
	var es config.Errors
	if !errors.As(err, &es) {
		return false
	}
	for _, e := range es {
		if !strings.HasSuffix(e.Field, ".checks") || !strings.Contains(e.Msg, "no checks") {
			return false
		}
	}
	return true
}

// origins maps a line of the generated config to where the steward wrote
// it: a --check spec, or a line of the block's file; set by mapLines.
type origins map[int]config.Location

// mapLines records, for text (doc as YAML), where each of its lines came
// from: doc and the tree read back from text have the same shape, and
// doc's nodes from the block keep their lines in its file.
func (a *AdHoc) mapLines(doc *yaml.Node, text []byte, specs map[*yaml.Node]string) {
	var back yaml.Node
	if yaml.Unmarshal(text, &back) != nil || len(back.Content) == 0 {
		return
	}
	o := origins{}
	var walk func(orig, read *yaml.Node, spec string)
	walk = func(orig, read *yaml.Node, spec string) {
		if s, ok := specs[orig]; ok {
			spec = s
		}
		switch {
		case spec != "":
			o[read.Line] = config.Location{File: "--check " + strconv.Quote(spec)}
		case orig.Line > 0:
			o[read.Line] = config.Location{File: a.BlockFile, Line: orig.Line}
		}
		for i := 0; i < len(orig.Content) && i < len(read.Content); i++ {
			walk(orig.Content[i], read.Content[i], spec)
		}
	}
	walk(doc, back.Content[0], "")
	a.lines = o
}

// relocate puts the problems of the generated config where the steward
// wrote them; a line of neither (a setting made from a flag) has no
// location.
func (a *AdHoc) relocate(cfg *config.Config, err error) error {
	var es config.Errors
	if !errors.As(err, &es) {
		return err
	}
	for _, e := range es {
		if e.Loc.File != "" && e.Loc.File != "." {
			continue // a source of --config: already located in its file
		}
		e.Loc = a.lines[e.Loc.Line]
	}
	return es
}

func mapping(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		n.Content = append(n.Content, str(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return n
}

func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Content: items}
}

func flow(n *yaml.Node) *yaml.Node {
	n.Style = yaml.FlowStyle
	return n
}

// mapValue is the value of key k in the mapping n, or nil.
func mapValue(n *yaml.Node, k string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == k {
			return n.Content[i+1]
		}
	}
	return nil
}

// setKey sets k in the mapping n, in place when it is there.
func setKey(n *yaml.Node, k string, v *yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == k {
			n.Content[i+1] = v
			return
		}
	}
	n.Content = append(n.Content, str(k), v)
}
