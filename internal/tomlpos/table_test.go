package tomlpos

import (
	"slices"
	"testing"
)

// TestTable_Getters: each getter returns a good value, returns false and
// records nothing for a missing key, and records a bad value's problem at
// the value, naming the key with the table's prefix.
func TestTable_Getters(t *testing.T) {
	var p Problems
	tb := &Table{P: &p, N: (*Node)(nil).Child("audio"), Where: "in [audio]", Prefix: "audio.", M: map[string]any{
		"s": "x", "i": 48000.0, "f": int64(2), "b": true, "e": " Tap ",
		"bad_s": int64(1), "bad_i": 0.5, "big_i": int64(9), "bad_f": "2", "big_f": 3.5,
		"bad_b": "yes", "bad_e": "tpa",
	}}
	if v, ok := tb.Str("s", "a string"); v != "x" || !ok {
		t.Errorf("Str = %q, %v", v, ok)
	}
	if v, ok := tb.Int("i", 0, 48000); v != 48000 || !ok {
		t.Errorf("Int = %d, %v", v, ok)
	}
	if v, ok := tb.Num("f", 0, 2); v != 2 || !ok {
		t.Errorf("Num = %v, %v", v, ok)
	}
	if v, ok := tb.Bool("b"); !v || !ok {
		t.Errorf("Bool = %v, %v", v, ok)
	}
	if v, ok := tb.Enum("e", []string{"startstop", "tap"}); v != 1 || !ok {
		t.Errorf("Enum = %d, %v", v, ok)
	}
	_, ok1 := tb.Str("none", "a string")
	_, ok2 := tb.Int("none", 0, 1)
	_, ok3 := tb.Num("none", 0, 1)
	_, ok4 := tb.Bool("none")
	_, ok5 := tb.Enum("none", []string{"a"})
	if ok1 || ok2 || ok3 || ok4 || ok5 || p.Len() != 0 {
		t.Errorf("a missing key: ok %v %v %v %v %v, %d problems", ok1, ok2, ok3, ok4, ok5, p.Len())
	}
	tb.Str("bad_s", "a device's name")
	tb.Int("bad_i", 0, 10)
	tb.Int("big_i", 0, 8)
	tb.Num("bad_f", 0, 1)
	tb.Num("big_f", 0, 1.5)
	tb.Bool("bad_b")
	tb.Enum("bad_e", []string{"startstop", "tap"})
	if !tb.Require("s", "unused") || tb.Require("none", "audio needs none") {
		t.Error("Require is wrong about which keys there are")
	}
	want := []string{
		`audio.bad_s: expected a device's name, got number 1`,
		`audio.bad_i: expected a whole number, got number 0.5`,
		`audio.big_i 9 is out of range 0..8`,
		`audio.bad_f: expected a number, got string "2"`,
		`audio.big_f 3.5 is out of range 0..1.5`,
		`audio.bad_b: expected true or false, got string "yes"`,
		`audio.bad_e "tpa": expected one of startstop, tap; did you mean "tap"?`,
		`audio needs none`,
	}
	if got := messages(&p); !slices.Equal(got, want) {
		t.Errorf("problems:\n%q\nwant:\n%q", got, want)
	}
	for _, pr := range p.list {
		if !pr.val {
			t.Errorf("problem %q is at the key, want the value", pr.msg)
		}
	}
}

// TestTable_Unknown: unknown keys are reported in key order with the
// nearest valid key, else the caller's advice, else the valid keys.
func TestTable_Unknown(t *testing.T) {
	var p Problems
	tb := &Table{P: &p, Where: "at the top level", M: map[string]any{
		"tempo": 1, "temp": 1, "rate": 1, "zzz": 1,
	}}
	tb.Unknown([]string{"name", "tempo"}, func(k string) string {
		if k == "rate" {
			return "; rate belongs in [audio]"
		}
		return ""
	})
	want := []string{
		`unknown key "rate" at the top level; rate belongs in [audio]`,
		`unknown key "temp" at the top level; did you mean "tempo"?`,
		`unknown key "zzz" at the top level; valid keys are name, tempo`,
	}
	if got := messages(&p); !slices.Equal(got, want) {
		t.Errorf("problems:\n%q\nwant:\n%q", got, want)
	}
}

// TestTable_TablesAndSub: arrays of tables in either spelling, the limit,
// and the mistakes of writing one kind of table for the other.
func TestTable_TablesAndSub(t *testing.T) {
	var p Problems
	root := &Table{P: &p, M: map[string]any{
		"track":  []map[string]any{{"a": 1}, {"b": 2}, {"c": 3}},
		"scene":  []any{map[string]any{}, int64(4)},
		"clip":   map[string]any{"notes": []map[string]any{{}}},
		"audio":  map[string]any{"rate": int64(1)},
		"gpio":   []map[string]any{{}},
		"state":  "here",
		"number": int64(1),
	}}
	if ts := root.Tables("track", "[[track]]", "tracks", 2); len(ts) != 2 || ts[1].M["b"] != 2 || ts[1].N.Path() != "track[1]" {
		t.Errorf("Tables(track) = %v", ts)
	}
	if ts := root.Tables("scene", "[[scene]]", "scenes", 9); len(ts) != 1 {
		t.Errorf("Tables(scene) = %v", ts)
	}
	if ts := root.Tables("clip", "[[clip]]", "clips", 9); ts != nil {
		t.Errorf("Tables(clip) = %v", ts)
	}
	root.Tables("number", "[[number]]", "numbers", 9)
	if s := root.Sub("audio"); s == nil || s.Where != "in [audio]" || s.What("rate") != "audio.rate" || s.N.Path() != "audio" {
		t.Errorf("Sub(audio) = %+v", s)
	}
	if root.Sub("gpio") != nil || root.Sub("state") != nil || root.Sub("none") != nil {
		t.Error("Sub returned a table that is not one")
	}
	want := []string{
		`too many tracks: 3; the limit is 2`,
		`scene: expected a table, got number 4`,
		`clip must be a list of [[clip]] tables: write [[clip]] with double brackets (is a [[clip]] line missing above [[clip.notes]]?)`,
		`number: expected a list of [[number]] tables, got number 1`,
		`gpio must be a single [gpio] table: write [gpio] with single brackets`,
		`state: expected an [state] table, got string "here"`,
	}
	if got := messages(&p); !slices.Equal(got, want) {
		t.Errorf("problems:\n%q\nwant:\n%q", got, want)
	}
}

// messages returns the messages of p's problems in the order recorded.
func messages(p *Problems) []string {
	var out []string
	for _, pr := range p.list {
		msg := pr.msg
		if pr.later != nil {
			msg = pr.later(NewIndex(false))
		}
		out = append(out, msg)
	}
	return out
}
