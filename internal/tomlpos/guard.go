package tomlpos

import "fmt"

// CheckNesting scans src for brackets and braces outside strings and
// comments and reports the first place where they nest deeper than
// maxDepth, or where a key has more than maxDepth dotted parts, with the
// message for it. It runs in one pass and allocates nothing, whatever the
// input.
//
// BurntSushi/toml v1.6.0 has no depth limit: a = [[[[…]]]] a few million
// levels deep overflows the stack, which no recover can catch
// (BurntSushi/toml#497), and a key with 30,000 dotted parts takes gigabytes
// and tens of seconds (BurntSushi/toml#496). So the text is checked before
// the TOML parser sees it. CheckNesting only needs to agree with the parser
// on what is a string or a comment up to the first syntax error, because the
// parser stops there.
func CheckNesting(src string, maxDepth int) (Pos, string, bool) {
	var (
		line, col = 1, 1 // position of src[i]
		depth     int
		dots      int // dots since the last '=', ',', bracket or newline
	)
	// adv moves past n bytes, keeping line and col.
	i := 0
	adv := func(n int) {
		for ; n > 0 && i < len(src); n-- {
			switch b := src[i]; {
			case b == '\n':
				line, col = line+1, 1
			case b&0xC0 != 0x80: // not a UTF-8 continuation byte
				col++
			}
			i++
		}
	}
	has := func(s string) bool {
		return len(src)-i >= len(s) && src[i:i+len(s)] == s
	}
	for i < len(src) {
		switch src[i] {
		case '#':
			for i < len(src) && src[i] != '\n' {
				adv(1)
			}
		case '"', '\'':
			q := src[i]
			triple := `"""`
			if q == '\'' {
				triple = `'''`
			}
			if has(triple) {
				adv(3)
				for i < len(src) {
					if q == '"' && src[i] == '\\' {
						adv(2)
						continue
					}
					if has(triple) {
						// Up to two more quotes belong to the content.
						n := 0
						for i+n < len(src) && src[i+n] == q && n < 5 {
							n++
						}
						adv(n)
						break
					}
					adv(1)
				}
				continue
			}
			adv(1)
			for i < len(src) && src[i] != q && src[i] != '\n' {
				if q == '"' && src[i] == '\\' && i+1 < len(src) && src[i+1] != '\n' {
					adv(1)
				}
				adv(1)
			}
			if i < len(src) && src[i] == q {
				adv(1)
			}
			continue
		case '[', '{':
			depth++
			dots = 0
			if depth > maxDepth {
				return Pos{line, col}, fmt.Sprintf("nested too deeply: more than %d levels of [ ] and { }", maxDepth), false
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
			dots = 0
		case '.':
			dots++
			if dots >= maxDepth {
				return Pos{line, col}, fmt.Sprintf("key has too many dotted parts: more than %d", maxDepth), false
			}
		case '=', ',', '\n':
			dots = 0
		}
		adv(1)
	}
	return Pos{}, "", true
}
