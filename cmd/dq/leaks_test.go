//go:build duckdb_arrow

package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Planted personal data (an ID, a name, a phone number, an e-mail, a
// birth date) and secrets (a token, a key in the delivery URL) appear in
// no output of a run: scorecards, pages, delivery record, history,
// watermarks, journal, summary and debug logs; a failed delivery and a
// dataset whose read fails (quoting a row) included. `dq serve` serves
// only those files.
func TestNothingPersonalOrSecretLeavesEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := dqBinary(t)
	dir := t.TempDir()
	const (
		cccd   = "079123456789"
		name   = "Nguyễn Thị Bí Mật"
		phone  = "0912345678"
		email  = "bi.mat@example.vn"
		birth  = "1987-06-05"
		token  = "T0ken-never-shown-42"
		urlKey = "K3y-never-shown-77"
	)
	planted := []string{cccd, name, phone, email, birth, token, urlKey}
	var csv strings.Builder
	csv.WriteString("cccd,full_name,phone,email,birth_date,updated_at\n")
	csv.WriteString(cccd + "," + name + "," + phone + "," + email + "," + birth + ",2026-11-01 00:00:00\n")
	csv.WriteString(cccd + "," + name + "," + phone + "," + email + "," + birth + ",2026-11-01 00:00:00\n") // a duplicate
	csv.WriteString("0791234XYZ,Trần Văn A,123,not-an-email,2999-01-01,2026-11-01 00:00:00\n")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "people.csv"), []byte(csv.String()), 0o644))
	// A row the reader cannot take, quoting personal data.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ragged.csv"), []byte("cccd,full_name\n"+cccd+","+name+",extra,"+phone+"\n"), 0o644))
	dash := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "rejected "+r.URL.RawQuery+" "+r.Header.Get("Authorization"), http.StatusBadRequest)
	}))
	defer dash.Close()
	cfg := filepath.Join(dir, "dq.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(`
output: {dir: `+filepath.Join(dir, "out")+`}
publish: {http: {url: "`+dash.URL+`/cards?key=`+urlKey+`", token_env: DQ_LEAK_TOKEN, max_retries: 1, timeout: 2s}}
ministries: [{id: MPS, name: P}]
sources: {files: {kind: file, root: `+dir+`}}
datasets:
  - id: people
    ministry: MPS
    source: files
    path: people.csv
    key: cccd
    incremental: {column: updated_at}
    checks:
      - {id: id_valid, kind: format, column: cccd, validator: cccd}
      - {id: id_unique, kind: unique, column: cccd}
      - {id: name_unique, kind: unique, columns: [full_name, birth_date]}
      - {id: phone_valid, kind: format, column: phone, validator: phone_vn}
      - {id: email_valid, kind: format, column: email, validator: email}
      - {id: born, kind: between, column: birth_date, min: 1900-01-01, max: today}
      - {id: name_cast, kind: between, column: full_name, min: 1, max: 2}
  - {id: ragged, ministry: MPS, source: files, path: ragged.csv, checks: [{id: n, kind: not_null, column: cccd}]}
`), 0o644))
	cmd := exec.Command(bin, "run", "--config", cfg, "--log-format", "json", "--log-level", "debug")
	cmd.Env = append(os.Environ(), "DQ_LEAK_TOKEN="+token)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, 3, ee.ExitCode(), errb.String())

	outputs := map[string]string{"stdout": out.String(), "stderr": errb.String()}
	files := 0
	require.NoError(t, filepath.Walk(filepath.Join(dir, "out"), func(p string, info os.FileInfo, err error) error {
		if err != nil || !info.Mode().IsRegular() {
			return err
		}
		raw, err := os.ReadFile(p)
		outputs[p] = string(raw)
		files++
		return err
	}))
	require.Greater(t, files, 6, "scorecards, pages, delivery record, history, watermarks")
	for where, text := range outputs {
		for _, v := range planted {
			require.NotContains(t, text, v, "%s shows %q", where, v)
		}
	}
	// The failures are there, masked, not dropped.
	runs, _ := published(t, filepath.Join(dir, "out"))
	card := outputs[filepath.Join(dir, "out", "runs", runs[0], "MPS.json")]
	require.Contains(t, card, `"id": "id_unique"`)
	require.Contains(t, card, `"count": 2`)
	delivery := outputs[filepath.Join(dir, "out", "runs", runs[0], "delivery.json")]
	require.Contains(t, delivery, `"delivered": false`)
	require.Contains(t, delivery, "key=xxx")
}
