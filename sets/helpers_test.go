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

// A node is a key path, as tomlpos.Node, under the name and methods it had
// when the decoder used it.
type node tomlpos.Node

func (n *node) child(key string) *node { return (*node)(n.tp().Child(key)) }
func (n *node) elem(i int) *node       { return (*node)(n.tp().Elem(i)) }
func (n *node) path() string           { return n.tp().Path() }
func (n *node) tp() *tomlpos.Node      { return (*tomlpos.Node)(n) }
