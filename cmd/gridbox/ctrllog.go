package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sync"

	"gridbox/engine"
)

// ctrlLog writes every message gridbox sends to or receives from its
// controllers, one per line: "<frame> <model> <in|out> <hex bytes>". The
// frame is the engine's position when the message passed (render: the
// virtual clock). Safe for concurrent use: the session goroutine logs
// input, the LED goroutine output. A nil *ctrlLog logs nothing.
type ctrlLog struct {
	mu  sync.Mutex
	f   *os.File
	w   *bufio.Writer
	now func() engine.Frame
}

// openCtrlLog creates the log at file ("" = no log); now tells the frame.
func openCtrlLog(file string, now func() engine.Frame) (*ctrlLog, error) {
	if file == "" {
		return nil, nil
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, fmt.Errorf("--controller-log: %w", err)
	}
	return &ctrlLog{f: f, w: bufio.NewWriter(f), now: now}, nil
}

// log records message b of controller model going dir ("in" or "out").
func (l *ctrlLog) log(model, dir string, b []byte) {
	if l == nil || len(b) == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "%d %s %s % X\n", l.now(), model, dir, b)
}

// Close flushes and closes the log, returning the first write error.
func (l *ctrlLog) Close() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	err := l.w.Flush()
	if cerr := l.f.Close(); err == nil {
		err = cerr
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
