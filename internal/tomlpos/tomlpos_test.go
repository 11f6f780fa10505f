package tomlpos

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// TestScan_Index: Scan fills in only the paths an Index wants (or every
// path, for an Index of all), the first mention of an implicit table wins,
// and Key and Val fall back to the nearest ancestor's key.
func TestScan_Index(t *testing.T) {
	const src = "[a.b]\nc = 1\n[a]\nd = [1, { e = 2 }]\n"
	a := (*Node)(nil).Child("a")
	e := a.Child("d").Elem(1).Child("e")
	ix := NewIndex(false)
	ix.Want(e)
	Scan(src, 32, ix)
	if got := len(ix.Values()); got != 4 {
		t.Errorf("Scan recorded %d paths (%v), want a.d[1].e and its 3 ancestors", got, ix.Values())
	}
	for _, tt := range []struct {
		name string
		got  Pos
		want Pos
	}{
		{"key of a, first mentioned in [a.b]", ix.Key(a), Pos{1, 2}},
		{"key of a.d[1].e", ix.Key(e), Pos{4, 11}},
		{"value of a.d[1].e", ix.Val(e), Pos{4, 15}},
		{"value of a.d", ix.Val(a.Child("d")), Pos{4, 5}},
		{"key of a.c, not wanted", ix.Key(a.Child("b").Child("c")), Pos{1, 2}},
		{"value of a.x, not there", ix.Val(a.Child("x")), Pos{1, 2}},
		{"key of z, no ancestor", ix.Key((*Node)(nil).Child("z")), Pos{}},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	if _, _, ok := ix.At(a.Child("b").Child("c")); ok {
		t.Error("At found a path nobody wanted")
	}

	all := NewIndex(true)
	Scan(src, 32, all)
	want := map[string]Pos{"a": {1, 2}, "a.b": {1, 1}, "a.b.c": {2, 5}, "a.d": {4, 5},
		"a.d[0]": {4, 6}, "a.d[1]": {4, 9}, "a.d[1].e": {4, 15}}
	if got := all.Values(); !maps.Equal(got, want) {
		t.Errorf("an Index of all: values %v, want %v", got, want)
	}
}

// TestProblems_Resolve: problems come out in document order (ties in the
// order recorded), exact duplicates once, later messages built with the
// positions, and past the limit one line says how many more there are.
func TestProblems_Resolve(t *testing.T) {
	const src = "x = 1\ny = 2\n[t]\nz = 3\n"
	root := (*Node)(nil)
	x, y, z := root.Child("x"), root.Child("y"), root.Child("t").Child("z")
	var p Problems
	p.Add(z, true, "z is wrong")
	p.Add(y, false, "y is wrong")
	p.Add(y, false, "y is wrong") // a duplicate
	p.Add(y, false, "y again")
	p.AddLater(x, true, func(ix *Index) string { return fmt.Sprintf("x clashes with line %d", ix.Key(z).Line) })
	p.Add(root.Child("missing"), false, "no position")
	ix := NewIndex(false)
	p.Want(ix)
	Scan(src, 32, ix)
	got := p.Resolve(ix, 10)
	want := []Problem{
		{Pos{}, "no position"},
		{Pos{1, 5}, "x clashes with line 4"},
		{Pos{2, 1}, "y is wrong"},
		{Pos{2, 1}, "y again"},
		{Pos{4, 5}, "z is wrong"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Resolve = %v, want %v", got, want)
	}
	got = p.Resolve(ix, 2)
	want = []Problem{want[0], want[1], {Pos{2, 1}, "too many problems; 3 more not shown"}}
	if !slices.Equal(got, want) {
		t.Errorf("Resolve with a limit of 2 = %v, want %v", got, want)
	}

	// A hostile file's 100,000 problems: only the messages shown are built.
	var many Problems
	built := 0
	for range 100_000 {
		many.AddLater(x, false, func(*Index) string { built++; return "slow" })
	}
	many.Resolve(ix, 200)
	if built != 400 {
		t.Errorf("100,000 lazy problems: %d messages built, want 400 (twice the limit, for duplicates)", built)
	}
}

// TestDecode_Failures: each kind of failure carries its position and the
// cause from Rules (none for text that is not UTF-8), and a syntax error
// gets the hint.
func TestDecode_Failures(t *testing.T) {
	tooDeep, syntax := errors.New("too deep"), errors.New("syntax")
	r := Rules{MaxDepth: 4, TooDeep: tooDeep, Syntax: syntax,
		Hint: func(lastKey, msg string) string { return "; hint for " + lastKey }}
	for _, tt := range []struct {
		src  string
		pos  Pos
		msg  string // prefix
		want error
	}{
		{"a = \"\xff\"", Pos{1, 6}, "the file is not UTF-8 text (byte 0xff)", nil},
		{"a = [[[[[1]]]]]", Pos{1, 9}, "nested too deeply: more than 4 levels", tooDeep},
		{"a.b = 1\na.b = 2", Pos{2, 1}, "syntax error: ", syntax},
	} {
		raw, f := Decode(tt.src, r)
		switch {
		case raw != nil || f == nil:
			t.Errorf("Decode(%q) = %v, %v; want nil and a Failure", tt.src, raw, f)
		case f.Pos != tt.pos || !strings.HasPrefix(f.Msg, tt.msg) || f.Err != tt.want:
			t.Errorf("Decode(%q) failure = %+v; want at %v, %q…, cause %v", tt.src, f, tt.pos, tt.msg, tt.want)
		case f.Err == syntax && !strings.HasSuffix(f.Msg, "; hint for a.b"):
			t.Errorf("Decode(%q) message %q has no hint", tt.src, f.Msg)
		}
	}
	if raw, f := Decode("a = 1", r); f != nil || raw["a"] != int64(1) {
		t.Errorf(`Decode("a = 1") = %v, %+v`, raw, f)
	}
}
