package postgres

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
	"github.com/vn-registries/dq/dialect"
)

// Session opens a session on the dataset's rows for checks that run in
// the server (engine: source). It connects like Extract (statement_timeout,
// retries) and sets TimeZone to UTC, so the text of a timestamptz computed
// in a query is unambiguous. The relation is Extract's SELECT (where: and
// sample: applied) as a subquery: the same rows Extract would stream.
//
// Each query runs in its own read-only transaction, rolled back after it
// (unless read_only: false): one query's error then fails that query only,
// and what a query does to the session (set_config on its defaults)
// cannot make the next one read-write.
func (c *Connector) Session(ctx context.Context, req connectors.Request) (connectors.Session, error) {
	ds := req.Dataset
	if err := checkDataset(ds); err != nil {
		return nil, err
	}
	pc, err := c.connect(ctx)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			c.release(pc)
		}
	}()
	// Binary timestamptz results do not depend on TimeZone, only text
	// conversions inside queries do.
	what := "dataset " + ds.ID
	if err := c.exec(ctx, pc, "SET TimeZone TO 'UTC'", what); err != nil {
		return nil, err
	}
	s := &session{c: c, pc: pc, ds: ds}
	var query string
	err = s.read(ctx, func(ctx context.Context) error {
		query, err = c.selectSQL(ctx, pc, ds)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.rel = "(" + query + "\n) AS dq_rel"
	ok = true
	return s, nil
}

// read runs fn, the statements of one query, in a read-only transaction
// (see Connector.beginRead) and rolls it back, also after an error, so the
// session can run the next query. After a cancel the session is closed
// instead: its connection may be mid-statement.
func (s *session) read(ctx context.Context, fn func(ctx context.Context) error) error {
	what := "dataset " + s.ds.ID
	if err := s.c.beginRead(ctx, s.pc, what); err != nil {
		return err
	}
	err := fn(ctx)
	if ctx.Err() != nil {
		s.Close()
		return err
	}
	if rerr := s.c.endRead(ctx, s.pc, what); err == nil {
		err = rerr
	}
	return err
}

// session is a Session on one connection.
type session struct {
	c      *Connector
	pc     *pgconn.PgConn
	ds     *config.Dataset
	rel    string
	closed bool
}

var _ connectors.Session = (*session)(nil)

func (s *session) Dialect() dialect.Dialect { return dialect.Postgres{} }

// Relation is "(<Extract's SELECT>) AS dq_rel".
func (s *session) Relation() string { return s.rel }

// Columns describes the relation without running it: names in order and
// the types as pg_type.typname spells them (int8, numeric, bpchar,
// timestamptz, _int4, an enum's own name ...). A domain column reports its
// base type, as the server describes it.
func (s *session) Columns(ctx context.Context) ([]connectors.SourceColumn, error) {
	if s.closed {
		return nil, s.closedErr()
	}
	var (
		desc  *pgconn.StatementDescription
		names map[uint32]string
	)
	err := s.read(ctx, func(ctx context.Context) error {
		var err error
		if desc, err = s.c.prepare(ctx, s.pc, "dataset "+s.ds.ID, "SELECT * FROM "+s.rel+"\nLIMIT 0"); err != nil {
			return err
		}
		names, err = s.typeNames(ctx, desc.Fields)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]connectors.SourceColumn, len(desc.Fields))
	for i, f := range desc.Fields {
		out[i] = connectors.SourceColumn{Name: f.Name, Type: names[f.DataTypeOID]}
	}
	return out, nil
}

// typeNames reads pg_type.typname for the fields' type OIDs.
func (s *session) typeNames(ctx context.Context, fields []pgconn.FieldDescription) (map[uint32]string, error) {
	names := make(map[uint32]string, len(fields))
	var oids []string
	for _, f := range fields {
		o := strconv.FormatUint(uint64(f.DataTypeOID), 10)
		if !slices.Contains(oids, o) {
			oids = append(oids, o)
		}
	}
	if len(oids) == 0 {
		return names, nil
	}
	arr := "{" + strings.Join(oids, ",") + "}"
	rows, err := s.c.queryText(ctx, s.pc, "dataset "+s.ds.ID, "SELECT oid, typname FROM pg_catalog.pg_type WHERE oid = ANY(CAST($1 AS oid[]))", arr)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		o, err := strconv.ParseUint(string(r[0]), 10, 32)
		if err != nil {
			return nil, s.c.errorf(connectors.ErrQuery, err, "dataset %s: read pg_type", s.ds.ID)
		}
		names[uint32(o)] = string(r[1])
	}
	for _, f := range fields {
		if _, ok := names[f.DataTypeOID]; !ok {
			return nil, s.c.errorf(connectors.ErrQuery, fmt.Errorf("type oid %d of column %q not in pg_type", f.DataTypeOID, f.Name),
				"dataset %s: describe", s.ds.ID)
		}
	}
	return names, nil
}

// QueryRow runs query and returns its first row; no row is an error.
func (s *session) QueryRow(ctx context.Context, query string) ([]any, error) {
	rows, err := s.query(ctx, query, 1)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, s.c.errorf(connectors.ErrQuery, errors.New("query returned no rows"), "dataset %s: %s", s.ds.ID, firstLine(query))
	}
	return rows[0], nil
}

// QueryRows runs query and returns all its rows in order.
func (s *session) QueryRows(ctx context.Context, query string) ([][]any, error) {
	return s.query(ctx, query, 0)
}

// query runs one statement in its read-only transaction, bounded as one
// statement on the client.
func (s *session) query(ctx context.Context, query string, limit int) ([][]any, error) {
	if s.closed {
		return nil, s.closedErr()
	}
	var out [][]any
	err := s.read(ctx, func(ctx context.Context) error {
		sctx, cancel := s.c.statement(ctx)
		defer cancel()
		var err error
		if out, err = s.run(sctx, query, limit); err != nil {
			return s.c.errorf(connectors.ErrQuery, connectors.StatementError(sctx, err), "dataset %s: %s", s.ds.ID, firstLine(query))
		}
		return nil
	})
	return out, err
}

// run runs one statement in the extended protocol: Prepare describes the
// result, then the fixed-width types (integers, floats, bool, date,
// timestamps, bytea) come back binary and everything else as text.
// limit > 0 stops decoding after that many rows (the server still sends
// them all).
func (s *session) run(ctx context.Context, query string, limit int) ([][]any, error) {
	desc, err := s.pc.Prepare(ctx, "", query, nil)
	if err != nil {
		return nil, err
	}
	if len(desc.ParamOIDs) > 0 {
		return nil, fmt.Errorf("the query has %d parameters; none can be bound", len(desc.ParamOIDs))
	}
	formats := make([]int16, len(desc.Fields))
	for i, f := range desc.Fields {
		if binaryResult(f.DataTypeOID) {
			formats[i] = pgtype.BinaryFormatCode
		}
	}
	rr := s.pc.ExecPrepared(ctx, "", nil, nil, formats)
	var out [][]any
	var decErr error
	for rr.NextRow() {
		if decErr != nil || (limit > 0 && len(out) >= limit) {
			continue
		}
		vals := rr.Values()
		row := make([]any, len(vals))
		for i, v := range vals {
			if row[i], decErr = decodeValue(desc.Fields[i].DataTypeOID, formats[i], v); decErr != nil {
				decErr = fmt.Errorf("column %q: %w", desc.Fields[i].Name, decErr)
				break
			}
		}
		out = append(out, row)
	}
	if _, err := rr.Close(); err != nil {
		return nil, err
	}
	if decErr != nil {
		return nil, decErr
	}
	return out, nil
}

// Close ends the session.
func (s *session) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	s.c.release(s.pc)
	return nil
}

func (s *session) closedErr() error {
	return fmt.Errorf("%w: postgres %s: dataset %s: session closed", connectors.ErrQuery, s.c.safe, s.ds.ID)
}

// binaryResult reports the types query reads in binary format.
func binaryResult(oid uint32) bool {
	switch oid {
	case pgtype.Int2OID, pgtype.Int4OID, pgtype.Int8OID, pgtype.OIDOID,
		pgtype.Float4OID, pgtype.Float8OID, pgtype.BoolOID, pgtype.ByteaOID,
		pgtype.DateOID, pgtype.TimestampOID, pgtype.TimestamptzOID:
		return true
	}
	return false
}

// pgEpochSeconds is 2000-01-01 in Unix seconds.
const pgEpochSeconds = pgEpochMicros / 1_000_000

// decodeValue converts one result value as connectors.Session says: NULL
// nil; integers and oid int64; floats float64; bool; bytea []byte; date
// a time.Time at 00:00 UTC, timestamp its wall clock in UTC, timestamptz
// the instant in UTC, and ±infinity of the three the string "infinity" /
// "-infinity"; anything else (numeric, text, uuid, json, enums, arrays,
// time, interval ...) its text form.
func decodeValue(oid uint32, format int16, v []byte) (any, error) {
	if v == nil {
		return nil, nil
	}
	if format != pgtype.BinaryFormatCode {
		return string(v), nil
	}
	want := func(n int, what string) error {
		if len(v) != n {
			return fmt.Errorf("%s value of %d bytes, want %d", what, len(v), n)
		}
		return nil
	}
	switch oid {
	case pgtype.Int2OID:
		if err := want(2, "int2"); err != nil {
			return nil, err
		}
		return int64(int16(binary.BigEndian.Uint16(v))), nil
	case pgtype.Int4OID:
		if err := want(4, "int4"); err != nil {
			return nil, err
		}
		return int64(int32(binary.BigEndian.Uint32(v))), nil
	case pgtype.OIDOID:
		if err := want(4, "oid"); err != nil {
			return nil, err
		}
		return int64(binary.BigEndian.Uint32(v)), nil
	case pgtype.Int8OID:
		if err := want(8, "int8"); err != nil {
			return nil, err
		}
		return int64(binary.BigEndian.Uint64(v)), nil
	case pgtype.Float4OID:
		if err := want(4, "float4"); err != nil {
			return nil, err
		}
		return float64(math.Float32frombits(binary.BigEndian.Uint32(v))), nil
	case pgtype.Float8OID:
		if err := want(8, "float8"); err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.BigEndian.Uint64(v)), nil
	case pgtype.BoolOID:
		if err := want(1, "bool"); err != nil {
			return nil, err
		}
		return v[0] != 0, nil
	case pgtype.ByteaOID:
		return slices.Clone(v), nil
	case pgtype.DateOID:
		if err := want(4, "date"); err != nil {
			return nil, err
		}
		switch d := int32(binary.BigEndian.Uint32(v)); d {
		case math.MaxInt32:
			return "infinity", nil
		case math.MinInt32:
			return "-infinity", nil
		default:
			return time.Unix((int64(d)+pgEpochDays)*86400, 0).UTC(), nil
		}
	case pgtype.TimestampOID, pgtype.TimestamptzOID:
		if err := want(8, "timestamp"); err != nil {
			return nil, err
		}
		switch us := int64(binary.BigEndian.Uint64(v)); us {
		case math.MaxInt64:
			return "infinity", nil
		case math.MinInt64:
			return "-infinity", nil
		default:
			// Seconds and microseconds apart: adding the epoch offset in
			// microseconds overflows int64 near PostgreSQL's upper bound.
			sec, frac := us/1_000_000, us%1_000_000
			if frac < 0 {
				sec, frac = sec-1, frac+1_000_000
			}
			return time.Unix(sec+pgEpochSeconds, frac*1000).UTC(), nil
		}
	}
	return nil, fmt.Errorf("no binary decoder for type oid %d", oid)
}
