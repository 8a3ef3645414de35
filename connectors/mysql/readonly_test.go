package mysql

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
			// The second query is the one a session setting changed by
			// the first would let write.
			if _, err = s.QueryRow(ctx, "SELECT COUNT(*) FROM "+s.Relation()); err == nil {
				_, err = s.QueryRow(ctx, "SELECT COUNT(*) FROM "+s.Relation())
			}
		}
		s.Close()
	}
	errs["session"] = err
	return errs
}

// TestReadOnlyHoldsIntegration tries the known ways for config SQL to
// write through a read-only source: each read fails naming its dataset,
// and nothing changed on the server.
func TestReadOnlyHoldsIntegration(t *testing.T) {
	name, db := testDB(t)
	// Datasets read r; the functions write w and m (a function cannot
	// write the table its statement reads).
	exec(t, db, "CREATE TABLE r (id INT); INSERT INTO r VALUES (1); CREATE TABLE w (id INT) ENGINE=InnoDB; INSERT INTO w VALUES (1); CREATE TABLE m (id INT) ENGINE=MyISAM")
	// MyISAM first: a table without transactions is refused too.
	exec(t, db, "CREATE FUNCTION dq_write() RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO m VALUES (2); INSERT INTO w VALUES (2); RETURN 1; END")
	exec(t, db, "CREATE FUNCTION dq_rw() RETURNS INT BEGIN SET SESSION tx_read_only = 0; RETURN 1; END")
	var b [6]byte
	_, _ = rand.Read(b[:])
	file := "/tmp/dq_pwn_" + hex.EncodeToString(b[:])
	state := func() string {
		var rows, myisam int
		require.NoError(t, db.QueryRow("SELECT (SELECT COUNT(*) FROM w), (SELECT COUNT(*) FROM m)").Scan(&rows, &myisam))
		return fmt.Sprintf("rows %d, MyISAM rows %d", rows, myisam)
	}
	before := state()
	c := open(t, name, settings{})
	for _, tc := range []struct {
		name string
		ds   config.Dataset
		want string // in every error
	}{
		// (MariaDB locks every table a statement's functions write when
		// the statement starts, so a statement naming a writer fails as a
		// whole in a read-only transaction.)
		{"a function that writes", config.Dataset{Table: "r", Where: "dq_write() = 1"}, "READ ONLY"},
		{"a function that writes, in query:", config.Dataset{Query: "SELECT dq_write() AS id"}, "READ ONLY"},
		{"the session set read-write, then a write", config.Dataset{Table: "r", Where: "dq_rw() + dq_write() = 2"}, "READ ONLY"},
		{"a second statement in where:", config.Dataset{Table: "w",
			Where: "1=1); SET SESSION TRANSACTION READ WRITE; DELETE FROM w; SELECT (1"}, "the ; at character 5"},
		{"a second statement in query:", config.Dataset{Query: "SELECT 1 AS id; DELETE FROM w"}, "the ; at character 15"},
		{"INTO OUTFILE", config.Dataset{Table: "w", Where: "1=1) INTO OUTFILE '" + file + "' #"}, "INTO at character 6"},
		{"INTO DUMPFILE", config.Dataset{Query: "SELECT 1 AS id INTO DUMPFILE '" + file + "'"}, "INTO at character 16"},
		{"INTO a variable", config.Dataset{Table: "w", Where: "1=1) INTO @v #"}, "INTO"},
		{"INTO hidden from one sql_mode", config.Dataset{Table: "w", Where: `id = 'a\' ) INTO OUTFILE \'` + file + `\' #'`}, "NO_BACKSLASH_ESCAPES"},
		{"versioned comment", config.Dataset{Table: "w", Where: "1=1 /*!50000 ) INTO OUTFILE '" + file + "' */"}, "INTO"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := tc.ds
			ds.ID = "pwn"
			for op, err := range read(c, &ds) {
				require.Error(t, err, op)
				require.Contains(t, err.Error(), "dataset pwn", op)
				require.Contains(t, err.Error(), tc.want, op)
			}
			require.Equal(t, before, state())
			_, err := os.Stat(file)
			require.True(t, os.IsNotExist(err), "%s written", file)
		})
	}
}

// TestServerRunsOneStatementIntegration: where the text dq sends could
// still hold two statements (a lexer that misread it), the server runs
// none of them: multi-statement text is off.
func TestServerRunsOneStatementIntegration(t *testing.T) {
	name, db := testDB(t)
	exec(t, db, "CREATE TABLE w (id INT); INSERT INTO w VALUES (1)")
	c := open(t, name, settings{})
	ctx := context.Background()
	cn, err := c.session(ctx)
	require.NoError(t, err)
	defer cn.Close()
	_, err = cn.ExecContext(ctx, "SELECT 1; DELETE FROM w")
	require.ErrorContains(t, err, "SQL syntax")
	var n int
	require.NoError(t, db.QueryRow("SELECT COUNT(*) FROM w").Scan(&n))
	require.Equal(t, 1, n)
}
