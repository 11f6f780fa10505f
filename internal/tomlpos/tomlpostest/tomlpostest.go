// Package tomlpostest holds what the tests of packages sets and config
// share: their fuzz seeds and per-input checks (among them the position
// scanner against the TOML parser) and their golden error reports.
package tomlpostest

import (
	"flag"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gridbox/internal/tomlpos"
)

// CheckScan checks, for a document src the TOML parser accepts (nested at
// most maxDepth deep), that tomlpos.Scan finds every key and array element
// the parser decoded (the first 2000), each at a position in the document:
// a differential test of the scanner against BurntSushi/toml. It checks
// nothing for other documents.
func CheckScan(t testing.TB, src string, maxDepth int) {
	t.Helper()
	if !utf8.ValidString(src) {
		return
	}
	if _, _, ok := tomlpos.CheckNesting(src, maxDepth); !ok {
		return
	}
	raw, err := tomlpos.DecodeTOML(src)
	if err != nil {
		return
	}
	var nodes []*tomlpos.Node
	var walk func(n *tomlpos.Node, v any)
	walk = func(n *tomlpos.Node, v any) {
		if len(nodes) >= 2000 {
			return
		}
		if n != nil {
			nodes = append(nodes, n)
		}
		switch v := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(v)) {
				walk(n.Child(k), v[k])
			}
		case []map[string]any:
			for i, e := range v {
				walk(n.Elem(i), e)
			}
		case []any:
			for i, e := range v {
				walk(n.Elem(i), e)
			}
		}
	}
	walk(nil, raw)
	ix := tomlpos.NewIndex(true)
	tomlpos.Scan(src, maxDepth, ix)
	lines := 1 + strings.Count(src, "\n")
	for _, n := range nodes {
		key, val, ok := ix.At(n)
		if !ok || key.Line > lines || val.Line < key.Line {
			t.Errorf("scanner: %s at key %v, value %v; the parser decoded it", n.Path(), key, val)
		}
	}
}

// update is the -update flag of the test binaries that import this package.
var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// Golden checks that the report parse gives for the file testdata/NAME.toml
// (parsed as NAME.toml, so messages name no folder) is exactly
// testdata/NAME.golden, what `gridbox check` prints. With -update it
// rewrites the golden file first; review the diff.
func Golden(t *testing.T, name string, parse func(file string, data []byte) error) {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name + ".toml")
	if err != nil {
		t.Fatal(err)
	}
	err = parse(name+".toml", data)
	if err == nil {
		t.Fatalf("Parse(%s.toml) succeeded; want errors", name)
	}
	got := err.Error() + "\n"
	golden := "testdata/" + name + ".golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("Parse(%s.toml) errors:\n%s\nwant (%s):\n%s", name, got, golden, want)
	}
}

// Seed adds a parser's fuzz seeds: the files named, srcs, and the hostile
// documents every parser must refuse quickly, among them one of comments
// just over maxFileSize.
func Seed(f *testing.F, maxFileSize int, files []string, srcs ...string) {
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range srcs {
		f.Add([]byte(s))
	}
	f.Add([]byte("a = " + strings.Repeat("[", 200_000)))
	f.Add([]byte("a = " + strings.Repeat("[", 200_000) + strings.Repeat("]", 200_000)))
	f.Add([]byte("a = " + strings.Repeat("{b=", 100_000)))
	f.Add([]byte(strings.Repeat("a.", 29_999) + "a = 1\n"))
	f.Add([]byte("[" + strings.Repeat("a.", 29_999) + "a]\n"))
	const comment = "# a file of comments\n"
	f.Add([]byte(strings.Repeat(comment, maxFileSize/len(comment)+1)))
}

// Parse runs parse on one fuzz input and the checks every parser shares:
// under -fuzz (where timing is asserted; plain go test runs only the
// seeds), it returns within 100 ms (timed again when slow, in case the
// machine was busy); and, for an input of at most maxFileSize bytes,
// CheckScan.
func Parse[T any](t *testing.T, data []byte, maxFileSize, maxDepth int, parse func([]byte) (T, error)) (T, error) {
	t.Helper()
	start := time.Now()
	v, err := parse(data)
	elapsed := time.Since(start)
	if f := flag.Lookup("test.fuzz"); f != nil && f.Value.String() != "" && elapsed > 100*time.Millisecond {
		start = time.Now()
		parse(data)
		if again := time.Since(start); again > 100*time.Millisecond {
			t.Errorf("Parse took %v and %v for %d bytes; want ≤ 100ms", elapsed, again, len(data))
		}
	}
	if len(data) <= maxFileSize {
		CheckScan(t, strings.TrimPrefix(string(data), "\uFEFF"), maxDepth)
	}
	return v, err
}
