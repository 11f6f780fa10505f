package config

import "gridbox/internal/spell"

// The tests check a step of parsing that internal/spell does for this
// package, under the name it had when the code was here.

func suggest(s string, candidates []string) string { return spell.Suggest(s, candidates) }
