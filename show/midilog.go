package show

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"gridbox/engine"
	"gridbox/internal/atomicfile"
)

// midiLog writes every message gridbox sends to or receives from a MIDI
// port (--midi-log), one per line: "<frame> <port> <in|out> <hex bytes>",
// e.g. "96000 MicroFreak out 90 3C 64". The frame is the engine position
// at which the message takes effect (a note: the frame it sounds at; an
// input: the frame heard when it arrived, or the script line's
// frame), the port the name substring as the set writes it, so that a
// render's log is the same on every machine. Only the session goroutine
// adds lines; a nil *midiLog logs nothing.
//
// The file is written as renders are (internal/atomicfile): into a
// temporary file beside it that becomes the log when the show ends, so a
// log is whole or absent, never half-written; a FIFO, a device or a
// folder at the name is refused before the show starts.
type midiLog struct {
	f   *atomicfile.File
	w   *bufio.Writer
	buf []byte
}

const hexDigits = "0123456789ABCDEF"

// openMIDILog creates the log at file ("" = no log). own are the show's
// other files (the set, the script, the WAV, the controller log): the
// log replaces its file when the show ends, so it must be none of them.
func openMIDILog(file string, own ...string) (*midiLog, error) {
	if file == "" {
		return nil, nil
	}
	fi, ferr := os.Stat(file)
	for _, o := range own {
		if o == "" {
			continue
		}
		if filepath.Clean(o) == filepath.Clean(file) {
			return nil, fmt.Errorf("--midi-log %s is %s itself: give the log another name", file, o)
		}
		if oi, err := os.Stat(o); err == nil && ferr == nil && os.SameFile(fi, oi) {
			return nil, fmt.Errorf("--midi-log %s is %s itself: give the log another name", file, o)
		}
	}
	f, err := atomicfile.Create(file, atomicfile.Options{})
	if err != nil {
		return nil, fmt.Errorf("--midi-log: %w", err)
	}
	return &midiLog{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// add logs msg, sent to (out) or received from port, taking effect at
// frame. Session goroutine. A write error sticks in the writer and is
// returned by Close.
func (l *midiLog) add(frame engine.Frame, port string, out bool, msg []byte) {
	if l == nil || len(msg) == 0 {
		return
	}
	dir := "in"
	if out {
		dir = "out"
	}
	// By hand, not fmt: a show logging allocates nothing.
	b := strconv.AppendInt(l.buf[:0], int64(frame), 10)
	b = append(append(append(append(b, ' '), port...), ' '), dir...)
	for _, x := range msg {
		b = append(b, ' ', hexDigits[x>>4], hexDigits[x&15])
	}
	l.buf = append(b, '\n')
	l.w.Write(l.buf)
}

// Close writes out what is buffered and makes the log its file. A second
// Close does nothing.
func (l *midiLog) Close() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	if err := l.w.Flush(); err != nil {
		f.Abort()
		return fmt.Errorf("--midi-log: %w", err)
	}
	if err := f.Commit(); err != nil {
		return fmt.Errorf("--midi-log: %w", err)
	}
	return nil
}

// abort removes the log's temporary file, writing nothing: the show
// failed. After Close it does nothing.
func (l *midiLog) abort() {
	if l == nil || l.f == nil {
		return
	}
	l.f.Abort()
	l.f = nil
}
