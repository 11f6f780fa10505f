package sets

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Pos is a position in a set file. Line and Col are 1-based; Col counts
// characters (not bytes) from the start of the line. Col 0 means the column is
// unknown, and Line 0 means the problem concerns the whole file.
type Pos struct{ Line, Col int }

// String formats p as "LINE:COL", "LINE" when the column is unknown, or ""
// when the line is unknown too.
func (p Pos) String() string {
	switch {
	case p.Line <= 0:
		return ""
	case p.Col <= 0:
		return strconv.Itoa(p.Line)
	}
	return strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
}

// before orders positions: file-level problems (Line 0) first, then by line,
// then by column.
func (p Pos) before(q Pos) bool {
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// An Error is one problem in a set file, at a position.
//
// Err, when not nil, is the underlying cause (for example an error satisfying
// errors.Is(err, fs.ErrNotExist) for a missing sample); Msg already describes
// it.
type Error struct {
	File string
	Pos  Pos
	Msg  string
	Err  error

	sample bool // a problem with a sample or MIDI file, not with the set's text
}

// Error formats e as "FILE:LINE:COL: msg", "FILE:LINE: msg" when the column is
// unknown, or "FILE: msg" when the line is unknown.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Pos.Line > 0 {
		if e.File != "" {
			b.WriteByte(':')
		}
		b.WriteString(e.Pos.String())
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Sample reports whether e is about a file the set names rather than the
// set's text: a sample file (missing, unreadable, outside the set's
// folder) or a note clip's MIDI file (the same, or malformed). Load
// returns the set alongside errors that are all of this kind.
func (e *Error) Sample() bool { return e.sample }

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Errors is every problem found in one set file, sorted by position. It is
// what Parse and Load return; `gridbox check` prints it.
type Errors []*Error

// Error returns one problem per line.
func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the individual errors, so errors.Is and errors.As look at
// each of them.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Sentinel causes, found with errors.Is on what Parse and Load return.
var (
	// ErrTooLarge: the set file is bigger than MaxFileSize (a takes file:
	// MaxTakesSize).
	ErrTooLarge = errors.New("set file too large")
	// ErrTooDeep: arrays, inline tables or dotted keys nest deeper than
	// MaxDepth.
	ErrTooDeep = errors.New("set file nested too deeply")
	// ErrSyntax: the file is not valid TOML.
	ErrSyntax = errors.New("TOML syntax error")
)

// maxReported bounds how many problems one run reports; a generated file with
// thousands of bad notes would otherwise bury the first, most useful ones.
const maxReported = 200

// sortErrors sorts es by position (stable, so problems at the same place keep
// the order they were found in), drops exact duplicates and caps the count.
func sortErrors(es Errors) Errors {
	slices.SortStableFunc(es, func(a, b *Error) int {
		switch {
		case a.Pos.before(b.Pos):
			return -1
		case b.Pos.before(a.Pos):
			return 1
		}
		return 0
	})
	es = slices.CompactFunc(es, func(a, b *Error) bool {
		return a.Pos == b.Pos && a.Msg == b.Msg
	})
	if len(es) > maxReported {
		rest := len(es) - maxReported
		first := es[maxReported]
		es = append(es[:maxReported:maxReported], &Error{
			File: first.File,
			Pos:  first.Pos,
			Msg:  fmt.Sprintf("too many problems; %d more not shown", rest),
		})
	}
	return es
}
