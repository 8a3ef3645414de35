package mask

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// What engines, readers and servers put in their errors: the data goes,
// what an operator needs to act stays.
func TestMessage(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"DuckDB cast",
			`Conversion Error: Could not convert string '001099012345' to INT32 in column "cccd" ('M')`,
			`Conversion Error: Could not convert string '***' to INT32 in column "cccd" ('M')`},
		{"a cast of a short value",
			`Could not convert string 'An' to INT32`,
			`Could not convert string '***' to INT32`},
		{"a cast in a CSV read, double-quoted",
			`Error when converting column "birth_date". Could not convert string "1990-13-45 Nguyễn" to 'DATE'`,
			`Error when converting column "birth_date". Could not convert string '***' to '***'`},
		{"a cast the engine cut",
			`Could not convert string 'Nguyễn Văn An và`,
			`Could not convert string '***'`},
		{"CSV line",
			"Invalid Input Error: CSV Error on Line: 3\nOriginal Line: 079123456789,Nguyễn Văn An,an@example.vn,x\nExpected Number of columns: 3 Found: 4",
			"Invalid Input Error: CSV Error on Line: 3\nOriginal Line: ***\nExpected Number of columns: 3 Found: 4"},
		{"JSON input",
			`Invalid Input Error: Malformed JSON at byte 30 of input: unexpected end of data.  Input: "{"cccd": "079123456789", "x": "`,
			`Invalid Input Error: Malformed JSON at byte 30 of input: unexpected end of data.  Input: ***`},
		{"JSON in a body",
			`api answered 400 Bad Request: {"error": "bad record", "ho_ten": "Nguyễn Văn An"}`,
			`api answered 400 Bad Request: {***}`},
		{"a value after a colon",
			`Conversion Error: date field value out of range: "1990-13-45"`,
			`Conversion Error: date field value out of range: "***"`},
		{"PostgreSQL",
			`ERROR: invalid input syntax for type integer: "Nguyễn" (SQLSTATE 22P02)`,
			`ERROR: invalid input syntax for type integer: "***" (SQLSTATE 22P02)`},
		{"unquoted identifiers",
			"duplicate citizen 079123456789 and 0011 2233 4455 (CMND 123456789)",
			"duplicate citizen *** and *** (CMND ***)"},
		{"phone numbers",
			"phone +84 912 345 678, 0912-345-678 or 0912.345.678",
			"phone ***, *** or ***"},
		{"e-mail",
			"no such user an.nguyen+dq@example.gov.vn here",
			"no such user ***@*** here"},
		{"a database server stays",
			"connect dq@db.example.gov.vn:5432/population failed: connection refused",
			"connect dq@db.example.gov.vn:5432/population failed: connection refused"},
		{"dates, times, counts and identifiers stay",
			`dataset a: 400 rows of 20400 since 2025-01-02 10:11:12; column "cccd" not found`,
			`dataset a: 400 rows of 20400 since 2025-01-02 10:11:12; column "cccd" not found`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, Message(tc.in))
		})
	}
}

// A message is capped, whatever it quotes; the cut says so.
func TestMessageIsCapped(t *testing.T) {
	long := "Invalid Input Error: " + strings.Repeat("x", 10<<20)
	got := Message(long)
	require.Equal(t, MaxMessage, utf8.RuneCountInString(strings.Split(got, "…[cut")[0]))
	require.True(t, strings.HasSuffix(got, "…[cut, 10485781 characters]"), got[len(got)-40:])
	require.Less(t, len(got), 2*MaxMessage)
}

func TestCut(t *testing.T) {
	require.Equal(t, "Nguyễn", Cut("Nguyễn", 6), "characters, not bytes")
	require.Equal(t, "Ngu…[cut, 6 characters]", Cut("Nguyễn", 3))
	require.Equal(t, "", Cut("", 3))
}
