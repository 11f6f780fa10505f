package tomlpos

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Scan walks src, a document the TOML parser accepted (and CheckNesting with
// maxDepth), and fills in ix. It never fails: on text it does not understand
// it skips ahead, and positions it could not find fall back to an enclosing
// key's.
func Scan(src string, maxDepth int, ix *Index) {
	if len(ix.m) == 0 && !ix.all {
		return // nothing wanted
	}
	s := &scanner{src: src, line: 1, col: 1, maxDepth: maxDepth, ix: ix, aot: make(map[string]int)}
	s.document()
}

type scanner struct {
	src       string
	i         int
	line, col int // position of src[i]
	maxDepth  int
	ix        *Index
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

// record stores the key and value positions of the path in s.buf.
func (s *scanner) record(key, val Pos) { s.ix.record(s.buf, key, val) }

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
			return Unescape(raw), true
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
	case s.depth > 2*s.maxDepth:
		// CheckNesting rules this out; don't recurse regardless.
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
	mark, idx := len(s.buf), 0
	s.items(']', func() {
		s.buf = appendIndex(s.buf, idx)
		p := s.pos()
		s.record(p, p)
		s.value()
		s.buf = s.buf[:mark]
		idx++
	})
}

func (s *scanner) inlineTable() { s.items('}', s.keyValue) }

// items reads what follows the opening bracket of an array or inline table
// up to its closing bracket, calling item at each element. An item that
// reads nothing is skipped by a byte, so the scan always moves on.
func (s *scanner) items(closing byte, item func()) {
	s.adv(1)
	for {
		s.skipBlank()
		switch s.peek() {
		case 0:
			if s.eof() {
				return
			}
		case closing:
			s.adv(1)
			return
		case ',':
			s.adv(1)
			continue
		}
		start := s.i
		item()
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
				// Up to two more quotes belong to the content.
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

// Unescape decodes the escapes of a TOML basic string (a quoted key).
// Invalid escapes can't occur, as the TOML parser accepted the document;
// they are kept as written.
func Unescape(raw string) string {
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
