package config

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestErrorSaysWhere(t *testing.T) {
	for _, tc := range []struct {
		err  Error
		want string
	}{
		{Error{Loc: Location{File: "c.yaml", Line: 4, Col: 7}, Field: "dataset a.sample.rows", Msg: "must be a positive number of rows"},
			"c.yaml:4: dataset a.sample.rows: must be a positive number of rows"},
		{Error{Loc: Location{File: "c.yaml"}, Field: "bands", Msg: "need 0 <= yellow"}, "c.yaml: bands: need 0 <= yellow"},
		{Error{Loc: Location{File: "c.yaml"}, Msg: "the file is empty"}, "c.yaml: the file is empty"},
		{Error{Field: "sources.files", Msg: "unknown key"}, "sources.files: unknown key"},
		{Error{Msg: "bare"}, "bare"},
	} {
		require.Equal(t, tc.want, tc.err.Error())
	}
}

var errOwn = errors.New("a connector's own kind of problem")

// Every config error is ErrInvalid (exit code 2), and also the kind its
// owner gave it.
func TestErrorKinds(t *testing.T) {
	plain := &Error{Msg: "x"}
	require.ErrorIs(t, plain, ErrInvalid)
	require.NotErrorIs(t, plain, errOwn)
	owned := &Error{Msg: "y", Err: errOwn}
	require.ErrorIs(t, owned, ErrInvalid)
	require.ErrorIs(t, owned, errOwn)

	var errs Errors
	require.NoError(t, errs.Err())
	errs.Add(Location{File: "c.yaml", Line: 2}, "sources.db", "kind is missing (%s)", "file, postgres")
	errs = append(errs, owned)
	err := errs.Err()
	require.ErrorIs(t, err, ErrInvalid)
	require.ErrorIs(t, err, errOwn)
	var one *Error
	require.ErrorAs(t, err, &one)
	require.Equal(t, "sources.db", one.Field)
	require.Equal(t, "c.yaml:2: sources.db: kind is missing (file, postgres)\ny", err.Error())
}
