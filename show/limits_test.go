package show

import (
	"testing"

	"gridbox/sequencer"
	"gridbox/sets"
)

// TestSceneLimitsAgree: a session adds scenes (recording) up to
// sequencer.MaxScenes, and the takes file saves them, which sets reads up
// to sets.MaxScenes: the sequencer may not import sets, so show, which
// imports both, checks they are one number.
func TestSceneLimitsAgree(t *testing.T) {
	if sequencer.MaxScenes != sets.MaxScenes {
		t.Fatalf("sequencer.MaxScenes = %d, sets.MaxScenes = %d", sequencer.MaxScenes, sets.MaxScenes)
	}
}
