// Package spell words what gridbox tells the people who write its files
// (sets, config, performance scripts): values the way a TOML file spells
// them, quoted text, file errors without repeated paths, and "did you mean"
// suggestions for misspelt keys and words. It imports nothing of gridbox,
// so any package may use it; it runs on the control side and holds no
// state.
package spell

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Suggest returns the candidate closest to s, for "did you mean" hints, or
// "" if none is close: a case-insensitive match, one within a small edit
// distance (swapped letters count as one edit), the one candidate s is a
// prefix of, or the one that is a prefix of s ("vel" for "velocity").
func Suggest(s string, candidates []string) string {
	if s == "" || len(s) > 64 {
		return ""
	}
	ls := strings.ToLower(s)
	for _, c := range candidates {
		if strings.ToLower(c) == ls {
			return c
		}
	}
	best, bestD := "", 0
	limit := 1
	if len(s) >= 5 {
		limit = 2
	}
	for _, c := range candidates {
		if d := editDistance(ls, strings.ToLower(c)); d <= limit && (best == "" || d < bestD) {
			best, bestD = c, d
		}
	}
	if best != "" || len(s) < 2 {
		return best
	}
	only := ""
	for _, c := range candidates {
		if strings.HasPrefix(strings.ToLower(c), ls) {
			if only != "" {
				return ""
			}
			only = c
		}
	}
	if only != "" {
		return only
	}
	for _, c := range candidates {
		if len(c) >= 3 && strings.HasPrefix(ls, strings.ToLower(c)) {
			if only != "" {
				return ""
			}
			only = c
		}
	}
	return only
}

// editDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and swaps of neighbours, by byte.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 30
	}
	// Three rows of the dynamic-programming table.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// DidYouMean returns `; did you mean "x"?` for the candidate Suggest picks,
// or "" (or, with list set, "; expected one of a, b, c") when none is close.
func DidYouMean(s string, candidates []string, list bool) string {
	if c := Suggest(s, candidates); c != "" {
		return "; did you mean " + strconv.Quote(c) + "?"
	}
	if list {
		return "; expected one of " + strings.Join(candidates, ", ")
	}
	return ""
}

// Number spells f the way a TOML file would: 48000, 0.25, nan, -inf.
func Number(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// Count spells n of noun, plural unless n is 1: "1 track", "0 tracks",
// "3 more bad lines" (noun "more bad line"). Only regular plurals (+"s").
func Count[N ~int | ~int32 | ~int64 | ~uint | ~uint32 | ~uint64](n N, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Value spells a number from the TOML parser as the file wrote it: an
// integer in full (9223372036854775807, never 9.223372036854776e+18), a
// float as Number does.
func Value(v any) string {
	switch v := v.(type) {
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return Number(v)
	}
	return fmt.Sprint(v)
}

// Quote quotes s for a message, shortening it if it is long.
func Quote(s string) string {
	const limit = 40
	if utf8.RuneCountInString(s) > limit {
		r := []rune(s)
		return strconv.Quote(string(r[:limit]) + "…")
	}
	return strconv.Quote(s)
}

// Describe says what a value from the TOML parser is, for "expected X, got
// Y": string "x", number 3, true, a date, a list, a table.
func Describe(v any) string {
	switch v := v.(type) {
	case string:
		return "string " + Quote(v)
	case int64:
		return "number " + strconv.FormatInt(v, 10)
	case float64:
		return "number " + Number(v)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		return "a date"
	case []any, []map[string]any:
		return "a list"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("%T", v)
}

// Error returns err's message without the path an *fs.PathError repeats.
func Error(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return err.Error()
}
