package show

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sync"

	"gridbox/engine"
	"gridbox/grid/scan"
	"gridbox/internal/spell"
)

// ctrlLog writes every message gridbox sends to or receives from its
// controllers, one per line: "<frame> <model> <in|out> <hex bytes>" (the
// virtual controller, which has no bytes, writes text instead). The
// frame is the engine's position when the message passed (render: the
// virtual clock). Safe for concurrent use: the session goroutine, the LED
// goroutine and the drivers' readers all log. A nil *ctrlLog logs nothing.
//
// Live (play), lines go through a buffered channel to a writer goroutine,
// so a slow disk never holds up a driver, the LED goroutine or the
// session; lines that find the buffer full are dropped and counted. A
// render logs synchronously: every line, in order, deterministically.
type ctrlLog struct {
	now func() engine.Frame
	f   *os.File
	w   *bufio.Writer

	mu      sync.Mutex // guards closed and, when synchronous, w
	closed  bool
	lines   chan []byte // live only
	done    chan struct{}
	dropped int // guarded by mu
}

// logBuffer is how many lines a live log holds for its writer.
const logBuffer = 4096

// openCtrlLog creates the log at file ("" = no log); now tells the frame.
// live selects the writer goroutine.
func openCtrlLog(file string, now func() engine.Frame, live bool) (*ctrlLog, error) {
	if file == "" {
		return nil, nil
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, fmt.Errorf("--controller-log: %w", err)
	}
	l := &ctrlLog{f: f, w: bufio.NewWriter(f), now: now}
	if live {
		l.lines, l.done = make(chan []byte, logBuffer), make(chan struct{})
		go func() {
			defer close(l.done)
			for line := range l.lines {
				l.w.Write(line) // a write error sticks in w; Close reports it
			}
		}()
	}
	return l, nil
}

// log records message b of controller model going dir ("in" or "out").
func (l *ctrlLog) log(model, dir string, b []byte) {
	if l == nil || len(b) == 0 {
		return
	}
	l.write(fmt.Appendf(nil, "%d %s %s % X\n", l.now(), model, dir, b))
}

// logText records a message of a controller without bytes (the virtual
// one) going dir, written as text.
func (l *ctrlLog) logText(model, dir, text string) {
	if l == nil || text == "" {
		return
	}
	l.write(fmt.Appendf(nil, "%d %s %s %s\n", l.now(), model, dir, text))
}

func (l *ctrlLog) write(line []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.closed:
	case l.lines == nil:
		l.w.Write(line)
	default:
		select {
		case l.lines <- line:
		default:
			l.dropped++
		}
	}
}

// Close writes out what is buffered and closes the log, returning the
// first write error, or how many lines a live log had to drop.
func (l *ctrlLog) Close() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	dropped := l.dropped
	l.mu.Unlock()
	if l.lines != nil {
		close(l.lines)
		<-l.done
	}
	err := l.w.Flush()
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	if err == nil && dropped > 0 {
		err = fmt.Errorf("--controller-log: %s dropped: the disk did not keep up", spell.Count(dropped, "line"))
	}
	return err
}

// logged wraps a controller's port so that what passes is logged: one
// Write is one message out (the drivers write one message per call, or one
// frame of messages for monome), one Read one chunk in.
type logged struct {
	io.ReadWriteCloser
	l     *ctrlLog
	model string
}

func (p *logged) Read(b []byte) (int, error) {
	n, err := p.ReadWriteCloser.Read(b)
	p.l.log(p.model, "in", b[:n])
	return n, err
}

func (p *logged) Write(b []byte) (int, error) {
	p.l.log(p.model, "out", b)
	return p.ReadWriteCloser.Write(b)
}

// wrap returns the scan.Wrap that logs a controller's port to l, or nil
// for a nil l.
func (l *ctrlLog) wrap() scan.Wrap {
	if l == nil {
		return nil
	}
	return func(port io.ReadWriteCloser, model string) io.ReadWriteCloser {
		return &logged{ReadWriteCloser: port, l: l, model: model}
	}
}
