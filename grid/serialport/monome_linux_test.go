//go:build linux

package serialport_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"gridbox/grid"
	"gridbox/grid/monome"
	"gridbox/grid/monome/monometest"
	"gridbox/grid/serialport"
)

// plug connects a simulated grid to the device side of a pty: bytes the
// host writes go to dev.Write (which answers the handshake and records
// LEDs), and what dev sends goes out on master.
func plug(t *testing.T, master *os.File, dev *monometest.Grid) {
	var wg sync.WaitGroup
	wg.Go(func() { io.Copy(dev, master) }) // ends when master is closed
	wg.Go(func() { io.Copy(master, dev) }) // ends when dev is closed
	t.Cleanup(func() {
		dev.Close()
		master.Close()
		wg.Wait()
	})
}

// nextPad returns the next pad from c, failing the test if none comes
// within wait or Pads is closed.
func nextPad(t *testing.T, pads <-chan grid.Pad) grid.Pad {
	t.Helper()
	select {
	case p, ok := <-pads:
		if !ok {
			t.Fatal("Pads closed, want a pad")
		}
		return p
	case <-time.After(wait):
		t.Fatalf("no pad within %v", wait)
		return grid.Pad{}
	}
}

// The whole driver over a real tty: handshake, a key, a light, an unplug.
func TestMonome_OverPTY(t *testing.T) {
	master, path := newPTY(t)
	dev := monometest.New(monometest.Config{Cols: 16, Rows: 8, ID: "m1000285"})
	plug(t, master, dev)
	port, err := serialport.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := monome.Open(port, path, monome.Config{})
	if err != nil {
		t.Fatalf("monome.Open: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if in := c.Info(); in.Cols != 16 || in.Rows != 8 || in.Model != "monome-128" || in.Port != path || c.ID() != "m1000285" {
		t.Errorf("Info = %d×%d %q on %q, ID %q; want 16×8 monome-128 on %q, ID m1000285", in.Cols, in.Rows, in.Model, in.Port, c.ID(), path)
	}

	// Key (0, 0) down, as the grid sends it.
	if _, err := master.Write([]byte{0x21, 0x00, 0x00}); err != nil {
		t.Fatal(err)
	}
	want := grid.Pad{Button: grid.Button{X: 0, Y: 0}, Down: true, Velocity: 127}
	if p := nextPad(t, c.Pads()); p != want {
		t.Errorf("pad = %+v, want %+v", p, want)
	}

	// A light reaches the grid through the tty.
	c.Set(grid.Button{X: 3, Y: 2}, grid.Light{Color: grid.Color{R: 255, G: 255, B: 255}})
	if err := c.Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	for end := time.Now().Add(wait); dev.Level(3, 2) != 15; time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("grid shows level %d at (3, 2) %v after Flush, want 15", dev.Level(3, 2), wait)
		}
	}
	if err := dev.Err(); err != nil {
		t.Errorf("grid got bad bytes: %v", err)
	}

	// Unplug: the held key is released and Pads closed.
	master.Close()
	if p := nextPad(t, c.Pads()); p.Button != want.Button || p.Down {
		t.Errorf("pad after unplug = %+v, want the release of (0, 0)", p)
	}
	select {
	case p, ok := <-c.Pads():
		if ok {
			t.Errorf("pad %+v after unplug, want Pads closed", p)
		}
	case <-time.After(wait):
		t.Fatalf("Pads still open %v after unplug", wait)
	}
	if err := c.Flush(); !errors.Is(err, monome.ErrGone) {
		t.Errorf("Flush after unplug = %v, want monome.ErrGone", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close after unplug = %v", err)
	}
}

// A device that never answers must fail monome.Open at its timeout, which
// only the port's read deadline makes possible: its Reads otherwise block
// until data arrives.
func TestMonome_SilentGridTimesOut(t *testing.T) {
	master, path := newPTY(t)
	port, err := serialport.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		c, err := monome.Open(port, path, monome.Config{Interval: 50 * time.Millisecond, Timeout: 200 * time.Millisecond})
		if err == nil {
			c.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, monome.ErrNoReply) {
			t.Errorf("monome.Open on a silent device = %v, want monome.ErrNoReply", err)
		}
	case <-time.After(wait):
		port.Close() // unblocks the handshake
		t.Fatalf("monome.Open still blocked %v after its 200 ms handshake timeout", wait)
	}
	if got, want := readMaster(t, master, 3), monome.HandshakeRequest(); !bytes.Equal(got, want) {
		t.Errorf("device got % X, want the handshake request % X", got, want)
	}
}
