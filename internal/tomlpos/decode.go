package tomlpos

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"gridbox/internal/spell"
)

// Rules are what Decode needs to know about one kind of file.
type Rules struct {
	MaxDepth int // for CheckNesting
	// Hint returns advice to add to the TOML parser's message msg for a
	// syntax error, or "". lastKey is the dotted key the parser read last.
	// Nil means no advice.
	Hint func(lastKey, msg string) string
	// TooDeep and Syntax are the causes a Failure carries for a document
	// that nests too deeply and for one that is not valid TOML.
	TooDeep, Syntax error
}

// A Failure is why Decode refused a document: where, and what to tell the
// user. Err is the cause from Rules, or nil for text that is not UTF-8.
type Failure struct {
	Pos Pos
	Msg string
	Err error
}

// Decode decodes src, a document without its byte-order mark, into the
// TOML parser's generic values. It returns a Failure, and nil values, for
// text that is not UTF-8, that CheckNesting refuses, or that is not valid
// TOML, each at the first problem. It never panics, whatever src holds.
func Decode(src string, r Rules) (map[string]any, *Failure) {
	if !utf8.ValidString(src) {
		i := 0
		for i < len(src) {
			c, n := utf8.DecodeRuneInString(src[i:])
			if c == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		return nil, &Failure{Pos: offsetPos(src, i), Msg: fmt.Sprintf(
			"the file is not UTF-8 text (byte 0x%02x); save it as UTF-8", src[i])}
	}
	if p, msg, ok := CheckNesting(src, r.MaxDepth); !ok {
		return nil, &Failure{Pos: p, Msg: msg, Err: r.TooDeep}
	}
	raw, err := DecodeTOML(src)
	if err != nil {
		var pe toml.ParseError
		f := &Failure{Msg: "syntax error: " + err.Error(), Err: r.Syntax}
		if errors.As(err, &pe) {
			f.Msg = "syntax error: " + pe.Message
			if r.Hint != nil {
				f.Msg += r.Hint(pe.LastKey, pe.Message)
			}
			// Position.Start is exact; Position.Line can be one too far
			// when the error is at the end of a line.
			f.Pos = offsetPos(src, pe.Position.Start)
			if pe.Position.Start == 0 && pe.Position.Line > 1 {
				f.Pos = Pos{Line: pe.Position.Line}
			}
		}
		return nil, f
	}
	return raw, nil
}

// DecodeTOML runs the TOML parser alone, turning a panic (there should be
// none) into an error. Decode checks src first; call it instead.
func DecodeTOML(src string) (raw map[string]any, err error) {
	defer func() {
		if r := recover(); r != nil {
			raw, err = nil, fmt.Errorf("the TOML parser failed: %v", r)
		}
	}()
	_, err = toml.Decode(src, &raw)
	return raw, err
}

// LastKey returns the last part of lastKey, the dotted key the TOML parser
// read last (a ParseError's LastKey): "rate" for "audio.rate".
func LastKey(lastKey string) string {
	if i := strings.LastIndexByte(lastKey, '.'); i >= 0 {
		return lastKey[i+1:]
	}
	return lastKey
}

// QuotesHint returns advice for the TOML parser's message msg when it
// means text without quotes, as in device = USB: "; text needs quotes:
// device = "USB"", naming key. For any other message it returns "".
func QuotesHint(key, msg string) string {
	const found = `expected value but found "`
	if !strings.HasPrefix(msg, found) {
		return ""
	}
	word := strings.TrimSuffix(strings.TrimPrefix(msg, found), `" instead`)
	return fmt.Sprintf(`; text needs quotes: %s = %s`, key, spell.Quote(word))
}

// offsetPos returns the position of byte offset off in src.
func offsetPos(src string, off int) Pos {
	off = max(0, min(off, len(src)))
	line := 1 + strings.Count(src[:off], "\n")
	start := strings.LastIndexByte(src[:off], '\n') + 1
	return Pos{Line: line, Col: 1 + utf8.RuneCountInString(src[start:off])}
}
