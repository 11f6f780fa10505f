package tomlpos

// An Index holds the positions Scan finds: for each encoded key path (as
// Node.Path encodes it), where its key and its value start. For a table
// header both are the header; for an array element, both are the element.
// Package sets keeps only the paths its decoder asks for (a set may be
// large); package config keeps every path.
type Index struct {
	m   map[string]*slots
	all bool
}

type slots struct{ key, val Pos }

// NewIndex returns an empty Index. With all, Scan records every path;
// without, only those asked for with Want.
func NewIndex(all bool) *Index { return &Index{m: make(map[string]*slots), all: all} }

// Want asks for the position of n and, as fallbacks, of its ancestors.
func (ix *Index) Want(n *Node) {
	for ; n != nil; n = n.parent {
		p := n.Path()
		if _, ok := ix.m[p]; ok {
			return // so were its ancestors
		}
		ix.m[p] = &slots{}
	}
}

// Key returns the position of n's key, or of its nearest ancestor's; the
// zero Pos if there is none.
func (ix *Index) Key(n *Node) Pos {
	for ; n != nil; n = n.parent {
		if e := ix.m[n.Path()]; e != nil && e.key.Line > 0 {
			return e.key
		}
	}
	return Pos{}
}

// Val returns the position of n's value, falling back like Key.
func (ix *Index) Val(n *Node) Pos {
	if n != nil {
		if e := ix.m[n.Path()]; e != nil && e.val.Line > 0 {
			return e.val
		}
	}
	return ix.Key(n)
}

// At returns the positions recorded for n itself, without falling back.
func (ix *Index) At(n *Node) (key, val Pos, ok bool) {
	if e := ix.m[n.Path()]; e != nil && e.key.Line > 0 {
		return e.key, e.val, true
	}
	return Pos{}, Pos{}, false
}

// Values returns the value position of every path Scan recorded.
func (ix *Index) Values() map[string]Pos {
	out := make(map[string]Pos, len(ix.m))
	for p, e := range ix.m {
		if e.val.Line > 0 {
			out[p] = e.val
		}
	}
	return out
}

// record stores the key and value positions of path, if that path is
// wanted and has none yet (the first mention of an implicit table wins).
// path is only valid during the call.
func (ix *Index) record(path []byte, key, val Pos) {
	e := ix.m[string(path)]
	if e == nil {
		if !ix.all {
			return
		}
		e = &slots{}
		ix.m[string(path)] = e
	}
	if e.key.Line == 0 {
		e.key = key
	}
	if e.val.Line == 0 {
		e.val = val
	}
}
