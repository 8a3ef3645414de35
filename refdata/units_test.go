package refdata

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestUnitNames(t *testing.T) {
	provinces, err := Load(Provinces2025)
	require.NoError(t, err)
	all2025 := provinces.Values("province_code")
	require.Len(t, all2025, 34)
	for _, tc := range []struct {
		name  string
		codes []string
		named int               // how many codes get a name
		want  map[string]string // some of them
	}{
		{"provinces of 2025; a stale code says its era", append([]string{"02", "NULL", "99"}, all2025...), 35,
			map[string]string{"01": "Thành phố Hà Nội", "24": "Tỉnh Bắc Ninh", "91": "Tỉnh An Giang", "02": "Tỉnh Hà Giang (trước 1/7/2025)"}},
		{"provinces of before: reused codes get their old names", []string{"02", "06", "24", "91"}, 4,
			map[string]string{"02": "Tỉnh Hà Giang", "06": "Tỉnh Bắc Kạn", "24": "Tỉnh Bắc Giang", "91": "Tỉnh Kiên Giang"}},
		{"numbers that lost their zeros", []string{"1", "79"}, 2,
			map[string]string{"1": "Thành phố Hà Nội", "79": "Thành phố Hồ Chí Minh"}},
		{"districts, abolished in 2025", []string{"001", "002"}, 2,
			map[string]string{"001": "Quận Ba Đình", "002": "Quận Hoàn Kiếm"}},
		{"communes of 2025: 00004 changed its name", []string{"00004", "00008"}, 2,
			map[string]string{"00004": "Phường Ba Đình", "00008": "Phường Ngọc Hà"}},
		{"communes of before", []string{"00001", "00004"}, 2,
			map[string]string{"00001": "Phường Phúc Xá", "00004": "Phường Trúc Bạch"}},
		{"not codes", []string{"Hà Nội", "0123456", ""}, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := UnitNames(tc.codes)
			require.NoError(t, err)
			require.Len(t, got, tc.named)
			for code, name := range tc.want {
				require.Equal(t, name, got[code], code)
			}
		})
	}
}
