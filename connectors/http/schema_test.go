package http_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"

	"github.com/vn-registries/dq/connectors"
	httpconn "github.com/vn-registries/dq/connectors/http"
)

func rawServer(t *testing.T, body string) *server {
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	})
}

func TestInferSchemaIntegration(t *testing.T) {
	s := rawServer(t, `[
		{"id": 1, "ratio": 1,   "ok": true,  "name": "Nguyễn",  "mixed": 1,    "nested": {"a": [1, 2]}, "empty": null},
		{"id": 2, "ratio": 2.5, "ok": false, "name": null,      "mixed": "x",  "nested": [ "b" ],       "empty": null, "late": 7},
		{"id": 3,               "ok": null,  "name": "An",      "mixed": true, "nested": null}
	]`)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var logs bytes.Buffer
	c := openWith(t, s.URL, connectors.Deps{Mem: mem, Logger: slog.New(slog.NewTextHandler(&logs, nil))}, nil)
	r, err := extract(t, c, &httpconn.Dataset{})
	require.NoError(t, err)
	defer r.Release()
	require.Equal(t, []string{
		"id int64", "ratio float64", "ok bool", "name utf8", "mixed utf8", "nested utf8", "empty utf8", "late int64",
	}, fieldNames(r.Schema()))
	in := r.Inference()
	require.False(t, in.Declared)
	require.Equal(t, 3, in.Records)
	require.Equal(t, httpconn.Column{Name: "mixed", Type: "string", Seen: []string{"string", "integer", "bool"}}, in.Columns[4])
	require.Equal(t, "id int64, ratio float64 (integer|number), ok bool (null|bool), name string (null|string), "+
		"mixed string (string|integer|bool), nested string (null|object|array), empty string (null), late int64", in.String())
	require.Contains(t, logs.String(), "http: inferred schema")
	require.Contains(t, logs.String(), "records=3")

	rows, _, err := drain(r)
	require.NoError(t, err)
	require.Equal(t, [][]any{
		{int64(1), 1.0, true, "Nguyễn", "1", `{"a":[1,2]}`, nil, nil},
		{int64(2), 2.5, false, nil, "x", `["b"]`, nil, int64(7)},
		{int64(3), nil, nil, "An", "true", nil, nil, nil},
	}, rows)
	require.Empty(t, r.Mismatches())
}

// Past the first 1000 records nothing is re-inferred: a value that does
// not fit is NULL and counted, and so is a key never seen before.
func TestInferredMismatchesIntegration(t *testing.T) {
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		p := intParam(r, "page", 1)
		var recs []map[string]any
		for i := 0; i < 1000; i++ {
			rec := map[string]any{"id": (p-1)*1000 + i, "v": 1}
			if p == 2 && i < 3 {
				rec["v"] = "not a number"
				rec["surprise"] = true
			}
			recs = append(recs, rec)
		}
		if p > 2 {
			recs = nil
		}
		writeJSON(w, recs)
	})
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var logs bytes.Buffer
	c := openWith(t, s.URL, connectors.Deps{Mem: mem, Logger: slog.New(slog.NewTextHandler(&logs, nil))}, nil)
	r, err := extract(t, c, &httpconn.Dataset{Pagination: "page", PageSize: 1000})
	require.NoError(t, err)
	defer r.Release()
	require.Equal(t, []string{"id int64", "v int64"}, fieldNames(r.Schema()))
	rows, _, err := drain(r)
	require.NoError(t, err)
	require.Len(t, rows, 2000)
	require.Equal(t, []any{int64(1000), nil}, rows[1000])
	require.Equal(t, map[string]int64{"v": 3, "surprise": 3}, r.Mismatches())
	require.Contains(t, logs.String(), "level=WARN msg=\"http: values that do not fit the schema were read as NULL\"")
	require.Contains(t, logs.String(), "mismatch.v=3")
}

func TestDeclaredSchemaIntegration(t *testing.T) {
	s := rawServer(t, `{"data": [
		{"id": 1,     "amount": 1.5,   "active": true,    "born": "2001-02-03",          "seen": "2024-05-06T07:08:09Z",   "code": 42,   "extra": 1},
		{"id": "2",   "amount": "2.5", "active": "false", "born": "2001-02-04T00:00:00", "seen": "2024-05-06 07:08:09",    "code": "007"},
		{"id": 3.0,   "amount": 3,     "active": 1,       "born": "04/02/2001",          "seen": "2024-05-06T07:08:09+07:00", "code": {"x": 1}},
		{"id": "x",   "amount": "n/a", "active": "yes",   "born": 20010203,              "seen": 1714979289,               "code": null},
		{"id": 3.5,   "amount": true,  "active": null,    "born": null,                  "seen": "yesterday"}
	]}`)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	c := open(t, s.URL, mem, nil)
	before := s.requests.Load()
	r, err := extract(t, c, &httpconn.Dataset{Records: "data", Schema: map[string]string{
		"id": "int64", "amount": "float64", "active": "bool", "born": "date", "seen": "timestamp", "code": "string", "missing": "string",
	}})
	require.NoError(t, err)
	defer r.Release()
	require.Equal(t, before, s.requests.Load(), "a declared schema needs no request before Next")
	require.True(t, r.Inference().Declared)
	require.Equal(t, []string{
		"active bool", "amount float64", "born date32", "code utf8", "id int64", "missing utf8", "seen timestamp[us, tz=UTC]",
	}, fieldNames(r.Schema()))
	rows, _, err := drain(r)
	require.NoError(t, err)
	require.Equal(t, [][]any{
		{true, 1.5, "2001-02-03", "42", int64(1), nil, "2024-05-06T07:08:09Z"},
		// No zone: read in Asia/Ho_Chi_Minh, dq's default (UTC+7).
		{false, 2.5, "2001-02-04", "007", int64(2), nil, "2024-05-06T00:08:09Z"},
		{nil, 3.0, nil, `{"x":1}`, int64(3), nil, "2024-05-06T00:08:09Z"},
		{nil, nil, nil, nil, nil, nil, nil},
		{nil, nil, nil, nil, nil, nil, nil},
	}, rows)
	require.Equal(t, map[string]int64{"id": 2, "amount": 2, "active": 2, "born": 2, "seen": 2}, r.Mismatches())
}

func TestBadSchemaType(t *testing.T) {
	s := rawServer(t, `[]`)
	_, err := extract(t, open(t, s.URL, memory.DefaultAllocator, nil), &httpconn.Dataset{Schema: map[string]string{"id": "integer"}})
	require.ErrorIs(t, err, connectors.ErrConfig)
	require.ErrorContains(t, err, `schema: id: unknown type "integer"`)
}

// Records that are not objects, or a records path that is not there,
// fail instead of reading as an empty dataset.
func TestBadShapeIntegration(t *testing.T) {
	tests := []struct{ body, records, msg string }{
		{`{"data": [1, 2]}`, "data", "record 1: a record is integer, not an object"},
		{`{"result": {"rows": []}}`, "result.records", "no result.records in the body"},
		{`{"data": {"a": 1}}`, "data", "data is object, not an array"},
		{`{"data": []}`, "", "the body is object, not an array"},
	}
	for _, tt := range tests {
		s := rawServer(t, tt.body)
		_, err := extract(t, open(t, s.URL, memory.DefaultAllocator, nil), &httpconn.Dataset{Records: tt.records})
		require.ErrorIs(t, err, connectors.ErrResponse)
		require.ErrorContains(t, err, tt.msg)
		require.Equal(t, int64(1), s.requests.Load(), "a bad shape is not retried")
	}
	// null is an empty page; with no records at all there are no columns
	// to infer.
	s := rawServer(t, `{"data": null}`)
	_, err := extract(t, open(t, s.URL, memory.DefaultAllocator, nil), &httpconn.Dataset{Records: "data"})
	require.ErrorIs(t, err, connectors.ErrResponse)
	require.ErrorContains(t, err, "declare them in schema:")
	r, err := extract(t, open(t, s.URL, memory.DefaultAllocator, nil), &httpconn.Dataset{Records: "data", Schema: map[string]string{"id": "int64"}})
	require.NoError(t, err)
	defer r.Release()
	require.False(t, r.Next())
	require.NoError(t, r.Err())
	require.Equal(t, 1, r.Schema().NumFields())
}
