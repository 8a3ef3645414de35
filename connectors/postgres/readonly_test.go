package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/config"
	"github.com/vn-registries/dq/connectors"
)

// read runs every kind of read a dataset gets (extract to the end, count,
// a session's columns and two queries on its relation) and returns the
// error each ended with, by name.
func read(c *Connector, ds *config.Dataset) map[string]error {
	ctx := context.Background()
	req := connectors.Request{Dataset: ds}
	errs := map[string]error{}
	r, err := c.Extract(ctx, req)
	if err == nil {
		for r.Next() {
		}
		err = r.Err()
		r.Release()
	}
	errs["extract"] = err
	_, errs["count"] = c.Count(ctx, req)
	s, err := c.Session(ctx, req)
	if err == nil {
		if _, err = s.Columns(ctx); err == nil {
			// The second query is the one a session default changed by
			// the first would let write.
			if _, err = s.QueryRow(ctx, "SELECT count(*) FROM "+s.Relation()); err == nil {
				_, err = s.QueryRow(ctx, "SELECT count(*) FROM "+s.Relation())
			}
		}
		s.Close()
	}
	errs["session"] = err
	return errs
}

// TestReadOnlyHoldsIntegration tries the known ways for config SQL to
// write through a read-only source: each read fails naming its dataset,
// and nothing changed.
func TestReadOnlyHoldsIntegration(t *testing.T) {
	conn, schema := testDB(t)
	ctx := context.Background()
	exec(t, conn,
		fmt.Sprintf("CREATE TABLE %s.w (id int)", schema),
		fmt.Sprintf("INSERT INTO %s.w VALUES (1)", schema),
		fmt.Sprintf("CREATE SEQUENCE %s.seq", schema),
		fmt.Sprintf(`CREATE FUNCTION %[1]s.dq_write() RETURNS int LANGUAGE sql AS 'INSERT INTO %[1]s.w VALUES (2) RETURNING id'`, schema))
	var b [6]byte
	_, _ = rand.Read(b[:])
	file := "/tmp/dq_pwn_" + hex.EncodeToString(b[:])
	state := func() string {
		var rows, objects, seq int64
		require.NoError(t, conn.QueryRow(ctx, fmt.Sprintf(`SELECT (SELECT count(*) FROM %[1]s.w),
			(SELECT count(*) FROM pg_largeobject_metadata), (SELECT last_value FROM %[1]s.seq)`, schema)).Scan(&rows, &objects, &seq))
		return fmt.Sprintf("rows %d, large objects %d, sequence %d", rows, objects, seq)
	}
	before := state()
	table := schema + ".w"
	c := open(t, nil)
	for _, tc := range []struct {
		name string
		ds   config.Dataset
		want string // in every error
	}{
		{"a function that writes", config.Dataset{Table: table, Where: schema + ".dq_write() > 0"}, "read-only transaction"},
		{"a function that writes, in query:", config.Dataset{Query: "SELECT " + schema + ".dq_write() AS id"}, "read-only transaction"},
		{"a built-in that writes", config.Dataset{Table: table, Where: "nextval('" + schema + ".seq') > 0"}, "read-only transaction"},
		// PostgreSQL 15 lets lo_create through a read-only transaction:
		// the rollback undoes it.
		{"a write read-only misses", config.Dataset{Table: table, Where: "lo_create(0) > 0"}, ""},
		{"transaction_read_only set off", config.Dataset{Table: table,
			Where: "set_config('transaction_read_only', 'off', false) IS NOT NULL AND " + schema + ".dq_write() > 0"}, "read-write mode must be set before any query"},
		{"the session default set off, then a write", config.Dataset{Table: table,
			Where: "set_config('default_transaction_read_only', 'off', false) IS NOT NULL AND " + schema + ".dq_write() > 0"}, "read-only transaction"},
		// A session default that a first query switched off would let the
		// next query of the session write.
		{"the session default set off by one query, a write by the next", config.Dataset{Table: table,
			Where: "CASE WHEN current_setting('default_transaction_read_only') = 'on' THEN set_config('default_transaction_read_only', 'off', false) IS NOT NULL ELSE " + schema + ".dq_write() > 0 END"}, ""},
		{"a second statement in where:", config.Dataset{Table: table,
			Where: "true);\nSET default_transaction_read_only = off; INSERT INTO " + table + " VALUES (3); SELECT (true"}, "the ; at line 1"},
		{"a second statement in query:", config.Dataset{Query: "SELECT 1 AS id; SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; INSERT INTO " + table + " VALUES (3)"}, "the ; at character 15"},
		{"COPY to a file", config.Dataset{Table: table, Where: "true) TO '" + file + "' --"}, "42601"},
		{"COPY to a program", config.Dataset{Query: "SELECT 1 AS id) TO PROGRAM 'touch " + file + "' --"}, "42601"},
		{"a data-modifying WITH", config.Dataset{Query: "WITH d AS (DELETE FROM " + table + " RETURNING id) SELECT id FROM d"}, "WITH"},
		{"SELECT INTO a new table", config.Dataset{Query: "SELECT 1 AS id INTO " + schema + ".pwn"}, "42601"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := tc.ds
			ds.ID = "pwn"
			for op, err := range read(c, &ds) {
				if tc.want == "" && err == nil {
					continue // nothing to refuse: the check is that nothing changed
				}
				require.Error(t, err, op)
				require.Contains(t, err.Error(), "dataset pwn", op)
				require.Contains(t, err.Error(), tc.want, op)
			}
			require.Equal(t, before, state())
			_, err := os.Stat(file)
			require.True(t, os.IsNotExist(err), "%s written", file)
		})
	}
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = $1", schema).Scan(&n))
	require.Equal(t, 1, n, "no table created")
}

// TestServerRunsOneStatementIntegration: where the text dq sends could
// still hold two statements (a lexer that misread it), the server refuses
// them on every path config text takes.
func TestServerRunsOneStatementIntegration(t *testing.T) {
	conn, schema := testDB(t)
	ctx := context.Background()
	exec(t, conn, fmt.Sprintf("CREATE TABLE %s.w (id int)", schema))
	c := open(t, nil)
	pc, err := c.connect(ctx)
	require.NoError(t, err)
	defer c.release(pc)
	two := "SELECT 1; INSERT INTO " + schema + ".w VALUES (1)"
	_, err = c.queryText(ctx, pc, "dataset x", two)
	require.ErrorContains(t, err, "cannot insert multiple commands into a prepared statement")
	_, err = c.prepare(ctx, pc, "dataset x", "COPY ("+two+"\n) TO STDOUT (FORMAT binary)")
	require.Error(t, err)
	_, err = c.prepare(ctx, pc, "dataset x", "COPY (SELECT 1) TO STDOUT; INSERT INTO "+schema+".w VALUES (1)")
	require.ErrorContains(t, err, "cannot insert multiple commands into a prepared statement")
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM "+schema+".w").Scan(&n))
	require.Zero(t, n)
}
