package tomlpos

import (
	"fmt"
	"math"

	"gridbox/internal/spell"
)

// Whole returns v, a value from the TOML parser, as a whole number in
// lo..hi (a float with no fractional part, such as 48000.0, counts), or
// else a message about it, naming it what.
func Whole(what string, v any, lo, hi int) (int, string) {
	var f float64
	switch v := v.(type) {
	case int64:
		f = float64(v)
	case float64:
		f = v
	default:
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
