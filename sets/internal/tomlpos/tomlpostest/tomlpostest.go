// Package tomlpostest holds the fuzz check that package sets and
// sets/config share: the position scanner against the TOML parser.
package tomlpostest

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"gridbox/sets/internal/tomlpos"
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
