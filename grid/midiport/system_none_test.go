//go:build !rtmidi

package midiport_test

import (
	"errors"
	"strings"
	"testing"

	"gridbox/grid/midiport"
)

// TestSystemWithoutTag: a build without -tags rtmidi has no driver, and
// says why.
func TestSystemWithoutTag(t *testing.T) {
	drv, err := midiport.System()
	if drv != nil || !errors.Is(err, midiport.ErrNoMIDI) || !strings.Contains(err.Error(), "-tags rtmidi") {
		t.Fatalf("System() = %v, %v; want nil and ErrNoMIDI naming the rtmidi tag", drv, err)
	}
}
