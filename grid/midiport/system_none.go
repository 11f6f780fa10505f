//go:build !rtmidi

package midiport

import (
	"fmt"

	"gitlab.com/gomidi/midi/v2/drivers"
)

// System would return the machine's MIDI driver, but this build has none:
// it was built without -tags rtmidi (which needs cgo, g++ and
// libasound2-dev), so System always fails with ErrNoMIDI. Tests pass
// drivers/testdrv to List instead.
func System() (drivers.Driver, error) {
	return nil, fmt.Errorf("%w: this build has no MIDI support (built without -tags rtmidi)", ErrNoMIDI)
}
