package launchpad

import "maps"

// The functions printed on the round buttons of the two models that print
// them, in grid.LabelVocabulary's words. A button printed with a function
// outside the vocabulary is left out: on the Pro, Device, User, Double, Pan
// and Sends; on the Pro MK3, Chord, Custom, Projects, Pan, Sends and
// Device. Sources: the Pro MK3's CC numbers by name in weskoop's Bitwig
// script (Buttons.ts) and zcx's Pro MK3 control names (the track buttons
// are the upper bottom row, CC 101–108; Record Arm … Stop Clip the lower
// one, CC 1–8); the Pro's and Pro MK3's panels as DrivenByMoss's Launchpad
// manual describes them [code, doc; not checked on a device].
var printed = [...]map[Button]string{
	// Launchpad Pro (MK1), Programmer layout:
	//
	//	Y\X     -1         0      1       2     3      4        5     6       7
	//	-1                 up     down    left  right  session  note  device  user
	//	 0    shift (80)   ·
	//	 1    click (70)   ·
	//	 2    undo (60)    ·
	//	 3    delete (50)  ·
	//	 4    quantise     ·
	//	 5    duplicate    ·
	//	 6    double       ·
	//	 7    record (10)  ·
	//	 8                 rec arm  track select  mute  solo  volume  pan  sends  stop clip (CC 1–8)
	LaunchpadPro: {
		{0, -1}: "up", {1, -1}: "down", {2, -1}: "left", {3, -1}: "right",
		{4, -1}: "session", {5, -1}: "note",
		{-1, 0}: "shift", {-1, 1}: "metronome", {-1, 2}: "undo", {-1, 3}: "clear",
		{-1, 4}: "quantize", {-1, 5}: "duplicate", {-1, 7}: "record",
		{0, 8}: "arm", {1, 8}: "track", {2, 8}: "mute", {3, 8}: "solo", {4, 8}: "volume", {7, 8}: "stop",
	},
	// Launchpad Pro MK3, Programmer mode:
	//
	//	Y\X    -1              0      1      2        3     4      5       6          7
	//	-1     shift (90)      left   right  session  note  chord  custom  sequencer  projects
	//	 0     up (80)         ·
	//	 1     down (70)       ·
	//	 2     clear           ·
	//	 3     duplicate       ·
	//	 4     quantise        ·
	//	 5     fixed length    ·
	//	 6     play            ·
	//	 7     record (10)     ·
	//	 8                     track 1 … track 8 (CC 101–108)
	//	 9                     rec arm  mute  solo  volume  pan  sends  device  stop clip (CC 1–8)
	LaunchpadProMK3: {
		{-1, -1}: "shift", {0, -1}: "left", {1, -1}: "right", {2, -1}: "session", {3, -1}: "note", {6, -1}: "step",
		{-1, 0}: "up", {-1, 1}: "down", {-1, 2}: "clear", {-1, 3}: "duplicate",
		{-1, 4}: "quantize", {-1, 5}: "length", {-1, 6}: "play", {-1, 7}: "record",
		{0, 8}: "track", {1, 8}: "track", {2, 8}: "track", {3, 8}: "track",
		{4, 8}: "track", {5, 8}: "track", {6, 8}: "track", {7, 8}: "track",
		{0, 9}: "arm", {1, 9}: "mute", {2, 9}: "solo", {3, 9}: "volume", {7, 9}: "stop",
	},
}

// shiftPrinted is what the Pro MK3 prints under a button for Shift held
// with it: Undo under Record Arm, Redo under Mute, Click under Solo
// [doc: DrivenByMoss's Launchpad manual, "Shifted functions on the Pro
// models"; not checked on a device].
var shiftPrinted = [...]map[Button]string{
	LaunchpadProMK3: {{0, 9}: "undo", {1, 9}: "redo", {2, 9}: "metronome"},
}

// Labels returns the functions printed on the model's buttons, in
// grid.LabelVocabulary's words, or nil for a model whose buttons do not
// print them (all but the Pro and Pro MK3). The map is the caller's.
func (m Model) Labels() map[Button]string { return clone(printed[:], m) }

// ShiftLabels returns the functions the model prints for Shift held with a
// button (the Pro MK3's Undo under Record Arm), or nil. The map is the
// caller's.
func (m Model) ShiftLabels() map[Button]string { return clone(shiftPrinted[:], m) }

func clone(by []map[Button]string, m Model) map[Button]string {
	if !m.Valid() || int(m) >= len(by) {
		return nil
	}
	return maps.Clone(by[m]) // nil stays nil
}
