package tomlpos

import (
	"fmt"
	"math"

	"gridbox/internal/spell"
)

// Number returns v, a value from the TOML parser, as a float64, and
// whether it is a number at all (an integer or a float).
func Number(v any) (float64, bool) {
	switch v := v.(type) {
	case int64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

// Whole returns v, a value from the TOML parser, as a whole number in
// lo..hi (a float with no fractional part, such as 48000.0, counts), or
// else a message about it, naming it what.
func Whole(what string, v any, lo, hi int) (int, string) {
	f, ok := Number(v)
	if !ok {
		f = math.NaN()
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) {
		return 0, fmt.Sprintf("%s: expected a whole number, got %s", what, spell.Describe(v))
	}
	if f < float64(lo) || f > float64(hi) {
		return 0, fmt.Sprintf("%s %s is out of range %d..%d", what, spell.Value(v), lo, hi)
	}
	return int(f), ""
}
