package config

import (
	"gridbox/sets"
	"gridbox/sets/internal/tomlpos"
)

// sets/internal/tomlpos finds the positions of keys and values in the text,
// as for set files. A config file is at most 64 KiB, so it simply records
// every path.

// A node is a key path in the document, such as audio.rate or
// controllers.ignore[2]. The root node is nil.
type node tomlpos.Node

func (n *node) child(key string) *node { return (*node)(n.tp().Child(key)) }
func (n *node) elem(i int) *node       { return (*node)(n.tp().Elem(i)) }
func (n *node) path() string           { return n.tp().Path() }
func (n *node) tp() *tomlpos.Node      { return (*tomlpos.Node)(n) }

// A posEntry holds the position of a key and of its value. For a table
// header, both are the header; for an array element, both are the element.
type posEntry struct{ key, val tomlpos.Pos }

// A posIndex maps encoded paths to their positions; it is the
// tomlpos.Table that scanPositions fills.
type posIndex map[string]*posEntry

// key returns the position of n's key, or of its nearest ancestor's.
func (ix posIndex) key(n *node) sets.Pos { return sets.Pos(tomlpos.KeyPos(ix, n.tp())) }

// val returns the position of n's value, falling back like key.
func (ix posIndex) val(n *node) sets.Pos { return sets.Pos(tomlpos.ValPos(ix, n.tp())) }

// Slots implements tomlpos.Table: every path gets slots.
func (ix posIndex) Slots(path []byte) (key, val *tomlpos.Pos) {
	e := ix[string(path)]
	if e == nil {
		e = &posEntry{}
		ix[string(path)] = e
	}
	return &e.key, &e.val
}

// Get implements tomlpos.Table.
func (ix posIndex) Get(path string) (key, val tomlpos.Pos) {
	if e := ix[path]; e != nil {
		return e.key, e.val
	}
	return tomlpos.Pos{}, tomlpos.Pos{}
}

// scanPositions walks src, a document the TOML parser accepted, and returns
// the positions of every key path and array element in it. It never fails;
// positions it could not find fall back to an enclosing key's.
func scanPositions(src string) posIndex {
	ix := posIndex{}
	tomlpos.Scan(src, sets.MaxDepth, ix)
	return ix
}
