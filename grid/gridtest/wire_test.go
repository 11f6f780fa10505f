package gridtest

import (
	"errors"
	"io"
	"os"
	"testing"
	"time"
)

func TestWire(t *testing.T) {
	w := NewWire()
	got := make(chan []byte)
	go func() { // blocks until the device sends
		p := make([]byte, 8)
		n, _ := w.Read(p)
		got <- p[:n]
	}()
	w.Send([]byte{0x90, 0x51, 0x7F})
	if b := <-got; len(b) != 3 || b[1] != 0x51 {
		t.Fatalf("read %X", b)
	}
	w.SetMaxRead(2)
	w.Send([]byte{1, 2, 3})
	p := make([]byte, 8)
	if n, _ := w.Read(p); n != 2 {
		t.Fatalf("MaxRead 2: read %d bytes", n)
	}
	w.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	if n, err := w.Read(p); n != 1 || err != nil {
		t.Fatalf("the rest: %d, %v", n, err)
	}
	if _, err := w.Read(p); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("after the deadline: %v", err)
	}
	w.SetReadDeadline(time.Time{})
	w.Send([]byte{9})
	w.Unplug()
	w.Send([]byte{10}) // gone: not sent
	unplugged := errors.New("unplugged")
	if n, err := w.Read(p); n != 1 || p[0] != 9 || err != nil || !errors.Is(w.WriteErr(unplugged), unplugged) {
		t.Fatalf("unplugged: what was sent before is read first: %d %v", n, err)
	}
	if _, err := w.Read(p); err != io.EOF {
		t.Fatalf("then EOF, got %v", err)
	}
	if err := w.Close(); err != nil || !w.Closed() || w.Close() != os.ErrClosed {
		t.Fatal("Close: once nil, then os.ErrClosed")
	}
	if _, err := w.Read(p); err != os.ErrClosed || w.WriteErr(unplugged) != os.ErrClosed {
		t.Fatalf("after Close: %v", err)
	}
}
