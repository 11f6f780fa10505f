package tomlpos

import (
	"math"
	"testing"
)

func TestWhole(t *testing.T) {
	for _, tt := range []struct {
		v    any
		want int
		msg  string
	}{
		{int64(7), 7, ""},
		{48000.0, 48000, ""},
		{int64(-3), -3, ""},
		{0.5, 0, "n: expected a whole number, got number 0.5"},
		{math.Inf(1), 0, "n: expected a whole number, got number inf"},
		{math.NaN(), 0, "n: expected a whole number, got number nan"},
		{"7", 0, `n: expected a whole number, got string "7"`},
		{int64(48001), 0, "n 48001 is out of range -10..48000"},
		{-11.0, 0, "n -11 is out of range -10..48000"},
		{int64(math.MaxInt64), 0, "n 9223372036854775807 is out of range -10..48000"}, // not 9.223372036854776e+18
		{1e300, 0, "n 1e+300 is out of range -10..48000"},
	} {
		if got, msg := Whole("n", tt.v, -10, 48000); got != tt.want || msg != tt.msg {
			t.Errorf("Whole(%v) = %d, %q; want %d, %q", tt.v, got, msg, tt.want, tt.msg)
		}
	}
}
