package spell

import (
	"fmt"
	"io/fs"
	"math"
	"os"
	"strings"
	"testing"
	"time"
)

func TestSuggest(t *testing.T) {
	keys := []string{"tempo", "time_signature", "velocity", "volume", "pan", "scene", "stopall", "voices"}
	for _, tc := range []struct{ in, want string }{
		{"Tempo", "tempo"},            // case only
		{"temop", "tempo"},            // swapped letters are one edit
		{"tmpo", "tempo"},             // one deletion
		{"velocty", "velocity"},       // one deletion in a long word
		{"volumn", "volume"},          // two edits, allowed from 5 letters
		{"pn", "pan"},                 // one edit in a short word
		{"px", ""},                    // two edits in a short word
		{"time", "time_signature"},    // the one candidate it begins
		{"vel", "velocity"},           // likewise
		{"v", ""},                     // too short to stand for anything
		{"scenes", "scene"},           // one insertion
		{"stop_all", "stopall"},       // likewise
		{"panning", "pan"},            // begins with a candidate
		{"xyzzy", ""},                 // nothing near
		{"", ""},                      // nothing to match
		{strings.Repeat("a", 65), ""}, // too long to compare
		{"vo", ""},                    // begins two candidates: no guess
	} {
		if got := Suggest(tc.in, keys); got != tc.want {
			t.Errorf("Suggest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "abc", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"abc", "abd", 1},
		{"abc", "acb", 1}, // a swap of neighbours
		{"kitten", "sitting", 3},
		{"ca", "abc", 3}, // optimal string alignment, not full Damerau
	} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := editDistance(tc.b, tc.a); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d (symmetric)", tc.b, tc.a, got, tc.want)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	names := []string{"loop", "oneshot", "gate"}
	if got, want := DidYouMean("lop", names, true), `; did you mean "loop"?`; got != want {
		t.Errorf("DidYouMean(lop) = %q, want %q", got, want)
	}
	if got, want := DidYouMean("zzz", names, true), "; expected one of loop, oneshot, gate"; got != want {
		t.Errorf("DidYouMean(zzz, list) = %q, want %q", got, want)
	}
	if got := DidYouMean("zzz", names, false); got != "" {
		t.Errorf("DidYouMean(zzz) = %q, want nothing", got)
	}
}

func TestSpelling(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{Number(48000), "48000"},
		{Number(0.25), "0.25"},
		{Number(math.NaN()), "nan"},
		{Number(math.Inf(1)), "inf"},
		{Number(math.Inf(-1)), "-inf"},
		{Quote(`a "b"`), `"a \"b\""`},
		{Quote(strings.Repeat("é", 41)), `"` + strings.Repeat("é", 40) + `…"`},
		{Describe("x"), `string "x"`},
		{Describe(int64(3)), "number 3"},
		{Describe(1.5), "number 1.5"},
		{Describe(true), "true"},
		{Describe(time.Time{}), "a date"},
		{Describe([]any{1}), "a list"},
		{Describe([]map[string]any{{}}), "a list"},
		{Describe(map[string]any{}), "a table"},
		{Describe(int8(1)), "int8"},
		{Describe(int64(math.MaxInt64)), "number 9223372036854775807"},
		{Value(int64(math.MaxInt64)), "9223372036854775807"},
		{Value(int64(-3)), "-3"},
		{Value(1e300), "1e+300"},
		{Value(0.5), "0.5"},
		{Value(math.Inf(-1)), "-inf"},
		{Count(1, "track"), "1 track"},
		{Count(0, "track"), "0 tracks"},
		{Count(int64(2), "more bad line"), "2 more bad lines"},
		{Count(uint64(1), "underrun"), "1 underrun"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
}

func TestErrorDropsTheRepeatedPath(t *testing.T) {
	_, err := os.Open("/nonexistent/set.toml")
	if got, want := Error(err), fs.ErrNotExist.Error(); !strings.Contains(got, "no such file") || strings.Contains(got, "set.toml") {
		t.Errorf("Error(%v) = %q, want the reason alone (like %q)", err, got, want)
	}
	if got := Error(fmt.Errorf("plain")); got != "plain" {
		t.Errorf("Error(plain) = %q", got)
	}
}
