package midiport_test

import (
	"errors"
	"slices"
	"testing"

	"gridbox/grid/midiport"
)

// TestCloseStopsListeningFirst: Close stops the listener before it closes
// the ports, as gomidi asks, closes each port once, and a second Close
// touches nothing.
func TestCloseStopsListeningFirst(t *testing.T) {
	var log []string
	in, out := loop("loop")
	s, err := midiport.Open(midiport.Port{Name: "loop", In: recIn{in, &log}, Out: recOut{Out: out, log: &log}})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s.Close()
	want := []string{"open in", "open out", "listen", "stop", "close in", "close out"}
	if !slices.Equal(log, want) {
		t.Fatalf("calls into the ports: %q, want %q", log, want)
	}
}

// TestOpenFailureClosesInput: when the output does not open, Open closes
// the input it opened and returns the output's error.
func TestOpenFailureClosesInput(t *testing.T) {
	var log []string
	boom := errors.New("boom")
	in, out := loop("loop")
	s, err := midiport.Open(midiport.Port{Name: "loop", In: recIn{in, &log}, Out: recOut{Out: out, log: &log, openErr: boom}})
	if s != nil || !errors.Is(err, boom) {
		t.Fatalf("Open = %v, %v; want nil and an error wrapping %v", s, err, boom)
	}
	want := []string{"open in", "open out", "close in"}
	if !slices.Equal(log, want) {
		t.Fatalf("calls into the ports: %q, want %q", log, want)
	}
}

// TestWriteReturnsSendError: a failed Out.Send comes back from Write, which
// the driver takes as the device gone.
func TestWriteReturnsSendError(t *testing.T) {
	var log []string
	boom := errors.New("boom")
	in, out := loop("loop")
	s, err := midiport.Open(midiport.Port{Name: "loop", In: recIn{in, &log}, Out: recOut{Out: out, log: &log, sendErr: boom}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.Write([]byte{0x90, 0x51, 0x7F}); n != 0 || !errors.Is(err, boom) {
		t.Fatalf("Write = %d, %v; want 0 and an error wrapping %v", n, err, boom)
	}
}
