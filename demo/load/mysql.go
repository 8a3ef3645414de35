package load

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	driver "github.com/go-sql-driver/mysql"

	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
)

// mysqlConfig reads a mysql:// URL with the driver's own option parser;
// prepared statements are interpolated on the client, as one INSERT has
// thousands of placeholders.
func mysqlConfig(dsn string) (*driver.Config, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, errors.New("not a URL") // it may hold the password
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(cmp.Or(u.Hostname(), "127.0.0.1"), "3306")
	}
	cfg, err := driver.ParseDSN("tcp(" + host + ")/" + strings.TrimPrefix(u.Path, "/") + "?" + u.RawQuery)
	if err != nil {
		return nil, err
	}
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.InterpolateParams = true
	return cfg, nil
}

// writeRowsPerInsert bounds each INSERT; the statement also stays under
// MySQL's 65,535 placeholders.
const writeRowsPerInsert = 1000

// writeMySQL replaces table with the reader's rows, for the demo loader:
// DROP TABLE IF EXISTS, CREATE TABLE with types mapped back from Arrow
// (utf8 → TEXT, int64 → BIGINT, float64 → DOUBLE, date32 → DATE,
// timestamp → DATETIME(6) (an instant in UTC), bool → BOOLEAN,
// decimal → DECIMAL(p,s), binary → LONGBLOB), utf8mb4, then multi-row
// INSERTs in one transaction. It returns the rows written.
func writeMySQL(ctx context.Context, dsn, table string, r array.RecordReader) (int64, error) {
	to := newTarget("mysql", dsn)
	cfg, err := mysqlConfig(dsn)
	if err != nil {
		return 0, to.errorf(connectors.ErrConfig, err, "dsn")
	}
	conn, err := driver.NewConnector(cfg)
	if err != nil {
		return 0, to.errorf(connectors.ErrConfig, err, "dsn")
	}
	db := sql.OpenDB(conn)
	defer db.Close()
	if err := db.PingContext(ctx); err != nil {
		return 0, to.errorf(connectors.ErrConnect, err, "connect")
	}
	fail := func(err error) error {
		return to.errorf(connectors.ErrQuery, err, "write %s", table)
	}
	d := dialect.MySQL{}
	qt := dialect.QualifiedIdent(d, table)
	fields := r.Schema().Fields()
	defs := make([]string, len(fields))
	names := make([]string, len(fields))
	for i, f := range fields {
		typ, err := sqlType(f.Type)
		if err != nil {
			return 0, fmt.Errorf("write %s: column %s: %w", table, f.Name, err)
		}
		names[i] = d.Ident(f.Name)
		defs[i] = names[i] + " " + typ
	}
	for _, q := range []string{
		"DROP TABLE IF EXISTS " + qt,
		"CREATE TABLE " + qt + " (" + strings.Join(defs, ", ") + ") DEFAULT CHARSET=utf8mb4",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return 0, fail(err)
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fail(err)
	}
	defer tx.Rollback()
	per := writeRowsPerInsert
	if len(fields) > 0 && per*len(fields) > 60000 {
		per = 60000 / len(fields)
	}
	head := "INSERT INTO " + qt + " (" + strings.Join(names, ", ") + ") VALUES "
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(fields)), ", ") + ")"
	var args []any
	pending := 0
	var written int64
	flush := func() error {
		if pending == 0 {
			return nil
		}
		q := head + strings.TrimSuffix(strings.Repeat(one+", ", pending), ", ")
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fail(err)
		}
		written += int64(pending)
		args, pending = args[:0], 0
		return nil
	}
	for r.Next() {
		rec := r.RecordBatch()
		for row := 0; row < int(rec.NumRows()); row++ {
			for col := 0; col < len(fields); col++ {
				args = append(args, sqlValue(rec.Column(col), row))
			}
			if pending++; pending == per {
				if err := flush(); err != nil {
					return written, err
				}
			}
		}
	}
	if err := r.Err(); err != nil {
		return written, fmt.Errorf("write %s: read: %w", table, err)
	}
	if err := flush(); err != nil {
		return written, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fail(err)
	}
	return written, nil
}

func sqlType(t arrow.DataType) (string, error) {
	switch t := t.(type) {
	case *arrow.StringType, *arrow.LargeStringType, *arrow.StringViewType:
		return "TEXT", nil
	case *arrow.BinaryType, *arrow.LargeBinaryType:
		return "LONGBLOB", nil
	case *arrow.Int8Type:
		return "TINYINT", nil
	case *arrow.Int16Type:
		return "SMALLINT", nil
	case *arrow.Int32Type:
		return "INT", nil
	case *arrow.Int64Type:
		return "BIGINT", nil
	case *arrow.Uint8Type:
		return "TINYINT UNSIGNED", nil
	case *arrow.Uint16Type:
		return "SMALLINT UNSIGNED", nil
	case *arrow.Uint32Type:
		return "INT UNSIGNED", nil
	case *arrow.Uint64Type:
		return "BIGINT UNSIGNED", nil
	case *arrow.Float32Type:
		return "FLOAT", nil
	case *arrow.Float64Type:
		return "DOUBLE", nil
	case *arrow.BooleanType:
		return "BOOLEAN", nil
	case *arrow.Date32Type:
		return "DATE", nil
	case *arrow.TimestampType:
		return "DATETIME(6)", nil
	case *arrow.Decimal128Type:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale), nil
	}
	return "", fmt.Errorf("no MySQL type for Arrow %s", t)
}

// sqlValue is one cell as a driver value; temporal values are written as
// text so no zone conversion applies.
func sqlValue(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Binary:
		return a.Value(i)
	case *array.Int8:
		return int64(a.Value(i))
	case *array.Int16:
		return int64(a.Value(i))
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int64:
		return a.Value(i)
	case *array.Uint8:
		return uint64(a.Value(i))
	case *array.Uint16:
		return uint64(a.Value(i))
	case *array.Uint32:
		return uint64(a.Value(i))
	case *array.Uint64:
		return a.Value(i)
	case *array.Float32:
		return float64(a.Value(i))
	case *array.Float64:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.Date32:
		return a.Value(i).ToTime().Format("2006-01-02")
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit).UTC().Format("2006-01-02 15:04:05.999999")
	case *array.Decimal128:
		return a.Value(i).ToString(a.DataType().(*arrow.Decimal128Type).Scale)
	}
	return a.ValueStr(i)
}
