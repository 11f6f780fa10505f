package monome_test

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"testing"
	"time"

	"gridbox/grid/monome"
)

// fakeClock is a clock that moves only when the fake grid lets time pass.
type fakeClock struct{ t time.Time }

func (c *fakeClock) Now() time.Time { return c.t }

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fakeGrid is an in-memory io.ReadWriter that answers handshake requests like
// a mext grid, after a latency, and can be told to answer only some of them.
// Its Read hands out at most two bytes at a time (so replies arrive split) and,
// with nothing to read, advances the clock to the read deadline (or by 100 ms,
// like VTIME = 1) and reports a timeout.
type fakeGrid struct {
	clock    *fakeClock
	latency  time.Duration
	cols     byte
	rows     byte
	quads    byte // 00 reply count; 0 sends no query reply
	id       string
	answer   map[byte]bool // which requests get a reply
	extra    []byte        // sent once with the first reply (keys pressed meanwhile)
	readErr  error         // returned by Read once the first request is in
	deadline time.Time
	requests [][]byte // every Write
	pending  []reply
	out      []byte
}

type reply struct {
	at time.Time
	b  []byte
}

func newFakeGrid(answer ...byte) *fakeGrid {
	g := &fakeGrid{clock: &fakeClock{t0}, cols: 16, rows: 8, quads: 2, id: "m1000285", answer: map[byte]bool{}}
	for _, a := range answer {
		g.answer[a] = true
	}
	return g
}

func (g *fakeGrid) Write(b []byte) (int, error) {
	g.requests = append(g.requests, bytes.Clone(b))
	at := g.clock.t.Add(g.latency)
	for _, c := range b {
		if !g.answer[c] {
			continue
		}
		var r []byte
		switch c {
		case monome.MextQuery:
			if g.quads != 0 {
				r = []byte{0x00, 0x01, g.quads, 0x00, 0x02, g.quads}
			}
		case monome.MextGetID:
			r = append([]byte{0x01}, padded(g.id, 32, ' ')...)
		case monome.MextGetSize:
			r = []byte{0x03, g.cols, g.rows}
		}
		if g.extra != nil {
			r, g.extra = append(bytes.Clone(g.extra), r...), nil
		}
		g.pending = append(g.pending, reply{at, r})
	}
	return len(b), nil
}

func (g *fakeGrid) Read(p []byte) (int, error) {
	if g.readErr != nil && len(g.requests) > 0 {
		return 0, g.readErr
	}
	for len(g.pending) > 0 && !g.pending[0].at.After(g.clock.t) {
		g.out = append(g.out, g.pending[0].b...)
		g.pending = g.pending[1:]
	}
	if len(g.out) > 0 {
		n := copy(p[:min(len(p), 2)], g.out)
		g.out = g.out[n:]
		return n, nil
	}
	next := g.clock.t.Add(100 * time.Millisecond)
	if !g.deadline.IsZero() && g.deadline.Before(next) {
		next = g.deadline
	}
	if len(g.pending) > 0 && g.pending[0].at.Before(next) {
		g.clock.t = g.pending[0].at
		return 0, nil
	}
	g.clock.t = next
	return 0, os.ErrDeadlineExceeded
}

func (g *fakeGrid) SetReadDeadline(t time.Time) error {
	g.deadline = t
	return nil
}

func (g *fakeGrid) run(t *testing.T, cfg monome.HandshakeConfig) (monome.Info, time.Duration, error) {
	t.Helper()
	cfg.Now = g.clock.Now
	info, err := monome.RunHandshake(g, monome.NewParser(monome.Mext), cfg)
	if !g.deadline.IsZero() {
		t.Errorf("read deadline left set to %v", g.deadline)
	}
	for i, r := range g.requests {
		if !bytes.Equal(r, monome.HandshakeRequest()) {
			t.Errorf("request %d = % X, want 00 01 05", i, r)
		}
	}
	return info, g.clock.t.Sub(t0), err
}

func TestHandshakePrompt(t *testing.T) {
	g := newFakeGrid(0x00, 0x01, 0x05)
	g.latency = 5 * time.Millisecond
	info, took, err := g.run(t, monome.HandshakeConfig{})
	want := monome.Info{Cols: 16, Rows: 8, ID: "m1000285", Quads: 2}
	if err != nil || info != want {
		t.Fatalf("got %+v, %v; want %+v", info, err, want)
	}
	if len(g.requests) != 1 || took != 5*time.Millisecond {
		t.Errorf("%d requests, took %v; want 1 request, 5ms", len(g.requests), took)
	}
}

// A grid that answers 600 ms late gets the request three times (at 0, 250
// and 500 ms), as libmonome repeats it every 250 ms, and the handshake ends
// when the first answers arrive.
func TestHandshakeLate(t *testing.T) {
	g := newFakeGrid(0x00, 0x01, 0x05)
	g.latency = 600 * time.Millisecond
	info, took, err := g.run(t, monome.HandshakeConfig{})
	if err != nil || info.Cols != 16 || info.Rows != 8 || info.ID != "m1000285" {
		t.Fatalf("got %+v, %v", info, err)
	}
	if len(g.requests) != 3 || took != 600*time.Millisecond {
		t.Errorf("%d requests, took %v; want 3, 600ms", len(g.requests), took)
	}
}

// Only the size comes: the handshake waits out the timeout for the ID, then
// succeeds without it.
func TestHandshakeSizeOnly(t *testing.T) {
	g := newFakeGrid(0x05)
	g.cols, g.rows = 8, 8
	info, took, err := g.run(t, monome.HandshakeConfig{})
	if err != nil || info != (monome.Info{Cols: 8, Rows: 8}) {
		t.Fatalf("got %+v, %v", info, err)
	}
	if len(g.requests) != 4 || took != time.Second {
		t.Errorf("%d requests, took %v; want 4, 1s", len(g.requests), took)
	}
}

// Only the query reply comes: the size follows from the quad count, as
// libavr32 reads it.
func TestHandshakeQueryOnly(t *testing.T) {
	g := newFakeGrid(0x00)
	g.quads = 4
	info, _, err := g.run(t, monome.HandshakeConfig{})
	if err != nil || info.Cols != 16 || info.Rows != 16 || info.Quads != 4 {
		t.Fatalf("got %+v, %v", info, err)
	}
}

func TestHandshakeNever(t *testing.T) {
	g := newFakeGrid()
	_, took, err := g.run(t, monome.HandshakeConfig{Interval: 100 * time.Millisecond, Timeout: 550 * time.Millisecond})
	if !errors.Is(err, monome.ErrNoReply) {
		t.Fatalf("err = %v, want ErrNoReply", err)
	}
	if len(g.requests) != 6 || took != 550*time.Millisecond {
		t.Errorf("%d requests, took %v; want 6, 550ms", len(g.requests), took)
	}
}

func TestHandshakeArc(t *testing.T) {
	g := newFakeGrid(0x01, 0x05)
	g.cols, g.rows = 0, 4 // libavr32: cols = 0 means an arc
	if _, _, err := g.run(t, monome.HandshakeConfig{}); !errors.Is(err, monome.ErrNotGrid) {
		t.Fatalf("err = %v, want ErrNotGrid", err)
	}
}

// A key pressed while the grid is answering reaches Other, not the bin.
func TestHandshakeOtherEvents(t *testing.T) {
	g := newFakeGrid(0x00, 0x01, 0x05)
	g.extra = []byte{0x21, 0x02, 0x03}
	var other []monome.Event
	if _, _, err := g.run(t, monome.HandshakeConfig{Other: func(e monome.Event) { other = append(other, e) }}); err != nil {
		t.Fatal(err)
	}
	if want := []monome.Event{key(2, 3, true)}; !reflect.DeepEqual(other, want) {
		t.Errorf("other = %+v, want %+v", other, want)
	}
}

func TestHandshakeReadError(t *testing.T) {
	gone := errors.New("input/output error")
	g := newFakeGrid(0x00, 0x01, 0x05)
	g.readErr = gone
	if _, _, err := g.run(t, monome.HandshakeConfig{}); !errors.Is(err, gone) {
		t.Fatalf("err = %v, want it to wrap %v", err, gone)
	}
}

func TestHandshakeState(t *testing.T) {
	var h monome.Handshake
	if h.SizeKnown() || h.Done() {
		t.Fatal("empty handshake knows something")
	}
	if _, err := h.Info(); !errors.Is(err, monome.ErrNoReply) {
		t.Fatalf("err = %v", err)
	}
	if h.Observe(key(1, 1, true)) {
		t.Error("a key counted as a reply")
	}
	h.Observe(monome.Event{Kind: monome.KindSize, Cols: 16, Rows: 16})
	if !h.SizeKnown() || h.Done() {
		t.Error("size alone: want SizeKnown and not Done")
	}
	h.Observe(monome.Event{Kind: monome.KindID, Text: "m1"})
	h.Observe(monome.Event{Kind: monome.KindFirmware, Text: "1.0"})
	if info, err := h.Info(); !h.Done() || err != nil || info != (monome.Info{Cols: 16, Rows: 16, ID: "m1", Firmware: "1.0"}) {
		t.Errorf("got %+v, %v", info, err)
	}
}
