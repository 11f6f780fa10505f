//go:build rtmidi

package midiport

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"

	"gitlab.com/gomidi/midi/v2/drivers"
	"gitlab.com/gomidi/midi/v2/drivers/rtmididrv"
)

// seqDevice is the ALSA sequencer, through which rtmidi reaches every MIDI
// device on Linux.
const seqDevice = "/dev/snd/seq"

// System returns the machine's MIDI driver: rtmidi, over the ALSA sequencer
// on Linux. On Linux it first opens and closes seqDevice, and fails with
// ErrNoMIDI when that fails, before calling into rtmidi at all: without a
// sequencer rtmidi prints to stderr and its errors carry unreadable text
// (a freed C++ message; environment.md §6.2). Importing this build of the
// package also registers rtmididrv in gomidi's driver registry (its init
// does); pass the returned driver to List rather than relying on that.
func System() (drivers.Driver, error) {
	if runtime.GOOS == "linux" {
		if err := probe(seqDevice); err != nil {
			return nil, err
		}
	}
	drv, err := rtmididrv.New()
	if err != nil {
		return nil, fmt.Errorf("midiport: rtmidi: %w", err)
	}
	return drv, nil
}

// probe opens the sequencer device as rtmidi would (read-write) and closes
// it, so that "missing" and "not allowed" get messages of their own.
func probe(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("%w: ALSA sequencer not accessible (is the user in group audio?): %w", ErrNoMIDI, err)
	}
	if err != nil {
		return fmt.Errorf("%w: no ALSA sequencer: %w", ErrNoMIDI, err)
	}
	return f.Close()
}
