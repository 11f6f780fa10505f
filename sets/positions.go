package sets

import "gridbox/sets/internal/tomlpos"

// The decoder asks for the positions of just the key paths it reports on or
// fills Pos fields for; sets/internal/tomlpos finds them in the text, in
// one pass at the end.

// A node is a key path in the document, such as track[0].clip[2].scene. The
// decoder makes one for each value it looks at; the root node is nil.
type node tomlpos.Node

func (n *node) child(key string) *node { return (*node)(n.tp().Child(key)) }
func (n *node) elem(i int) *node       { return (*node)(n.tp().Elem(i)) }
func (n *node) path() string           { return n.tp().Path() }
func (n *node) tp() *tomlpos.Node      { return (*tomlpos.Node)(n) }

// A posEntry holds the position of a key and of its value. For a table
// header, both are the header; for an array element, both are the element.
type posEntry struct{ key, val tomlpos.Pos }

// A posIndex maps the encoded paths the decoder wants to their positions.
// It is the tomlpos.Table that scanPositions fills.
type posIndex struct{ m map[string]*posEntry }

func newPosIndex() *posIndex { return &posIndex{m: make(map[string]*posEntry)} }

// want asks for the position of n and, as fallbacks, of its ancestors.
func (ix *posIndex) want(n *node) {
	for t := n.tp(); t != nil; t = t.Parent() {
		p := t.Path()
		if _, ok := ix.m[p]; ok {
			return // so were its ancestors
		}
		ix.m[p] = &posEntry{}
	}
}

// key returns the position of n's key, or of its nearest ancestor's.
func (ix *posIndex) key(n *node) Pos { return Pos(tomlpos.KeyPos(ix, n.tp())) }

// val returns the position of n's value, falling back like key.
func (ix *posIndex) val(n *node) Pos { return Pos(tomlpos.ValPos(ix, n.tp())) }

// Slots implements tomlpos.Table: only wanted paths have slots.
func (ix *posIndex) Slots(path []byte) (key, val *tomlpos.Pos) {
	if e := ix.m[string(path)]; e != nil {
		return &e.key, &e.val
	}
	return nil, nil
}

// Get implements tomlpos.Table.
func (ix *posIndex) Get(path string) (key, val tomlpos.Pos) {
	if e := ix.m[path]; e != nil {
		return e.key, e.val
	}
	return tomlpos.Pos{}, tomlpos.Pos{}
}

// scanPositions walks src, a document the TOML parser accepted, and fills in
// ix. It never fails; positions it could not find fall back to an enclosing
// key's.
func scanPositions(src string, ix *posIndex) {
	if len(ix.m) == 0 {
		return
	}
	tomlpos.Scan(src, MaxDepth, ix)
}
