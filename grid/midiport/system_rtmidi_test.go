//go:build rtmidi

package midiport

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProbe: a missing sequencer device is ErrNoMIDI naming the device; one
// that opens passes.
func TestProbe(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "seq")
	if err := probe(missing); !errors.Is(err, ErrNoMIDI) || !strings.Contains(err.Error(), missing) {
		t.Errorf("probe(missing) = %v, want ErrNoMIDI naming %s", err, missing)
	}
	present := filepath.Join(dir, "seq2")
	if err := os.WriteFile(present, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := probe(present); err != nil {
		t.Errorf("probe(present) = %v, want nil", err)
	}
}

// TestSystemWithoutSequencer: on a machine without /dev/snd/seq, System
// fails with ErrNoMIDI before rtmidi is touched.
func TestSystemWithoutSequencer(t *testing.T) {
	if _, err := os.Stat(seqDevice); err == nil {
		t.Skip(seqDevice, " exists here: this test needs a machine without an ALSA sequencer")
	}
	drv, err := System()
	if drv != nil || !errors.Is(err, ErrNoMIDI) || !strings.Contains(err.Error(), seqDevice) {
		t.Fatalf("System() = %v, %v; want nil and ErrNoMIDI naming %s", drv, err, seqDevice)
	}
	t.Log(err)
}
