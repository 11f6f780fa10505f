package sets

import "gridbox/internal/tomlpos"

// The decoder asks for the positions of just the key paths it reports on or
// fills Pos fields for; internal/tomlpos finds them in the text, in
// one pass at the end (see parse).

// A node is a key path in the document, such as track[0].clip[2].scene. The
// decoder makes one for each value it looks at; the root node is nil.
type node tomlpos.Node

func (n *node) child(key string) *node { return (*node)(n.tp().Child(key)) }
func (n *node) elem(i int) *node       { return (*node)(n.tp().Elem(i)) }
func (n *node) path() string           { return n.tp().Path() }
func (n *node) tp() *tomlpos.Node      { return (*tomlpos.Node)(n) }
