package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/vn-registries/dq/atomicfile"
	"github.com/vn-registries/dq/checks"
	"github.com/vn-registries/dq/engine"
	"github.com/vn-registries/dq/scorecard"
	"github.com/vn-registries/dq/watermark"
)

// Shard is one part of a run spread over several processes (DESIGN
// "Beyond one machine"): dq run --shard I/N checks part I of N of the
// datasets and writes its results as a part; dq merge publishes the run
// once every part is in. The scheduler (cron, Kubernetes Indexed Jobs)
// starts the processes; dq has no coordinator of its own.
type Shard struct {
	Index, Count int // 1 <= Index <= Count
}

// ParseShard reads "I/N".
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return Shard{}, fmt.Errorf("--shard must be I/N with 1 <= I <= N, such as 2/4; got %q", s)
	}
	return Shard{Index: i, Count: n}, nil
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// CheckRunID refuses a run id that could not name a folder safely (the
// one rule, scorecard.CheckRunID); the scheduler gives every shard of a
// run the same one.
func CheckRunID(id string) error { return scorecard.CheckRunID(id) }

// ShardDatasets lists, in config order, the datasets of shard s. Datasets
// joined by a cross-registry check always share a shard, since the join
// runs in one engine; the groups so formed are dealt out in config order,
// each to the shard with the fewest datasets so far. Every process of the
// run computes the same split from the same config.
func (p *Prepared) ShardDatasets(s Shard) []string {
	ds := p.Config.Datasets
	index := map[string]int{}
	for i := range ds {
		index[ds[i].ID] = i
	}
	parent := make([]int, len(ds))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	union := func(a, b int) {
		ra, rb := find(a), find(b)
		if ra > rb {
			ra, rb = rb, ra
		}
		parent[rb] = ra // the root is the group's first dataset
	}
	for i := range ds {
		for _, b := range p.Checks[ds[i].ID] {
			if dep, ok := b.Check.(checks.Dependent); ok {
				for _, other := range dep.Datasets() {
					if j, ok := index[other]; ok {
						union(i, j)
					}
				}
			}
		}
	}
	members := map[int][]int{}
	var roots []int
	for i := range ds {
		r := find(i)
		if _, seen := members[r]; !seen {
			roots = append(roots, r)
		}
		members[r] = append(members[r], i)
	}
	load := make([]int, s.Count)
	var mine []int
	for _, r := range roots {
		best := 0
		for k := 1; k < s.Count; k++ {
			if load[k] < load[best] {
				best = k
			}
		}
		load[best] += len(members[r])
		if best == s.Index-1 {
			mine = append(mine, members[r]...)
		}
	}
	sort.Ints(mine)
	out := make([]string, len(mine))
	for k, i := range mine {
		out[k] = ds[i].ID
	}
	return out
}

// ShardRun is what one shard of a run did.
type ShardRun struct {
	Outcome  *Outcome // its own datasets' results
	Datasets []string // their ids, in config order
	Part     string   // the part file it left for the merge
}

// RunShard checks shard s's datasets and leaves their results as a part
// for Merge. Every shard of a run needs the run id the scheduler gave.
func RunShard(ctx context.Context, p *Prepared, s Shard, o Options) (*ShardRun, error) {
	if o.RunID == "" {
		return nil, errors.New("a shard needs the run's id: every shard of a run must write under the same one")
	}
	ids := p.ShardDatasets(s)
	out, err := Run(ctx, p.Only(ids), o)
	if err != nil {
		return nil, err
	}
	path, err := WritePart(p.Config.Output.Dir, s, out)
	if err != nil {
		return nil, fmt.Errorf("write the shard's part: %w", err)
	}
	return &ShardRun{Outcome: out, Datasets: ids, Part: path}, nil
}

// Only is p restricted to the given datasets (the connectors are shared).
func (p *Prepared) Only(ids []string) *Prepared {
	keep := map[string]bool{}
	for _, id := range ids {
		keep[id] = true
	}
	cfg := *p.Config
	cfg.Datasets = nil
	for _, d := range p.Config.Datasets {
		if keep[d.ID] {
			cfg.Datasets = append(cfg.Datasets, d)
		}
	}
	return &Prepared{Config: &cfg, Checks: p.Checks, Connectors: p.Connectors}
}

// Part is what one shard of a run leaves for the merge.
type Part struct {
	Shard      Shard                         `json:"shard"`
	Run        scorecard.Run                 `json:"run"`
	Datasets   map[string]*scorecard.Dataset `json:"datasets"`
	Watermarks watermark.Marks               `json:"watermarks,omitempty"`
}

// partsDir holds a run's parts until the merge publishes it.
func partsDir(outputDir, runID string) string {
	return filepath.Join(outputDir, "parts", runID)
}

func partFile(outputDir, runID string, s Shard) string {
	return filepath.Join(partsDir(outputDir, runID), fmt.Sprintf("shard-%d-of-%d.json", s.Index, s.Count))
}

// WritePart saves a shard's results atomically: a part is whole or absent.
func WritePart(outputDir string, s Shard, out *Outcome) (string, error) {
	part := Part{Shard: s, Run: out.Run, Datasets: map[string]*scorecard.Dataset{}, Watermarks: out.Watermarks}
	for _, c := range out.Cards {
		for _, d := range c.Datasets {
			part.Datasets[d.ID] = d
		}
	}
	raw, err := json.MarshalIndent(part, "", "  ")
	if err != nil {
		return "", err
	}
	path := partFile(outputDir, out.Run.ID, s)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	return path, atomicfile.WriteFile(path, append(raw, '\n'))
}

// ErrPartsMissing is returned by Merge while some shard has not written
// its part; nothing is published, so the merge can simply be run again.
var ErrPartsMissing = errors.New("parts missing")

// Merge reads every part of a run split in count shards and assembles the
// run's scorecards as one process would have. It refuses parts written by
// another config, another split, or that do not cover every dataset.
func Merge(ctx context.Context, p *Prepared, runID string, count int) (*Outcome, error) {
	cfg := p.Config
	results := map[string]*scorecard.Dataset{}
	marks := watermark.Marks{}
	var run scorecard.Run
	var missing []string
	for i := 1; i <= count; i++ {
		s := Shard{Index: i, Count: count}
		path := partFile(cfg.Output.Dir, runID, s)
		raw, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			missing = append(missing, s.String())
			continue
		}
		if err != nil {
			return nil, err
		}
		var part Part
		if err := json.Unmarshal(raw, &part); err != nil {
			return nil, fmt.Errorf("%s: not a dq part: %v", path, err)
		}
		if part.Run.ConfigSHA256 != cfg.SHA256 {
			return nil, fmt.Errorf("%s was written with another config (sha256 %.12s…, this one %.12s…): run every shard with the same config", path, part.Run.ConfigSHA256, cfg.SHA256)
		}
		if part.Shard != s {
			return nil, fmt.Errorf("%s holds shard %s, not %s", path, part.Shard, s)
		}
		if run.ID == "" || part.Run.StartedAt.Before(run.StartedAt) {
			run.StartedAt = part.Run.StartedAt
		}
		if part.Run.FinishedAt.After(run.FinishedAt) {
			run.FinishedAt = part.Run.FinishedAt
		}
		run.ID, run.ConfigSHA256, run.ToolVersion = runID, part.Run.ConfigSHA256, part.Run.ToolVersion
		for id, d := range part.Datasets {
			results[id] = d
		}
		for id, m := range part.Watermarks {
			marks[id] = m
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: run %s has no part from shard %s yet (in %s); merge again once they finish",
			ErrPartsMissing, runID, strings.Join(missing, ", "), partsDir(cfg.Output.Dir, runID))
	}
	ordered := make([]*scorecard.Dataset, len(cfg.Datasets))
	for i, d := range cfg.Datasets {
		if ordered[i] = results[d.ID]; ordered[i] == nil {
			return nil, fmt.Errorf("run %s: no shard checked dataset %s: were the shards run with --shard I/%d?", runID, d.ID, count)
		}
	}
	out := assemble(cfg, run, ordered)
	out.Watermarks = marks
	db, err := engine.Open(ctx, engine.Options{MemoryLimit: cfg.Engine.MemoryLimit, Threads: cfg.Engine.Threads, TempDir: cfg.Engine.TempDir})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	out.history = loadHistory(ctx, cfg)
	if err := fillTrends(ctx, db, cfg, out.history, out); err != nil {
		return nil, fmt.Errorf("trends: %w", err)
	}
	return out, nil
}

// RemoveParts deletes a published run's parts.
func RemoveParts(outputDir, runID string) error {
	return os.RemoveAll(partsDir(outputDir, runID))
}
