package tomlpos

import (
	"cmp"
	"fmt"
	"slices"
)

// Problems collects what a decoder finds wrong with a document, by node:
// positions are known only once the whole document has been decoded and
// Scan has run. The zero value is ready to use.
type Problems struct{ list []problem }

type problem struct {
	n     *Node
	val   bool   // at the value rather than the key
	msg   string // or, if later is set, what it returns
	later func(*Index) string
}

// A Problem is one resolved problem: where it is and what it says.
type Problem struct {
	Pos Pos
	Msg string
}

// Add records a problem at n's key, or at its value with val.
func (p *Problems) Add(n *Node, val bool, msg string) {
	p.list = append(p.list, problem{n: n, val: val, msg: msg})
}

// Addf records a problem at n's key, or at its value with val, its message
// formatted as by fmt.Sprintf.
func (p *Problems) Addf(n *Node, val bool, format string, args ...any) {
	p.Add(n, val, fmt.Sprintf(format, args...))
}

// AddLater records a problem whose message mentions another position (or
// is costly to build): msg is called during Resolve, and only for the
// problems that will be shown.
func (p *Problems) AddLater(n *Node, val bool, msg func(*Index) string) {
	p.list = append(p.list, problem{n: n, val: val, later: msg})
}

// Len returns how many problems were recorded.
func (p *Problems) Len() int { return len(p.list) }

// Want asks ix for the position of every problem's node.
func (p *Problems) Want(ix *Index) {
	for _, pr := range p.list {
		ix.Want(pr.n)
	}
}

// Resolve returns the problems in the order they appear in the document
// (those at one position in the order they were recorded), exact
// duplicates dropped, at most max of them plus, if there were more, one
// saying how many more. A hostile file can hold 100,000 unknown keys, and
// suggesting a spelling for each takes a while, so only the messages that
// can be shown are built.
func (p *Problems) Resolve(ix *Index, max int) []Problem {
	type lazy struct {
		Problem
		later func(*Index) string
	}
	all := make([]lazy, len(p.list))
	for i, pr := range p.list {
		pos := ix.Key(pr.n)
		if pr.val {
			pos = ix.Val(pr.n)
		}
		all[i] = lazy{Problem{pos, pr.msg}, pr.later}
	}
	slices.SortStableFunc(all, func(a, b lazy) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col))
	})
	out := make([]Problem, 0, len(all))
	for i, l := range all {
		if l.later != nil && i < 2*max { // room for duplicates
			l.Msg = l.later(ix)
		}
		if n := len(out); n > 0 && out[n-1] == l.Problem {
			continue
		}
		out = append(out, l.Problem)
	}
	if len(out) > max {
		rest, first := len(out)-max, out[max]
		out = append(out[:max:max], Problem{first.Pos, fmt.Sprintf("too many problems; %d more not shown", rest)})
	}
	return out
}
