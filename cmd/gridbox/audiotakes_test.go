package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gridbox/audio/wav"
	"gridbox/engine"
	"gridbox/sequencer"
	"gridbox/show"
	"gridbox/show/showtest"
)

// slowDisk is a take's file on a disk that takes a second for each
// write until until, and counts the bytes written.
type slowDisk struct {
	*os.File
	until time.Time
	bytes *atomic.Int64
}

func (d *slowDisk) Write(b []byte) (int, error) {
	if time.Now().Before(d.until) {
		time.Sleep(time.Second)
	}
	n, err := d.File.Write(b)
	d.bytes.Add(int64(n))
	return n, err
}

// TestPlayAudioTakeWriterBehind plays with --audio null (an input of
// silence) and records an audio take of 4 bars on a disk so slow for 4 s
// that the take's writer falls seconds behind: the capture ring fills,
// the recording stops at the last block handed over whole, the journal
// says why, the take's file holds what was handed over and reads, and the
// music plays on without an underrun.
func TestPlayAudioTakeWriterBehind(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	set := filepath.Join(dir, "loop.toml")
	showtest.WriteFile(t, set, "name = \"Looper\"\ntempo = 120\ncount_in = \"none\"\nfixed_length = \"4 bars\"\nmetronome = false\n"+
		"[[scene]]\n[[track]]\nname = \"Gtr\"\ninput = \"1\"\n")
	var written atomic.Int64
	pressed := false
	var stderr syncBuffer
	e := &env{stdout: io.Discard, stderr: &stderr, hooks: show.Hooks{
		Notify: func(chan<- os.Signal, ...os.Signal) {},
		Turn: func(s *sequencer.Session, now engine.Frame) {
			if !pressed && now > 4800 {
				pressed = true
				s.Record(0, 0, now) // records from beat 4 (2 s) to beat 20 (10 s)
			}
		},
		CaptureWords: 2 * 48000, // 2 s of the mono take
		TakeFile: func(f *os.File) show.TakeFile {
			return &slowDisk{File: f, until: time.Now().Add(4 * time.Second), bytes: &written}
		},
	}}
	code := run([]string{"play", set, "--audio", "null", "--rate", "48000", "--seconds", "8", "--no-watch"}, e)
	out := stderr.String()
	if code != 0 {
		t.Fatalf("play exited %d:\n%s", code, out)
	}
	t.Log(out)
	if !strings.Contains(out, "track 1's take stopped: the disk could not keep up") {
		t.Errorf("the journal does not say the take stopped for a slow disk")
	}
	if !strings.Contains(out, " 0 underruns") {
		t.Errorf("the music did not play on without an underrun")
	}
	f, err := os.Open(filepath.Join(dir, "loop.takes", "take-0001.wav"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := wav.Decode(f)
	if err != nil {
		t.Fatalf("the take's file does not read: %v", err)
	}
	full := 4 * 4 * 24000
	t.Logf("the take holds %d frames of %d (%d bytes written)", b.Frames(), full, written.Load())
	if b.Frames() == 0 || b.Frames() >= full {
		t.Errorf("the take holds %d frames; want some, cut short of %d", b.Frames(), full)
	}
}
