package sets

import (
	"testing"

	"gridbox/internal/tomlpos"
)

// TestScanPositions: the scanner finds keys and values however the TOML is
// written. Each want is a node and the "LINE:COL" of its key and value.
func TestScanPositions(t *testing.T) {
	src := "# [[not]] a header\n" + // 1
		"a = \"\"\"multi [ line\n" + // 2
		"  still ] \\\"\"\" string\"\"\"\n" + // 3
		"'b.c' = 1 # [\r\n" + // 4
		"\"\" = 2\n" + // 5
		"d . \"e\\u00e9\" . f = [ [1, 2], { g = 3 } ]\n" + // 6
		"\"é\" = 'x' # ; x = [\n" + // 7
		"[[t]]\n" + // 8
		"[[t.u]]\n" + // 9
		"  v = 1\n" + // 10
		"[[t]]\n" + // 11
		"  [[t.u]]\n" + // 12
		"  [[t.u]]\n" + // 13
		"  w = { x = [\n" + // 14
		"    1, # one\n" + // 15
		"    { y = 2 },\n" + // 16
		"  ], }\n" + // 17
		"  [t.u.z]\n" + // 18
		"  k = 1979-05-27 07:32:00Z\n" + // 19
		"  l = \"after\"\n" // 20
	if _, err := decodeTOML(src); err != nil {
		t.Fatalf("the test document is not valid TOML: %v", err)
	}
	root := (*node)(nil)
	tr := root.child("t")
	cases := []struct {
		n        *node
		key, val string
	}{
		{root.child("a"), "2:1", "2:5"},
		{root.child("b.c"), "4:1", "4:9"},
		{root.child(""), "5:1", "5:6"},
		{root.child("d"), "6:1", "6:1"},
		{root.child("d").child("eé"), "6:5", "6:5"},
		{root.child("d").child("eé").child("f"), "6:17", "6:21"},
		{root.child("d").child("eé").child("f").elem(0).elem(1), "6:27", "6:27"},
		{root.child("d").child("eé").child("f").elem(1).child("g"), "6:33", "6:37"},
		{root.child("é"), "7:1", "7:7"},
		{tr, "8:1", "8:1"},
		{tr.elem(0), "8:1", "8:1"},
		{tr.elem(0).child("u").elem(0).child("v"), "10:3", "10:7"},
		{tr.elem(1), "11:1", "11:1"},
		{tr.elem(1).child("u").elem(0), "12:3", "12:3"},
		{tr.elem(1).child("u").elem(1), "13:3", "13:3"},
		{tr.elem(1).child("u").elem(1).child("w").child("x").elem(0), "15:5", "15:5"},
		{tr.elem(1).child("u").elem(1).child("w").child("x").elem(1).child("y"), "16:7", "16:11"},
		{tr.elem(1).child("u").elem(1).child("z"), "18:3", "18:3"},
		{tr.elem(1).child("u").elem(1).child("z").child("k"), "19:3", "19:7"},
		{tr.elem(1).child("u").elem(1).child("z").child("l"), "20:3", "20:7"},
		// Not in the document: the nearest ancestor's position.
		{tr.elem(1).child("u").elem(1).child("z").child("missing"), "18:3", "18:3"},
		{root.child("nothing"), "", ""},
	}
	ix := tomlpos.NewIndex(false)
	for _, c := range cases {
		ix.Want(c.n.tp())
	}
	tomlpos.Scan(src, MaxDepth, ix)
	for _, c := range cases {
		if got := Pos(ix.Key(c.n.tp())).String(); got != c.key {
			t.Errorf("key position of %s = %q, want %q", c.n.path(), got, c.key)
		}
		if got := Pos(ix.Val(c.n.tp())).String(); got != c.val {
			t.Errorf("value position of %s = %q, want %q", c.n.path(), got, c.val)
		}
	}
}

func TestNodePath(t *testing.T) {
	root := (*node)(nil)
	for _, tt := range []struct {
		n    *node
		want string
	}{
		{root.child("track").elem(2).child("clip").elem(0).child("scene"), "track[2].clip[0].scene"},
		{root.child("a.b"), `"a.b"`},
		{root.child(""), `""`},
		{root.child("x").elem(0).elem(1), "x[0][1]"},
	} {
		if got := tt.n.path(); got != tt.want {
			t.Errorf("path = %q, want %q", got, tt.want)
		}
	}
}

func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:            "plain",
		`a\tb\n\"\\`:       "a\tb\n\"\\",
		`\u00e9\U0001F3B5`: "é🎵",
		`\x41\e`:           "A\x1b",
		`\u12`:             `\u12`,
		`trailing\`:        `trailing\`,
	} {
		if got := unescape(in); got != want {
			t.Errorf("unescape(%q) = %q, want %q", in, got, want)
		}
	}
}
