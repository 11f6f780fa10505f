package config

import (
	"gridbox/internal/spell"
	"gridbox/sets"
	"gridbox/sets/internal/tomlpos"
)

// The tests check steps of parsing that sets/internal/tomlpos and
// sets/internal/spell do for this package, under the names they had when
// the code was here.

func checkNesting(src string) (tomlpos.Pos, string, bool) {
	return tomlpos.CheckNesting(src, sets.MaxDepth)
}

func decodeTOML(src string) (map[string]any, error) { return tomlpos.DecodeTOML(src) }

func suggest(s string, candidates []string) string { return spell.Suggest(s, candidates) }
