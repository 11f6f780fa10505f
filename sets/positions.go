package sets

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// BurntSushi/toml v1.6.0 records key positions internally but does not export
// them, and keys them by the key name without array indices, so the positions
// of, say, the second [[track]]'s third clip's scene are lost. This file
// finds them again: a small scanner walks the document after the TOML parser
// has accepted it and records the positions of just the key paths that the
// decoder asked for.

// A node is a key path in the document, such as track[0].clip[2].scene. The
// decoder makes one for each value it looks at; the root node is nil.
type node struct {
	parent *node
	key    string // for a key
	index  int    // for an array element
	isElem bool
	enc    string // encoded path, once computed
}

func (n *node) child(key string) *node { return &node{parent: n, key: key} }
func (n *node) elem(i int) *node       { return &node{parent: n, index: i, isElem: true} }

// path returns the encoded path of n, the same encoding the scanner builds.
func (n *node) path() string {
	if n == nil {
		return ""
	}
	if n.enc == "" {
		b := []byte(n.parent.path())
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

// A posEntry holds the position of a key and of its value. For a table
// header, both are the header; for an array element, both are the element.
type posEntry struct{ key, val Pos }

// A posIndex maps the encoded paths the decoder wants to their positions.
type posIndex struct{ m map[string]*posEntry }

func newPosIndex() *posIndex { return &posIndex{m: make(map[string]*posEntry)} }

// want asks for the position of n and, as fallbacks, of its ancestors.
func (ix *posIndex) want(n *node) {
	for ; n != nil; n = n.parent {
		p := n.path()
		if _, ok := ix.m[p]; ok {
			return // so were its ancestors
		}
		ix.m[p] = &posEntry{}
	}
}

// key returns the position of n's key, or of its nearest ancestor's.
func (ix *posIndex) key(n *node) Pos {
	for ; n != nil; n = n.parent {
		if e := ix.m[n.path()]; e != nil && e.key.Line > 0 {
			return e.key
		}
	}
	return Pos{}
}

// val returns the position of n's value, falling back like key.
func (ix *posIndex) val(n *node) Pos {
	if n != nil {
		if e := ix.m[n.path()]; e != nil && e.val.Line > 0 {
			return e.val
		}
	}
	return ix.key(n)
}

// scanPositions walks src, a document the TOML parser accepted, and fills in
// ix. It never fails: on text it does not understand it skips ahead, and
// positions it could not find fall back to an enclosing key's.
func scanPositions(src string, ix *posIndex) {
	if len(ix.m) == 0 {
		return
	}
	s := &scanner{src: src, line: 1, col: 1, ix: ix, aot: make(map[string]int)}
	s.document()
}

type scanner struct {
	src       string
	i         int
	line, col int // position of src[i]
	ix        *posIndex
	aot       map[string]int // array-of-tables path → tables seen so far
	table     []byte         // path of the current [table]
	buf       []byte         // path being built
	depth     int
}

func (s *scanner) eof() bool  { return s.i >= len(s.src) }
func (s *scanner) pos() Pos   { return Pos{s.line, s.col} }
func (s *scanner) peek() byte { return s.at(0) }

func (s *scanner) at(k int) byte {
	if s.i+k < len(s.src) {
		return s.src[s.i+k]
	}
	return 0
}

// adv moves past n bytes, keeping line and col (in characters).
func (s *scanner) adv(n int) {
	for ; n > 0 && s.i < len(s.src); n-- {
		switch c := s.src[s.i]; {
		case c == '\n':
			s.line, s.col = s.line+1, 1
		case c&0xC0 != 0x80:
			s.col++
		}
		s.i++
	}
}

func (s *scanner) has(t string) bool { return strings.HasPrefix(s.src[s.i:], t) }

// skipSpace skips spaces and tabs (and stray carriage returns).
func (s *scanner) skipSpace() {
	for c := s.peek(); c == ' ' || c == '\t' || c == '\r'; c = s.peek() {
		s.adv(1)
	}
}

// skipBlank skips white space, newlines and comments.
func (s *scanner) skipBlank() {
	for !s.eof() {
		switch s.peek() {
		case ' ', '\t', '\r', '\n':
			s.adv(1)
		case '#':
			s.skipLine()
		default:
			return
		}
	}
}

// skipLine skips to the start of the next line.
func (s *scanner) skipLine() {
	for !s.eof() && s.peek() != '\n' {
		s.adv(1)
	}
	s.adv(1)
}

// record stores p as the key and value position of the path in s.buf, if
// that path is wanted and has no position yet (the first mention of an
// implicit table wins).
func (s *scanner) record(key, val Pos) {
	e := s.ix.m[string(s.buf)]
	if e == nil {
		return
	}
	if e.key.Line == 0 {
		e.key = key
	}
	if e.val.Line == 0 {
		e.val = val
	}
}

func (s *scanner) document() {
	for {
		s.skipBlank()
		if s.eof() {
			return
		}
		start := s.i
		if s.peek() == '[' {
			s.header()
		} else {
			s.buf = append(s.buf[:0], s.table...)
			s.keyValue()
		}
		// Whatever is left on the line is a comment.
		if s.i == start || !s.eof() && s.src[s.i-1] != '\n' {
			s.skipLine()
		}
	}
}

// header reads [table] or [[array.of.tables]] and makes it the current table.
func (s *scanner) header() {
	p := s.pos()
	aot := s.has("[[")
	if aot {
		s.adv(2)
	} else {
		s.adv(1)
	}
	s.buf = s.buf[:0]
	s.key(func(last bool, partPos Pos) {
		switch {
		case last && aot:
			s.record(p, p) // the array itself, at its first table
			n := s.aot[string(s.buf)]
			s.aot[string(s.buf)] = n + 1
			s.buf = appendIndex(s.buf, n)
		default:
			// A part naming an array of tables means its last table.
			if n, ok := s.aot[string(s.buf)]; ok {
				s.buf = appendIndex(s.buf, n-1)
			}
		}
		if last {
			s.record(p, p)
		} else {
			s.record(partPos, partPos)
		}
	})
	s.table = append(s.table[:0], s.buf...)
	s.skipLine()
}

// keyValue reads key = value, the key relative to the path in s.buf, and
// leaves s.buf as it found it.
func (s *scanner) keyValue() {
	mark := len(s.buf)
	var keyPos Pos
	ok := s.key(func(last bool, partPos Pos) {
		if last {
			keyPos = partPos
		} else {
			s.record(partPos, partPos)
		}
	})
	if ok {
		s.skipSpace()
		if s.peek() == '=' {
			s.adv(1)
		}
		s.skipSpace()
		s.record(keyPos, s.pos())
		s.value()
	}
	s.buf = s.buf[:mark]
}

// key reads a dotted key, appending each part to s.buf and calling part after
// each one. It reports whether it read anything.
func (s *scanner) key(part func(last bool, p Pos)) bool {
	n := 0
	for {
		s.skipSpace()
		p := s.pos()
		name, ok := s.keyPart()
		if !ok {
			return n > 0
		}
		n++
		s.buf = appendKey(s.buf, name)
		s.skipSpace()
		if s.peek() != '.' {
			part(true, p)
			return true
		}
		part(false, p)
		s.adv(1)
	}
}

// keyPart reads one bare or quoted key part and returns its name.
func (s *scanner) keyPart() (string, bool) {
	switch c := s.peek(); {
	case c == '"' || c == '\'':
		s.adv(1)
		start := s.i
		for !s.eof() && s.peek() != c && s.peek() != '\n' {
			if c == '"' && s.peek() == '\\' {
				s.adv(1)
			}
			s.adv(1)
		}
		raw := s.src[start:min(s.i, len(s.src))]
		if s.peek() == c {
			s.adv(1)
		}
		if c == '"' {
			return unescape(raw), true
		}
		return raw, true
	case isBareKeyByte(c):
		start := s.i
		for isBareKeyByte(s.peek()) {
			s.adv(1)
		}
		return s.src[start:s.i], true
	}
	return "", false
}

// value reads one value whose path is in s.buf.
func (s *scanner) value() {
	if s.eof() {
		return
	}
	s.depth++
	defer func() { s.depth-- }()
	switch c := s.peek(); {
	case s.depth > 2*MaxDepth:
		// checkNesting rules this out; don't recurse regardless.
		s.skipLine()
	case c == '[':
		s.array()
	case c == '{':
		s.inlineTable()
	case c == '"' || c == '\'':
		s.skipString()
	default:
		// A number, boolean or date ("1979-05-27 07:32:00" has a space).
		for !s.eof() && strings.IndexByte(",]}#\n", s.peek()) < 0 {
			s.adv(1)
		}
	}
}

func (s *scanner) array() {
	s.adv(1)
	mark := len(s.buf)
	for idx := 0; ; {
		s.skipBlank()
		switch s.peek() {
		case 0:
			if s.eof() {
				return
			}
		case ']':
			s.adv(1)
			return
		case ',':
			s.adv(1)
			continue
		}
		start := s.i
		s.buf = appendIndex(s.buf, idx)
		p := s.pos()
		s.record(p, p)
		s.value()
		s.buf = s.buf[:mark]
		idx++
		if s.i == start {
			s.adv(1)
		}
	}
}

func (s *scanner) inlineTable() {
	s.adv(1)
	for {
		s.skipBlank()
		switch s.peek() {
		case 0:
			if s.eof() {
				return
			}
		case '}':
			s.adv(1)
			return
		case ',':
			s.adv(1)
			continue
		}
		start := s.i
		s.keyValue()
		if s.i == start {
			s.adv(1)
		}
	}
}

// skipString skips a basic, literal or multi-line string.
func (s *scanner) skipString() {
	q := s.peek()
	triple := `"""`
	if q == '\'' {
		triple = `'''`
	}
	if s.has(triple) {
		s.adv(3)
		for !s.eof() {
			if q == '"' && s.peek() == '\\' {
				s.adv(2)
				continue
			}
			if s.has(triple) {
				n := 0
				for s.at(n) == q && n < 5 {
					n++
				}
				s.adv(n)
				return
			}
			s.adv(1)
		}
		return
	}
	s.adv(1)
	for !s.eof() && s.peek() != q && s.peek() != '\n' {
		if q == '"' && s.peek() == '\\' {
			s.adv(1)
		}
		s.adv(1)
	}
	if s.peek() == q {
		s.adv(1)
	}
}

// unescape decodes the escapes of a TOML basic string (a quoted key). Invalid
// escapes can't occur, as the TOML parser accepted the document; they are
// kept as written.
func unescape(raw string) string {
	if strings.IndexByte(raw, '\\') < 0 {
		return raw
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' || i+1 >= len(raw) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := raw[i]; e {
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case 'e':
			b.WriteByte(0x1b)
		case '"', '\\':
			b.WriteByte(e)
		case 'x', 'u', 'U':
			n := 2
			switch e {
			case 'u':
				n = 4
			case 'U':
				n = 8
			}
			if i+1+n <= len(raw) {
				if r, err := strconv.ParseUint(raw[i+1:i+1+n], 16, 32); err == nil && utf8.ValidRune(rune(r)) {
					b.WriteRune(rune(r))
					i += n
					continue
				}
			}
			b.WriteByte('\\')
			b.WriteByte(e)
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String()
}
