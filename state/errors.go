package state

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
)

// Sentinels for what callers branch on; check them with errors.Is.
var (
	// ErrCorrupt: a generation's bytes are damaged (empty, truncated, torn,
	// a flipped bit, trailing garbage, not a state file at all). Load moves
	// such a file aside and uses an older generation.
	ErrCorrupt = errors.New("corrupt")

	// ErrFutureVersion: a generation was written by a newer gridbox, in a
	// format version this one can't read. Load leaves it in place and uses
	// an older generation.
	ErrFutureVersion = errors.New("written by a newer gridbox")

	// ErrTooLarge: a payload is larger than Options.MaxSize: Save refuses
	// it, and Load leaves such a generation in place and uses an older one.
	ErrTooLarge = errors.New("too large")

	// ErrPrune: Save saved the new generation durably, but could not remove
	// an old one past Options.Keep. Nothing is lost; the next Save tries
	// again.
	ErrPrune = errors.New("old generation not removed")
)

// A Problem is a generation that Load could not use. Load returns each one,
// newest first, in its problems, as an error.
type Problem struct {
	File string // the generation's path
	Gen  int    // its generation number
	Err  error  // why: wraps ErrCorrupt, ErrFutureVersion or ErrTooLarge, or is an I/O error

	// MovedTo is the path the file was moved aside to (a corrupt
	// generation), or "" if it was left in place. MoveErr says why a
	// corrupt generation could not be moved aside.
	MovedTo string
	MoveErr error
}

// Error formats p as "state: FILE: reason", followed by where the file went:
//
//	state: songs/.gridbox-state/live.toml.0000000042.state: corrupt: payload checksum 0x1c291ca3, header says 0x5a0d0c1e; moved aside to live.toml.0000000042.state.corrupt
func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString("state: ")
	b.WriteString(p.File)
	b.WriteString(": ")
	b.WriteString(withoutPath(p.Err))
	switch {
	case p.MovedTo != "":
		b.WriteString("; moved aside to ")
		b.WriteString(filepath.Base(p.MovedTo))
	case p.MoveErr != nil:
		b.WriteString("; could not move it aside: ")
		b.WriteString(withoutPath(p.MoveErr))
	default:
		b.WriteString("; left in place")
	}
	return b.String()
}

// Unwrap returns the reason, for errors.Is(p, ErrCorrupt) and friends.
func (p *Problem) Unwrap() error { return p.Err }

// withoutPath formats err, dropping the path of an *fs.PathError about the
// file the message already names.
func withoutPath(err error) string {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}
