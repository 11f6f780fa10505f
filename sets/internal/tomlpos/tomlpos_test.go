package tomlpos

import (
	"errors"
	"strings"
	"testing"
)

// wanted is a Table that keeps only the paths it starts with, as package
// sets's does.
type wanted map[string]*[2]Pos

func (w wanted) Slots(path []byte) (key, val *Pos) {
	if e := w[string(path)]; e != nil {
		return &e[0], &e[1]
	}
	return nil, nil
}

func (w wanted) Get(path string) (key, val Pos) {
	if e := w[path]; e != nil {
		return e[0], e[1]
	}
	return Pos{}, Pos{}
}

// TestScan_Table: Scan fills in only the slots a Table gives it, the first
// mention of an implicit table wins, and KeyPos and ValPos fall back to the
// nearest ancestor's key.
func TestScan_Table(t *testing.T) {
	const src = "[a.b]\nc = 1\n[a]\nd = [1, { e = 2 }]\n"
	w := wanted{"a": {}, "a.d[1].e": {}}
	Scan(src, 32, w)
	if len(w) != 2 {
		t.Errorf("Scan added paths to the table: %v", w)
	}
	a := (*Node)(nil).Child("a")
	e := a.Child("d").Elem(1).Child("e")
	for _, tt := range []struct {
		name string
		got  Pos
		want Pos
	}{
		{"key of a, first mentioned in [a.b]", KeyPos(w, a), Pos{1, 2}},
		{"key of a.d[1].e", KeyPos(w, e), Pos{4, 11}},
		{"value of a.d[1].e", ValPos(w, e), Pos{4, 15}},
		{"key of a.d, not wanted", KeyPos(w, a.Child("d")), Pos{1, 2}},
		{"value of a.x, not there", ValPos(w, a.Child("x")), Pos{1, 2}},
		{"key of z, no ancestor", KeyPos(w, (*Node)(nil).Child("z")), Pos{}},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
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
