package midiport_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"
	"testing/synctest"
	"time"

	"gridbox/grid/midiport"
)

// TestSysExArrivesWhole: long SysEx written through Write come back
// through Read byte for byte. 1025 bytes is one past gomidi's default SysEx
// buffer, which would panic its reader; MaxSysEx is the longest Open allows.
func TestSysExArrivesWhole(t *testing.T) {
	for _, n := range []int{1025, 8 << 10, midiport.MaxSysEx} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := openLoop(t, "loop")
			want := sysex(n)
			write(t, s, want)
			if got := readN(t, s, n); !bytes.Equal(got, want) {
				t.Fatalf("read back %d bytes that differ from the %d-byte SysEx written", len(got), n)
			}
			if st := s.Stats(); st != (midiport.Stats{Messages: 1}) {
				t.Errorf("Stats = %+v, want one message", st)
			}
		})
	}
}

// TestMessagesArriveInOrder: a note-on and other channel messages arrive,
// and so do clock, start and active sensing, which launchpad's parser
// counts and drops (gomidi filters them unless asked).
func TestMessagesArriveInOrder(t *testing.T) {
	s := openLoop(t, "loop")
	msgs := [][]byte{
		{0x90, 0x51, 0x7F}, // note on: the Launchpad X's top left pad
		{0xF8},             // clock
		{0xB0, 0x5B, 0x7F}, // CC
		{0xFA},             // start
		{0xC0, 0x05},       // program change
		{0xFE},             // active sensing
		{0x80, 0x51, 0x00}, // note off
	}
	write(t, s, msgs...)
	want := bytes.Join(msgs, nil)
	if got := readN(t, s, len(want)); !bytes.Equal(got, want) {
		t.Fatalf("read % X, want % X", got, want)
	}
	if st := s.Stats(); st.Messages != uint64(len(msgs)) || st.Dropped != 0 {
		t.Errorf("Stats = %+v, want %d messages, none dropped", st, len(msgs))
	}
}

// TestWriteRejectsMalformed: Write sends nothing but one complete message,
// and says so with ErrMessage.
func TestWriteRejectsMalformed(t *testing.T) {
	s := openLoop(t, "loop")
	for _, junk := range [][]byte{
		nil,
		{0x51, 0x7F},             // data bytes, no status
		{0x90, 0x51},             // note on cut short
		{0x90, 0x51, 0x7F, 0x7F}, // note on and a running-status half
		{0x90, 0x51, 0x7F, 0x80, 0x51, 0x00},
		{0xC0, 0x05, 0x06},
		{0xF0, 0x00, 0x20, 0x29},       // SysEx without F7
		{0xF0, 0x00, 0x90, 0x51, 0xF7}, // a status byte inside a SysEx
		{0xF0, 0x00, 0xF8, 0xF7},       // a realtime byte inside: two messages
		{0xF7},                         // end of SysEx on its own
		{0xF4},                         // undefined
		{0xF8, 0xF8},
	} {
		n, err := s.Write(junk)
		if !errors.Is(err, midiport.ErrMessage) || n != 0 {
			t.Errorf("Write(% X) = %d, %v; want 0, ErrMessage", junk, n, err)
		}
	}
	// Nothing of the junk was sent: the next bytes are this note-on's.
	write(t, s, []byte{0x90, 0x51, 0x7F})
	if got := readN(t, s, 3); !bytes.Equal(got, []byte{0x90, 0x51, 0x7F}) {
		t.Fatalf("read % X, want the note-on 90 51 7F", got)
	}
	if st := s.Stats(); st.Messages != 1 {
		t.Errorf("Stats = %+v, want the note-on only", st)
	}
}

// TestCloseUnblocksRead: Close wakes a Read blocked in another goroutine,
// which returns io.EOF; the stream then refuses writes, and a second Close
// is a no-op. synctest.Wait returns once the reader is durably blocked in
// Read, so the test knows Read was blocked, without sleeping.
func TestCloseUnblocksRead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := openLoop(t, "loop")
		type result struct {
			n   int
			err error
		}
		done := make(chan result, 1)
		go func() {
			n, err := s.Read(make([]byte, 16))
			done <- result{n, err}
		}()
		synctest.Wait()
		select {
		case r := <-done:
			t.Fatalf("Read returned %d, %v with nothing sent and the stream open", r.n, r.err)
		default:
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		synctest.Wait()
		select {
		case r := <-done:
			if r.n != 0 || r.err != io.EOF {
				t.Fatalf("Read after Close = %d, %v; want 0, io.EOF", r.n, r.err)
			}
		default:
			t.Fatal("Read still blocked after Close")
		}
		if _, err := s.Write([]byte{0x90, 0x51, 0x7F}); !errors.Is(err, midiport.ErrClosed) {
			t.Errorf("Write after Close: %v, want ErrClosed", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("second Close: %v, want nil", err)
		}
	})
}

// TestCloseDiscardsBuffer: after Close, Read reports io.EOF at once even
// with bytes still buffered.
func TestCloseDiscardsBuffer(t *testing.T) {
	s := openLoop(t, "loop")
	write(t, s, []byte{0x90, 0x51, 0x7F})
	s.Close()
	if b, err := readOnce(t, s); len(b) != 0 || err != io.EOF {
		t.Fatalf("Read after Close = % X, %v; want nothing, io.EOF", b, err)
	}
}

// TestGoneDrainsThenEOF: after Gone, Read returns what was buffered, then
// io.EOF, even while the driver still delivers messages (rtmidi may, a clock
// flood say); Write returns ErrGone; Gone also wakes a blocked Read.
func TestGoneDrainsThenEOF(t *testing.T) {
	t.Run("buffered", func(t *testing.T) {
		s, out := openLoopback(t, "loop")
		defer s.Close()
		write(t, s, []byte{0x90, 0x51, 0x7F})
		s.Gone()
		if err := out.Send([]byte{0xF8}); err != nil { // behind the stream's back
			t.Fatal(err)
		}
		if b, err := readOnce(t, s); err != nil || !bytes.Equal(b, []byte{0x90, 0x51, 0x7F}) {
			t.Fatalf("first Read after Gone = % X, %v; want the buffered note-on", b, err)
		}
		if b, err := readOnce(t, s); len(b) != 0 || err != io.EOF {
			t.Fatalf("second Read after Gone = % X, %v; want nothing, io.EOF", b, err)
		}
		if _, err := s.Write([]byte{0x90, 0x51, 0x7F}); !errors.Is(err, midiport.ErrGone) {
			t.Errorf("Write after Gone: %v, want ErrGone", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("Close after Gone: %v", err)
		}
	})
	t.Run("blocked", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s := openLoop(t, "loop")
			done := make(chan error, 1)
			go func() {
				_, err := s.Read(make([]byte, 16))
				done <- err
			}()
			synctest.Wait()
			s.Gone()
			synctest.Wait()
			select {
			case err := <-done:
				if err != io.EOF {
					t.Fatalf("Read after Gone: %v, want io.EOF", err)
				}
			default:
				t.Fatal("Read still blocked after Gone")
			}
		})
	})
}

// TestFloodIsDroppedAndCounted: with nobody reading, messages beyond
// BufferSize are dropped whole and counted, and the listener never blocks
// (testdrv runs it inside Write, so a blocking listener would hang Write).
// What was buffered reads back intact, and the stream works on afterwards.
func TestFloodIsDroppedAndCounted(t *testing.T) {
	// Closed by hand, not in a cleanup: should a Write hang, holding the
	// write lock, a cleanup's Close would hang the test binary.
	s, _ := openLoopback(t, "loop")
	fit := midiport.BufferSize / 3 // note-ons that fit; one byte stays free
	const extra = 100
	note := func(i int) []byte { return []byte{0x90 | byte(i%16), byte(i / 16 % 128), byte(1 + i%127)} }

	flooded := make(chan error, 1)
	go func() {
		for i := range fit + extra {
			if _, err := s.Write(note(i)); err != nil {
				flooded <- err
				return
			}
		}
		// No room for a SysEx either: it is dropped whole, not cut.
		_, err := s.Write(sysex(64))
		flooded <- err
	}()
	select {
	case err := <-flooded:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("writing into a full buffer blocked: the listener must drop, not wait")
	}

	want := midiport.Stats{Messages: uint64(fit), Dropped: extra + 1}
	if st := s.Stats(); st != want {
		t.Fatalf("Stats = %+v, want %+v", st, want)
	}
	got := readN(t, s, 3*fit)
	for i := range fit {
		if m := got[3*i : 3*i+3]; !bytes.Equal(m, note(i)) {
			t.Fatalf("message %d = % X, want % X: the oldest must be kept, the newest dropped", i, m, note(i))
		}
	}
	// The ring's one free byte was at its end: this note-on wraps around.
	write(t, s, []byte{0x90, 0x51, 0x7F})
	if b := readN(t, s, 3); !bytes.Equal(b, []byte{0x90, 0x51, 0x7F}) {
		t.Fatalf("after draining, read % X, want 90 51 7F", b)
	}
	s.Close()
}

// TestConcurrentWriteRead: a writer and the reader run at once (as
// launchpad's LED and reader goroutines do), with Stats polled on the
// side; every byte arrives in order. Run with -race.
func TestConcurrentWriteRead(t *testing.T) {
	s := openLoop(t, "loop")
	const n = 2000
	var want []byte
	for i := range n {
		want = append(want, 0xB0, byte(i%128), byte(i/128))
	}
	go func() {
		for i := range n {
			if _, err := s.Write(want[3*i : 3*i+3]); err != nil {
				t.Errorf("Write: %v", err)
				return
			}
			s.Stats()
		}
	}()
	if got := readN(t, s, len(want)); !bytes.Equal(got, want) {
		t.Fatal("bytes read differ from the messages written")
	}
}
