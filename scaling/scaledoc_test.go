//go:build duckdb_arrow

package scaling_test

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/viper"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/vn-registries/dq/pipeline"
)

// block is a fenced code block of a Markdown file.
type block struct {
	lang string
	line int // of the opening fence
	text string
}

func fencedBlocks(t *testing.T, path string) []block {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []block
	var cur *block
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &block{lang: strings.TrimPrefix(line, "```"), line: n}
		case cur != nil && line == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		}
	}
	require.NoError(t, sc.Err())
	require.Nil(t, cur, "%s: a code block is not closed", path)
	return out
}

// TestScaleDocExamples reads the scheduler examples of docs/scale.md as
// Kubernetes, cron and dq read them: the manifests parse, the config in the
// ConfigMap passes dq validate, and the shards of each example are 1..N of
// the N its merge waits for, under one run id.
func TestScaleDocExamples(t *testing.T) {
	const doc = "../docs/scale.md"
	const runID = "20261130-0200" // what the driver's date -u +%Y%m%d-%H%M gives
	require.NoError(t, pipeline.CheckRunID(runID))

	var docs []map[string]any
	var crontab, driver []block
	for _, b := range fencedBlocks(t, doc) {
		switch {
		case b.lang == "yaml" && strings.Contains(b.text, "apiVersion:"):
			// What envsubst '$RUN_ID' does, and nothing else.
			text := strings.ReplaceAll(b.text, "${RUN_ID}", runID)
			dec := yaml.NewDecoder(strings.NewReader(text))
			for {
				var m map[string]any
				err := dec.Decode(&m)
				if err == io.EOF {
					break
				}
				require.NoError(t, err, "%s:%d: a Kubernetes manifest", doc, b.line)
				docs = append(docs, m)
			}
		case b.lang == "crontab":
			crontab = append(crontab, b)
		case b.lang == "sh" && strings.Contains(b.text, "kubectl"):
			driver = append(driver, b)
		}
	}
	byKind := map[string][]map[string]any{}
	for _, m := range docs {
		kind, _ := m["kind"].(string)
		byKind[kind] = append(byKind[kind], m)
	}
	require.Len(t, byKind["ConfigMap"], 1)
	require.Len(t, byKind["PersistentVolumeClaim"], 1)
	require.Len(t, byKind["Job"], 2, "the shards' Indexed Job and the merge Job")

	// The config the pods mount passes dq validate.
	cfgText, _ := get(t, byKind["ConfigMap"][0], "data", "dq.yaml").(string)
	require.NotEmpty(t, cfgText)
	cfgPath := filepath.Join(t.TempDir(), "dq.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(cfgText), 0o644))
	t.Setenv("DQ_POPULATION_DSN", "postgres://dq@db.example:5432/population")
	p, err := pipeline.PrepareFile(cfgPath, viper.New(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err, "the ConfigMap's dq.yaml")
	p.Close()
	require.True(t, strings.HasPrefix(p.Config.Output.Dir, "/data/"), "output.dir %q on the shared volume", p.Config.Output.Dir)
	claim := get(t, byKind["PersistentVolumeClaim"][0], "metadata", "name")

	var shardJob, mergeJob map[string]any
	for _, j := range byKind["Job"] {
		if obj(t, j, "spec")["completionMode"] == "Indexed" {
			shardJob = j
		} else {
			mergeJob = j
		}
	}
	require.NotNil(t, shardJob, "an Indexed Job")
	require.NotNil(t, mergeJob, "a merge Job")
	dns := regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	for _, j := range []map[string]any{shardJob, mergeJob} {
		name, _ := get(t, j, "metadata", "name").(string)
		require.Regexp(t, dns, name, "a Job's name is a DNS label")
		pod := obj(t, j, "spec", "template", "spec")
		require.Equal(t, "Never", pod["restartPolicy"], "%s: podFailurePolicy needs restartPolicy Never", name)
		require.Equal(t, []any{map[string]any{"action": "FailJob", "onExitCodes": map[string]any{"containerName": "dq", "operator": "In", "values": []any{2}}}},
			obj(t, j, "spec", "podFailurePolicy")["rules"], "%s: a config error (exit 2) fails at once", name)
		mounts := map[string]string{}
		c := pod["containers"].([]any)[0].(map[string]any)
		for _, m := range c["volumeMounts"].([]any) {
			mounts[m.(map[string]any)["name"].(string)] = m.(map[string]any)["mountPath"].(string)
		}
		vols := map[string]map[string]any{}
		for _, v := range pod["volumes"].([]any) {
			vols[v.(map[string]any)["name"].(string)] = v.(map[string]any)
		}
		require.Equal(t, "/etc/dq", mounts["config"], name)
		require.Equal(t, "dq-config", get(t, vols["config"], "configMap", "name"), name)
		require.Equal(t, "/data", mounts["data"], name)
		require.Equal(t, claim, get(t, vols["data"], "persistentVolumeClaim", "claimName"), name)
	}

	// The shards: JOB_COMPLETION_INDEX 0..N-1 becomes --shard 1/N..N/N.
	spec := obj(t, shardJob, "spec")
	n, _ := spec["completions"].(int)
	require.Positive(t, n)
	require.Equal(t, n, spec["parallelism"])
	c := obj(t, shardJob, "spec", "template", "spec")["containers"].([]any)[0].(map[string]any)
	require.Equal(t, []any{"/bin/sh", "-c"}, c["command"])
	script := c["args"].([]any)[0].(string)
	shardArg := fmt.Sprintf(`--shard "$((JOB_COMPLETION_INDEX + 1))/%d"`, n)
	require.Contains(t, script, shardArg)
	require.Contains(t, script, `--run-id "$RUN_ID"`)
	require.Contains(t, script, "--config /etc/dq/dq.yaml")
	require.Contains(t, c["env"], map[string]any{"name": "RUN_ID", "value": runID})
	for i := range n {
		s, err := pipeline.ParseShard(fmt.Sprintf("%d/%d", i+1, n))
		require.NoError(t, err, "index %d", i)
		require.Equal(t, fmt.Sprintf("%d/%d", i+1, n), s.String())
	}
	// The merge waits for the same N under the same run id.
	mc := obj(t, mergeJob, "spec", "template", "spec")["containers"].([]any)[0].(map[string]any)
	margs := strings.Join(toStrings(mc["args"].([]any)), " ")
	require.Contains(t, margs, "merge --config /etc/dq/dq.yaml --run-id "+runID+" --shards "+strconv.Itoa(n))

	// The driver applies and waits for the Jobs the manifests name.
	require.Len(t, driver, 1)
	for _, j := range []map[string]any{shardJob, mergeJob} {
		name := get(t, j, "metadata", "name").(string)
		require.Contains(t, driver[0].text, "job/"+strings.ReplaceAll(name, runID, "$RUN_ID"))
	}
	require.Contains(t, driver[0].text, "envsubst '$RUN_ID'")

	checkCrontab(t, doc, crontab)
}

// checkCrontab reads the cron.d lines: five valid time fields, a user, a
// dq command with no bare % (cron turns it into a newline), and shards
// 1..N of the N the merge waits for, under the run id it merges.
func checkCrontab(t *testing.T, doc string, blocks []block) {
	require.NotEmpty(t, blocks)
	field := regexp.MustCompile(`^(\*|[0-9]+(-[0-9]+)?)(/[0-9]+)?(,(\*|[0-9]+(-[0-9]+)?)(/[0-9]+)?)*$`)
	shardArg := regexp.MustCompile(`--shard ([0-9]+/[0-9]+)`)
	mergeArg := regexp.MustCompile(`--shards ([0-9]+)`)
	runIDArg := regexp.MustCompile(`--run-id ("[^"]*"|\S+)`)
	var shards []pipeline.Shard
	mergeN := 0
	var runIDs []string
	for _, b := range blocks {
		for i, line := range strings.Split(strings.TrimSpace(b.text), "\n") {
			where := fmt.Sprintf("%s:%d", doc, b.line+1+i)
			if strings.HasPrefix(line, "#") {
				continue
			}
			f := strings.Fields(line)
			require.GreaterOrEqual(t, len(f), 8, "%s: five time fields, a user and a command", where)
			for _, tf := range f[:5] {
				require.Regexp(t, field, tf, "%s: time field", where)
			}
			require.Equal(t, "dq", f[5], "%s: runs as user dq", where)
			require.Equal(t, "/usr/local/bin/dq", f[6], where)
			cmd := strings.Join(f[6:], " ")
			require.NotRegexp(t, `(^|[^\\])%`, cmd, "%s: a bare %% ends the command in crontab", where)
			require.Contains(t, []string{"run", "merge"}, f[7], where)
			if m := shardArg.FindStringSubmatch(cmd); m != nil {
				s, err := pipeline.ParseShard(m[1])
				require.NoError(t, err, where)
				shards = append(shards, s)
			}
			if m := mergeArg.FindStringSubmatch(cmd); m != nil {
				mergeN, _ = strconv.Atoi(m[1])
			}
			if m := runIDArg.FindStringSubmatch(cmd); m != nil {
				runIDs = append(runIDs, m[1])
			}
		}
	}
	// One machine's file shows shard 1 and the merge; the text says the
	// other machine has shard 2 of the same N.
	require.NotEmpty(t, shards)
	require.Positive(t, mergeN)
	for _, s := range shards {
		require.Equal(t, fmt.Sprintf("1/%d", mergeN), s.String(), "machine A's shard of the N the merge waits for")
	}
	for _, id := range runIDs {
		require.Equal(t, runIDs[0], id, "shards and merge under one run id")
	}
	// What cron runs: date's output in place of $(date ...).
	id := strings.Trim(runIDs[0], `"`)
	id = regexp.MustCompile(`\$\(date[^)]*\)`).ReplaceAllString(id, "20261130")
	require.NoError(t, pipeline.CheckRunID(id))
}

// get walks nested maps to a value.
func get(t *testing.T, m map[string]any, path ...string) any {
	t.Helper()
	var cur any = m
	for i, k := range path {
		mm, ok := cur.(map[string]any)
		require.True(t, ok, "%s is not a map", strings.Join(path[:i], "."))
		cur, ok = mm[k]
		require.True(t, ok, "no %s", strings.Join(path[:i+1], "."))
	}
	return cur
}

// obj walks nested maps to a map.
func obj(t *testing.T, m map[string]any, path ...string) map[string]any {
	t.Helper()
	v, ok := get(t, m, path...).(map[string]any)
	require.True(t, ok, "%s is not a map", strings.Join(path, "."))
	return v
}

func toStrings(vs []any) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprint(v)
	}
	return out
}
