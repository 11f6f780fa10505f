package sequencer

import "gridbox/engine"

// recordOn notes a live note-on for the recording in progress, if track x
// records.
func (s *Session) recordOn(x int, key, vel uint8, at engine.Frame) {}

// recordOff notes a live note-off for the recording in progress.
func (s *Session) recordOff(x int, key uint8, at engine.Frame) {}
