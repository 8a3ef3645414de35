package connectortest

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// ClickHouseURLs are the HTTP interfaces of the two-shard test cluster
// that .ci/clickhouse-cluster starts (DQ_CLICKHOUSE_URLS, comma-separated;
// default its ports 18123 and 18124). When a server does not answer the
// test is skipped, saying how to start them, unless
// DQ_REQUIRE_CLICKHOUSE=1 (CI), where it fails.
func ClickHouseURLs(t testing.TB) []string {
	t.Helper()
	list := os.Getenv("DQ_CLICKHOUSE_URLS")
	if list == "" {
		list = "http://127.0.0.1:18123,http://127.0.0.1:18124"
	}
	urls := strings.Split(list, ",")
	for _, u := range urls {
		if _, err := clickHouseDo(u, "SELECT 1"); err != nil {
			msg := "the ClickHouse test cluster is not answering at " + u + " (" + err.Error() + "): start it with .ci/clickhouse-cluster"
			if os.Getenv("DQ_REQUIRE_CLICKHOUSE") == "1" {
				t.Fatal(msg + " (DQ_REQUIRE_CLICKHOUSE=1)")
			}
			t.Skip(msg)
		}
	}
	return urls
}

// ClickHouseExec runs statements on one server, failing the test on an
// error, and returns the last one's answer.
func ClickHouseExec(t testing.TB, url string, stmts ...string) string {
	t.Helper()
	var out string
	for _, s := range stmts {
		var err error
		if out, err = clickHouseDo(url, s); err != nil {
			t.Fatalf("clickhouse %s: %s: %v", url, s, err)
		}
	}
	return out
}

func clickHouseDo(url, stmt string) (string, error) {
	c := http.Client{Timeout: time.Minute}
	resp, err := c.Post(url+"/", "text/plain", strings.NewReader(stmt))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", &httpError{resp.Status, strings.TrimSpace(string(b))}
	}
	return string(b), nil
}

type httpError struct{ status, body string }

func (e *httpError) Error() string { return e.status + ": " + e.body }
