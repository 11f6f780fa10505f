package show

import (
	"testing"

	"gridbox/sequencer"
	"gridbox/sets"
)

// TestSceneLimitsAgree: a session adds scenes (recording) up to
// sequencer.MaxScenes and duplicates clips up to MaxClipBeats and
// MaxClipNotes, and the takes file saves them, which sets reads up to its
// own limits: the sequencer may not import sets, so show, which imports
// both, checks they are the same numbers.
func TestSceneLimitsAgree(t *testing.T) {
	if sequencer.MaxScenes != sets.MaxScenes {
		t.Fatalf("sequencer.MaxScenes = %d, sets.MaxScenes = %d", sequencer.MaxScenes, sets.MaxScenes)
	}
	if sequencer.MaxClipBeats != sets.MaxBeats || sequencer.MaxClipNotes != sets.MaxNotes {
		t.Fatalf("sequencer.MaxClipBeats, MaxClipNotes = %v, %d; sets.MaxBeats, MaxNotes = %v, %d",
			sequencer.MaxClipBeats, sequencer.MaxClipNotes, sets.MaxBeats, sets.MaxNotes)
	}
}
