package load

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
)

// clickhouseTarget is a cluster to write to:
// clickhouse://host:port[,host:port...]/database?cluster=name, the HTTP
// interface of every shard (one server per shard) and the cluster name of
// their remote_servers (default dq_cluster).
type clickhouseTarget struct {
	servers  []string // http://host:port
	database string
	cluster  string
}

func parseClickHouseTarget(dsn string) (clickhouseTarget, error) {
	rest := strings.TrimPrefix(dsn, "clickhouse://")
	hosts, path, _ := strings.Cut(rest, "/")
	db, query, _ := strings.Cut(path, "?")
	t := clickhouseTarget{database: db, cluster: "dq_cluster"}
	if t.database == "" {
		t.database = "default"
	}
	if q, err := url.ParseQuery(query); err == nil && q.Get("cluster") != "" {
		t.cluster = q.Get("cluster")
	}
	for _, h := range strings.Split(hosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			t.servers = append(t.servers, "http://"+h)
		}
	}
	if len(t.servers) == 0 {
		return t, errors.New("want clickhouse://host:port[,host:port...]/database[?cluster=name]")
	}
	return t, nil
}

// clickhouseRowsPerInsert bounds each INSERT's body.
const clickhouseRowsPerInsert = 100_000

// writeClickHouse replaces table with the reader's rows on a cluster: on
// every server a MergeTree table table_local and a Distributed table
// table over the cluster's table_local. Row i goes to shard i mod N, not
// to a shard chosen by a key, so that the copies of a duplicated key
// (planted on neighbouring rows by the demo) sit on different shards, as
// they would in a registry sharded by anything but that key. Types:
// utf8 → String, integers and floats → the same width, bool → UInt8,
// decimal → Decimal(p,s), timestamp → DateTime (whole seconds, the
// wall clock in the server's zone; 18.16 has no sub-second type), and
// date32 → String 'YYYY-MM-DD': 18.16's Date holds 1970-2105 only and
// birth dates are older. Every column is Nullable.
func writeClickHouse(ctx context.Context, dsn, table string, r array.RecordReader) (int64, error) {
	tg, err := parseClickHouseTarget(dsn)
	if err != nil {
		return 0, fmt.Errorf("clickhouse target: %w", err)
	}
	d := dialect.ClickHouse{}
	name := table
	if i := strings.LastIndexByte(table, '.'); i >= 0 {
		tg.database, name = table[:i], table[i+1:]
	}
	dist := d.Ident(tg.database) + "." + d.Ident(name)
	local := d.Ident(tg.database) + "." + d.Ident(name+"_local")
	fields := r.Schema().Fields()
	defs := make([]string, len(fields))
	for i, f := range fields {
		typ, err := clickhouseType(f.Type)
		if err != nil {
			return 0, fmt.Errorf("write %s: column %s: %w", table, f.Name, err)
		}
		defs[i] = d.Ident(f.Name) + " Nullable(" + typ + ")"
	}
	for _, s := range tg.servers {
		for _, q := range []string{
			"DROP TABLE IF EXISTS " + dist,
			"DROP TABLE IF EXISTS " + local,
			"CREATE TABLE " + local + " (" + strings.Join(defs, ", ") + ") ENGINE = MergeTree ORDER BY tuple()",
			"CREATE TABLE " + dist + " AS " + local + " ENGINE = Distributed(" + d.String(tg.cluster) + ", " +
				d.String(tg.database) + ", " + d.String(name+"_local") + ", rand())",
		} {
			if err := clickhousePost(ctx, s, q, nil); err != nil {
				return 0, fmt.Errorf("clickhouse %s: write %s: %w", s, table, err)
			}
		}
	}
	bodies := make([]bytes.Buffer, len(tg.servers))
	pending := make([]int, len(tg.servers))
	flush := func(i int) error {
		if pending[i] == 0 {
			return nil
		}
		if err := clickhousePost(ctx, tg.servers[i], "INSERT INTO "+local+" FORMAT TabSeparated", &bodies[i]); err != nil {
			return fmt.Errorf("clickhouse %s: write %s: %w", tg.servers[i], table, err)
		}
		bodies[i].Reset()
		pending[i] = 0
		return nil
	}
	var written int64
	for r.Next() {
		rec := r.RecordBatch()
		for row := 0; row < int(rec.NumRows()); row++ {
			shard := int(written % int64(len(tg.servers)))
			b := &bodies[shard]
			for col := 0; col < len(fields); col++ {
				if col > 0 {
					b.WriteByte('\t')
				}
				if err := tsvValue(b, rec.Column(col), row); err != nil {
					return written, fmt.Errorf("write %s: row %d, column %s: %w", table, written+1, fields[col].Name, err)
				}
			}
			b.WriteByte('\n')
			written++
			if pending[shard]++; pending[shard] == clickhouseRowsPerInsert {
				if err := flush(shard); err != nil {
					return written, err
				}
			}
		}
	}
	if err := r.Err(); err != nil {
		return written, fmt.Errorf("write %s: read: %w", table, err)
	}
	for i := range tg.servers {
		if err := flush(i); err != nil {
			return written, err
		}
	}
	return written, nil
}

func clickhouseType(t arrow.DataType) (string, error) {
	switch t := t.(type) {
	case *arrow.StringType, *arrow.LargeStringType, *arrow.StringViewType, *arrow.BinaryType, *arrow.LargeBinaryType:
		return "String", nil
	case *arrow.Int8Type:
		return "Int8", nil
	case *arrow.Int16Type:
		return "Int16", nil
	case *arrow.Int32Type:
		return "Int32", nil
	case *arrow.Int64Type:
		return "Int64", nil
	case *arrow.Uint8Type, *arrow.BooleanType:
		return "UInt8", nil
	case *arrow.Uint16Type:
		return "UInt16", nil
	case *arrow.Uint32Type:
		return "UInt32", nil
	case *arrow.Uint64Type:
		return "UInt64", nil
	case *arrow.Float32Type:
		return "Float32", nil
	case *arrow.Float64Type:
		return "Float64", nil
	case *arrow.Date32Type:
		return "String", nil
	case *arrow.TimestampType:
		return "DateTime", nil
	case *arrow.Decimal128Type:
		return fmt.Sprintf("Decimal(%d, %d)", t.Precision, t.Scale), nil
	}
	return "", fmt.Errorf("no ClickHouse type for Arrow %s", t)
}

// tsvValue writes one cell in TabSeparated: \N for NULL, text escaped.
func tsvValue(b *bytes.Buffer, a arrow.Array, i int) error {
	if a.IsNull(i) {
		b.WriteString(`\N`)
		return nil
	}
	switch a := a.(type) {
	case *array.String:
		tsvEscape(b, a.Value(i))
	case *array.LargeString:
		tsvEscape(b, a.Value(i))
	case *array.Binary:
		tsvEscape(b, string(a.Value(i)))
	case *array.Boolean:
		if a.Value(i) {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	case *array.Float64:
		b.WriteString(strconv.FormatFloat(a.Value(i), 'g', -1, 64))
	case *array.Float32:
		b.WriteString(strconv.FormatFloat(float64(a.Value(i)), 'g', -1, 32))
	case *array.Date32:
		b.WriteString(a.Value(i).ToTime().Format(time.DateOnly))
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		t := a.Value(i).ToTime(unit).UTC()
		if t.Year() < 1970 || t.Year() > 2105 {
			return fmt.Errorf("%s is outside ClickHouse DateTime's 1970-2105", t.Format(time.DateTime))
		}
		b.WriteString(t.Format(time.DateTime))
	case *array.Decimal128:
		b.WriteString(a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale))
	default:
		b.WriteString(a.ValueStr(i))
	}
	return nil
}

var tsvEscaper = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`, "\x00", `\0`)

func tsvEscape(b *bytes.Buffer, s string) {
	if strings.ContainsAny(s, "\\\t\n\r\x00") {
		s = tsvEscaper.Replace(s)
	}
	b.WriteString(s)
}

// clickhousePost runs one statement on a server's HTTP interface, with
// body (rows to insert) after it when given.
func clickhousePost(ctx context.Context, server, query string, body *bytes.Buffer) error {
	u := server + "/?query=" + url.QueryEscape(query)
	var rd io.Reader = strings.NewReader("")
	if body != nil {
		rd = body
	} else {
		u = server + "/"
		rd = strings.NewReader(query)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, rd)
	if err != nil {
		return connectors.Mark(connectors.ErrConfig, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return connectors.Mark(connectors.ErrConnect, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return connectors.Mark(connectors.ErrQuery, fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(msg))))
	}
	return nil
}
