package sets

import (
	"strconv"
	"strings"
)

// suggest returns the candidate closest to s, for "did you mean" hints, or ""
// if none is close: a case-insensitive match, the one candidate s is a prefix
// of, or one within a small edit distance (swapped letters count as one edit).
func suggest(s string, candidates []string) string {
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
	if best != "" {
		return best
	}
	if len(s) >= 2 {
		var only string
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
		// "velocity" for "vel".
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
	return ""
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

// didYouMean returns `; did you mean "x"?` for the closest candidate, or ""
// (or, with list set, "; expected one of a, b, c") when none is close.
func didYouMean(s string, candidates []string, list bool) string {
	if c := suggest(s, candidates); c != "" {
		return "; did you mean " + strconv.Quote(c) + "?"
	}
	if list {
		return "; expected one of " + strings.Join(candidates, ", ")
	}
	return ""
}
