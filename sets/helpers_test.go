package sets

import (
	"gridbox/internal/spell"
	"gridbox/internal/tomlpos"
)

// The tests check steps of parsing that internal/tomlpos and
// internal/spell do for this package, under the names they had when
// the code was here.

func decodeTOML(src string) (map[string]any, error) { return tomlpos.DecodeTOML(src) }

func unescape(raw string) string { return tomlpos.Unescape(raw) }

func suggest(s string, candidates []string) string { return spell.Suggest(s, candidates) }
