package tomlpos

import "strconv"

// Pos is a position in a document: Line and Col count from 1, Col in
// characters. It converts to sets.Pos, which has the same fields.
type Pos struct{ Line, Col int }

// A Node is a key path in a document, such as track[0].clip[2].scene. A
// decoder makes one for each value it looks at; the root node is nil.
type Node struct {
	parent *Node
	key    string // for a key
	index  int    // for an array element
	isElem bool
	enc    string // encoded path, once computed
}

// Child returns the path of key key in the table at n.
func (n *Node) Child(key string) *Node { return &Node{parent: n, key: key} }

// Elem returns the path of element i of the array at n.
func (n *Node) Elem(i int) *Node { return &Node{parent: n, index: i, isElem: true} }

// Parent returns the path n is in, nil for a top-level key.
func (n *Node) Parent() *Node { return n.parent }

// Path returns the encoded path of n, the same encoding Scan builds: bare
// keys as they are, other keys quoted, parts joined with dots, elements as
// [i]: track[2].clip[0].scene, "a.b" (one quoted part), x[0][1].
func (n *Node) Path() string {
	if n == nil {
		return ""
	}
	if n.enc == "" {
		b := []byte(n.parent.Path())
		if n.isElem {
			b = appendIndex(b, n.index)
		} else {
			b = appendKey(b, n.key)
		}
		n.enc = string(b)
	}
	return n.enc
}

// appendKey appends one key part to an encoded path: bare keys as they are,
// anything else quoted, so that "a.b" (one quoted part) and a.b (two parts)
// differ.
func appendKey(b []byte, key string) []byte {
	if len(b) > 0 {
		b = append(b, '.')
	}
	if key != "" && isBareKey(key) {
		return append(b, key...)
	}
	return strconv.AppendQuote(b, key)
}

func appendIndex(b []byte, i int) []byte {
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(i), 10)
	return append(b, ']')
}

func isBareKey(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isBareKeyByte(s[i]) {
			return false
		}
	}
	return true
}

func isBareKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}
