package surface

import (
	"slices"
	"testing"

	"gridbox/engine"
	"gridbox/grid"
	"gridbox/music"
	"gridbox/sequencer"
)

// noteSong is song(tracks, scenes) whose track 0 plays notes: its slot
// (0, 1) is empty and the others hold empty one-bar note clips.
func noteSong(tracks, scenes int) *sequencer.Song {
	s := song(tracks, scenes)
	t := &s.Tracks[0]
	t.Instrument = 0
	for y := range t.Clips {
		t.Clips[y] = &sequencer.Clip{Sample: -1, Loop: true, Length: 4, Gain: 1}
	}
	t.Clips[1] = nil
	return s
}

// playable tells the rig's surface that track 0 has an instrument with
// zones on every key, or on the drum keys 36–51 when drum.
func (g *rig) playable(key music.Key, drum bool) {
	info := make([]TrackInfo, g.s.Tracks())
	for i := range info {
		info[i].Color = g.u.color(i)
	}
	info[0].Key, info[0].Drum = key, drum
	if drum {
		for n := 36; n < 52; n++ {
			info[0].Keys[n/64] |= 1 << (n % 64)
		}
	} else {
		info[0].Keys = [2]uint64{^uint64(0), ^uint64(0)}
	}
	g.u.SetTracks(info)
}

// notes returns the keys of the NoteOns sent since the last call.
func (g *rig) notesOn() []int {
	var ks []int
	for _, c := range g.r.cmds {
		if c.Op == engine.NoteOn {
			ks = append(ks, int(c.Key))
		}
	}
	g.r.cmds = g.r.cmds[:0]
	return ks
}

// tap presses and lets go of button (x, y) of controller id.
func (g *rig) tap(id string, x, y int, at engine.Frame) {
	g.press(id, x, y, at)
	g.release(id, x, y, at)
}

// shiftTap presses (x, y) with an unlabelled controller's Shift (its
// Session button) held.
func (g *rig) shiftTap(id string, x, y int, at engine.Frame) {
	g.press(id, 4, -1, at)
	g.tap(id, x, y, at)
	g.release(id, 4, -1, at)
}

func mustKey(t *testing.T, s string) music.Key {
	t.Helper()
	k, err := music.ParseKey(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// On a Launchpad without labels, Shift is the Session button held: with
// it Mixer, Volume and Stop All are Note, Drum and Step; alone it is
// Session mode, when let go.
func TestShiftReachesTheNoteModes(t *testing.T) {
	g := newRig(t, noteSong(4, 4), launchpadInfo())
	for _, c := range []struct {
		x    int
		want Mode
	}{{5, Note}, {6, Drum}, {7, Step}} {
		g.shiftTap("a", c.x, -1, 0)
		if g.u.Mode() != c.want {
			t.Errorf("Shift + top button %d: mode %v, want %v", c.x, g.u.Mode(), c.want)
		}
		g.tap("a", 4, -1, 0)
		if g.u.Mode() != Session {
			t.Errorf("Session alone: mode %v, want Session", g.u.Mode())
		}
	}
	g.tap("a", 5, -1, 0)
	if g.u.Mode() != Mixer {
		t.Errorf("Mixer: mode %v", g.u.Mode())
	}
}

// A labelled controller reaches every mode and action by its buttons.
func TestLabelledButtons(t *testing.T) {
	in := launchpadInfo()
	in.Labels = map[grid.Button]string{}
	names := []string{"note", "drum", "step", "record", "undo", "redo", "metronome", "shift"}
	for i, n := range names {
		b := grid.Button{X: -1, Y: i}
		in.Buttons = append(in.Buttons, b)
		in.Labels[b] = n
	}
	for i, n := range []string{"up", "down", "left", "right", "session", "mixer", "volume", "stopall"} {
		in.Labels[grid.Button{X: i, Y: -1}] = n
	}
	g := newRig(t, noteSong(4, 4), in)
	for i, want := range []Mode{Note, Drum, Step} {
		g.tap("a", -1, i, 0)
		if g.u.Mode() != want {
			t.Errorf("button %s: mode %v, want %v", names[i], g.u.Mode(), want)
		}
	}
	g.tap("a", 4, -1, 0) // Session acts at once on a labelled controller
	if g.u.Mode() != Session {
		t.Errorf("session: mode %v", g.u.Mode())
	}
	on := g.s.MetronomeOn()
	g.tap("a", -1, 6, 0)
	if g.s.MetronomeOn() == on {
		t.Errorf("the metronome button did not toggle the metronome")
	}
}

// Note mode lays the selected track's key out in fourths from C3 at the
// bottom left; every pad plays the note music.InKey gives it, in every
// scale, from both ends of the octave range, and chromatic too.
func TestNoteModePlaysEveryPadInKey(t *testing.T) {
	g := newRig(t, noteSong(2, 2), launchpadInfo())
	g.shiftTap("a", 5, -1, 0)
	check := func(what string, want func(col, row int) (int, bool)) {
		t.Helper()
		g.notesOn()
		for y := range 8 {
			for x := range 8 {
				g.tap("a", x, y, 0)
				got := g.notesOn()
				n, ok := want(x, 7-y)
				switch {
				case !ok && len(got) != 0:
					t.Fatalf("%s: pad (%d,%d) played %v, want nothing", what, x, y, got)
				case ok && (len(got) != 1 || got[0] != n):
					t.Fatalf("%s: pad (%d,%d) played %v, want %d", what, x, y, got, n)
				}
			}
		}
	}
	g.playable(cMajor, false)
	check("C major", func(col, row int) (int, bool) {
		return music.InKey(cMajor, 48, col, row, 3)
	})
	if n, _ := music.InKey(cMajor, 48, 0, 1, 3); n != 53 {
		t.Fatalf("a row up from C3 is %d, want F3 (53)", n)
	}
	for _, sc := range music.Scales {
		for _, root := range []int{0, 11} {
			k := music.Key{Root: root, Scale: sc}
			g.playable(k, false)
			for _, oct := range []int{minOctave, maxOctave} {
				g.u.octave = oct
				check(k.String(), func(col, row int) (int, bool) {
					return music.InKey(k, 48+root+12*oct, col, row, 3)
				})
			}
		}
	}
	g.u.octave = 0
	g.playable(mustKey(t, "D dorian"), false)
	g.shiftTap("a", 0, -1, 0) // Shift + up: chromatic
	check("chromatic from D3", func(col, row int) (int, bool) { return 50 + col + 5*row, true })
}

// The arrows move Note mode by octaves (up, down) and semitones (left,
// right); Shift + left and right choose the scale.
func TestNoteModeArrows(t *testing.T) {
	g := newRig(t, noteSong(2, 2), launchpadInfo())
	g.playable(cMajor, false)
	g.shiftTap("a", 5, -1, 0)
	bottomLeft := func() int {
		g.notesOn()
		g.tap("a", 0, 7, 0)
		ks := g.notesOn()
		if len(ks) != 1 {
			t.Fatalf("bottom-left pad played %v", ks)
		}
		return ks[0]
	}
	g.tap("a", 0, -1, 0) // up an octave
	if n := bottomLeft(); n != 60 {
		t.Errorf("up: bottom-left %d, want 60", n)
	}
	g.tap("a", 1, -1, 0)
	g.tap("a", 3, -1, 0) // down, then up a semitone: C# major
	if n := bottomLeft(); n != 49 {
		t.Errorf("right: bottom-left %d, want 49", n)
	}
	g.shiftTap("a", 3, -1, 0)
	if k := g.u.key(0); k.Scale.Name != music.Scales[1].Name || k.Root != 1 {
		t.Errorf("Shift + right: key %v, want C# %s", k, music.Scales[1].Name)
	}
}

// Note mode lights the key: roots in the track's colour, other notes of
// the key dim, a held pad white.
func TestNoteModeLights(t *testing.T) {
	g := newRig(t, noteSong(2, 2), launchpadInfo())
	g.playable(cMajor, false)
	g.shiftTap("a", 5, -1, 0)
	c := g.u.color(0)
	ls := g.paint("a", 0)
	if l := ls[grid.Button{X: 0, Y: 7}]; l != static(c) {
		t.Errorf("C3 (root) shows %+v, want the track colour", l)
	}
	if l := ls[grid.Button{X: 1, Y: 7}]; l != static(dim(c)) {
		t.Errorf("D3 shows %+v, want dim", l)
	}
	g.press("a", 1, 7, 0)
	if l := g.paint("a", 0)[grid.Button{X: 1, Y: 7}]; l != static(white) {
		t.Errorf("held D3 shows %+v, want white", l)
	}
	g.release("a", 1, 7, 0)
	if l := g.paint("a", 0)[grid.Button{X: 1, Y: 7}]; l != static(dim(c)) {
		t.Errorf("let-go D3 shows %+v, want dim", l)
	}
	// A Launchpad with velocity passes it on; one without plays at 100.
	in := launchpadInfo()
	in.Velocity = true
	for _, v := range []struct {
		in   grid.Info
		want uint8
	}{{launchpadInfo(), fixedVelocity}, {in, 37}} {
		g := newRig(t, noteSong(2, 2), v.in)
		g.playable(cMajor, false)
		g.shiftTap("a", 5, -1, 0)
		g.r.cmds = nil
		g.u.Handle("a", grid.Pad{Button: grid.Button{X: 0, Y: 7}, Down: true, Velocity: 37}, 0)
		if len(g.r.cmds) != 1 || g.r.cmds[0].Vel != v.want {
			t.Errorf("velocity %v: sent %+v, want velocity %d", v.in.Velocity, g.r.cmds, v.want)
		}
	}
}

// Drum mode: the 4×4 block at the bottom left plays 36–51, +1 to the
// right, +4 up; the pads beside its top row move it by 16 notes.
func TestDrumModeLayout(t *testing.T) {
	g := newRig(t, noteSong(2, 2), launchpadInfo())
	g.playable(cMajor, true)
	g.shiftTap("a", 6, -1, 0)
	g.notesOn()
	for row := range 4 {
		for col := range 4 {
			g.tap("a", col, 7-row, 0)
			if ks := g.notesOn(); len(ks) != 1 || ks[0] != 36+col+4*row {
				t.Fatalf("drum pad (%d,%d) played %v, want %d", col, row, ks, 36+col+4*row)
			}
		}
	}
	c := g.u.color(0)
	ls := g.paint("a", 0)
	if l := ls[grid.Button{X: 0, Y: 7}]; l != static(dim(c)) {
		t.Errorf("the kick's pad shows %+v, want the track colour dim", l)
	}
	g.tap("a", drumNextCol, 4, 0) // the next 16
	g.tap("a", 0, 7, 0)
	if ks := g.notesOn(); len(ks) != 1 || ks[0] != 52 {
		t.Errorf("after next 16 the bottom-left pad played %v, want 52", ks)
	}
	if l := g.paint("a", 0)[grid.Button{X: 0, Y: 7}]; l != grid.Off && l != static(dim(white)) {
		t.Errorf("a key without a zone shows %+v", l)
	}
}

// Step mode: a step pad puts a note in the selected clip, the next press
// takes it out; held, another step of its row sets its length; the
// bottom row sets velocities; Shift + step sets the clip's length. Each
// edit is one undo step.
func TestStepModeEdits(t *testing.T) {
	g := newRig(t, noteSong(2, 2), launchpadInfo())
	g.playable(cMajor, false)
	g.shiftTap("a", 7, -1, 0)
	clip := func() *sequencer.Clip { return g.s.Clip(0, 0) }
	g.tap("a", 2, 6, 0) // step 2 of the bottom note row: C3
	if ns := clip().Notes; len(ns) != 1 || ns[0] != (sequencer.Note{At: 0.5, Len: 0.25, Key: 48, Vel: fixedVelocity}) {
		t.Fatalf("after a step press the clip has %+v", ns)
	}
	g.press("a", 2, 6, 0)
	g.tap("a", 5, 6, 0) // held step 2 to step 5: a note of 4 steps
	g.release("a", 2, 6, 0)
	if ns := clip().Notes; len(ns) != 1 || ns[0].Len != 1 {
		t.Fatalf("after hold + press the clip has %+v, want one note of length 1", ns)
	}
	g.tap("a", 0, 7, 0) // the softest velocity
	g.tap("a", 0, 5, 0) // step 0 of D3
	if ns := clip().Notes; len(ns) != 2 || ns[0].Key != 50 || ns[0].Vel != 16 {
		t.Fatalf("a soft D3: the clip has %+v", ns)
	}
	g.tap("a", 2, 6, 0) // off again
	if ns := clip().Notes; len(ns) != 1 || ns[0].Key != 50 {
		t.Fatalf("after taking C3 out the clip has %+v", ns)
	}
	g.shiftTap("a", 7, 3, 0) // Shift + step 7: two beats long
	if l := clip().Length; l != 2 {
		t.Errorf("after Shift + step 7 the clip is %v beats, want 2", l)
	}
	for range 4 {
		g.s.Undo(0)
	}
	if ns := clip().Notes; len(ns) != 1 || ns[0] != (sequencer.Note{At: 0.5, Len: 0.25, Key: 48, Vel: fixedVelocity}) {
		t.Errorf("after four undos the clip has %+v, want the first step", clip().Notes)
	}
}

// Step mode on an empty slot makes a one-bar note clip there.
func TestStepModeMakesAClip(t *testing.T) {
	g := newRig(t, noteSong(2, 2), launchpadInfo())
	g.playable(cMajor, true)
	g.tap("a", 0, 1, 0) // select track 0, scene 1 (empty: it stops track 0)
	g.shiftTap("a", 7, -1, 0)
	g.tap("a", 0, 6, 0) // step 0 of the first kit key
	c := g.s.Clip(0, 1)
	if c == nil || !c.IsNotes() || c.Length != 4 || len(c.Notes) != 1 || c.Notes[0].Key != 36 {
		t.Fatalf("the empty slot now holds %+v", c)
	}
}

// Quantize and Length change how the next take records: record quantize
// none, 1/4, 1/8, 1/16, 1/32 and round; fixed length free, 1, 2, 4, 8
// bars and round. In Step mode Quantize sets the step length instead.
func TestQuantizeAndLength(t *testing.T) {
	sg := noteSong(2, 2)
	sg.Record = sequencer.RecordSettings{CountIn: 4, Quantize: 0.25, Length: 4}
	g := newRig(t, sg, launchpadInfo())
	g.shiftTap("a", 8, 6, 0) // Shift + the seventh scene button: Quantize
	g.shiftTap("a", 8, 7, 0) // the eighth: Length
	if r := g.s.RecordSettings(); r.Quantize != 0.125 || r.Length != 8 || r.CountIn != 4 {
		t.Errorf("after Quantize and Length: %+v, want 1/32 and 2 bars", r)
	}
	for range 3 {
		g.shiftTap("a", 8, 7, 0)
	}
	if r := g.s.RecordSettings(); r.Length != 0 {
		t.Errorf("Length three more times (4 bars, 8 bars, free): %v beats, want free (0)", r.Length)
	}
	g.shiftTap("a", 7, -1, 0) // Step mode
	g.tap("a", 8, 6, 0)
	if g.u.steps.res != 0.5 || g.s.RecordSettings().Quantize != 0.125 {
		t.Errorf("Quantize in Step mode: steps of %v, record quantize %v; want 1/8 and 1/32 unchanged", g.u.steps.res, g.s.RecordSettings().Quantize)
	}
}

// offs returns the keys of the NoteOffs sent since the last notesOn.
func (g *rig) offs() []int {
	var ks []int
	for _, c := range g.r.cmds {
		if c.Op == engine.NoteOff {
			ks = append(ks, int(c.Key))
		}
	}
	return ks
}

// Controllers of different heights side by side: each plays from its
// own bottom-left pad, and Step mode paints and plays on both.
func TestModesOnMixedHeights(t *testing.T) {
	g := newRig(t, noteSong(20, 2), launchpadInfo(), monomeInfo(16, 16))
	g.playable(cMajor, false)
	g.shiftTap("a", 5, -1, 0) // Note
	g.notesOn()
	g.tap("a", 0, 7, 0)  // the Launchpad's bottom left
	g.tap("b", 0, 14, 0) // the monome 256's (15 pad rows)
	// The monome is right of the Launchpad's 8 columns: its first column
	// is the window's ninth, C3 + 8 degrees = D4, on its own bottom row.
	if ks := g.notesOn(); len(ks) != 2 || ks[0] != 48 || ks[1] != 62 {
		t.Errorf("bottom-left pads played %v, want C3 (48) and the ninth column's D4 (62)", ks)
	}
	g.tap("a", 4, -1, 0)      // Session
	g.shiftTap("a", 7, -1, 0) // Step
	for _, id := range []string{"a", "b"} {
		g.paint(id, 0)
		for y := range 15 {
			g.tap(id, 0, y, 0)
		}
	}
}

// A button pressed again without its release (a release lost) is let go
// first: Shift and Clear do not stay held for good.
func TestModifiersDoNotStick(t *testing.T) {
	g := newRig(t, noteSong(2, 2), launchpadInfo())
	g.press("a", 4, -1, 0) // Shift
	g.press("a", 8, 4, 0)  // + Clear (function column), held
	g.press("a", 4, -1, 0) // Shift again, its release lost
	g.press("a", 8, 4, 0)  // Clear again, its release lost
	g.release("a", 8, 4, 0)
	g.release("a", 4, -1, 0)
	if g.u.holding(ctlShift) || g.u.holding(ctlClear) {
		t.Fatalf("after the releases: shift %v, clear %v, want neither held", g.u.holding(ctlShift), g.u.holding(ctlClear))
	}
	g.tap("a", 0, 0, 0) // a plain press launches, it does not clear
	if g.s.Clip(0, 0) == nil {
		t.Errorf("a pad pressed after Clear was let go cleared its clip")
	}
}

// Unplugged, or before a reload moves tracks, a controller's held notes
// are let go: no stuck note.
func TestHeldNotesAreLetGo(t *testing.T) {
	g := newRig(t, noteSong(2, 2), launchpadInfo(), launchpadInfo())
	g.playable(cMajor, false)
	g.shiftTap("a", 5, -1, 0)
	g.press("a", 0, 7, 0)
	g.press("b", 1, 7, 0)
	g.notesOn()
	g.u.Detach("a")
	if ks := g.offs(); len(ks) != 1 || ks[0] != 48 {
		t.Errorf("detaching a controller holding C3 sent note-offs %v, want [48]", ks)
	}
	g.r.cmds = nil
	g.u.ReleaseNotes(0)
	if ks := g.offs(); len(ks) != 1 || ks[0] != 64 {
		t.Errorf("ReleaseNotes with a pad holding E4 (the window's tenth column) sent note-offs %v, want [64]", ks)
	}
	g.r.cmds = nil
	g.release("b", 1, 7, 0)
	if ks := g.offs(); len(ks) != 0 {
		t.Errorf("the pad's own release after ReleaseNotes sent %v, want nothing", ks)
	}
}

// In Note, Drum and Step mode Clear and Duplicate act on the selected
// clip when held with a pad, never alone; Shift + Mixer in Note mode is
// back to Session on an unlabelled controller; with Shift the function
// column counts from the bottom, so a monome's seven reach Length.
func TestPlayModeFunctions(t *testing.T) {
	g := newRig(t, noteSong(2, 2), launchpadInfo())
	g.playable(cMajor, false)
	g.shiftTap("a", 5, -1, 0)
	g.tap("a", 8, 4, 0) // Clear alone
	if g.s.Clip(0, 0) == nil {
		t.Fatal("Clear alone cleared the selected clip")
	}
	g.press("a", 8, 4, 0)
	g.tap("a", 3, 3, 0)
	g.release("a", 8, 4, 0)
	if g.s.Clip(0, 0) != nil {
		t.Error("Clear held + a pad left the selected clip")
	}
	g.shiftTap("a", 5, -1, 0)
	if g.u.Mode() != Session {
		t.Errorf("Shift + Mixer in Note mode: %v, want Session", g.u.Mode())
	}
	m := newRig(t, noteSong(2, 2), monomeInfo(8, 8))
	m.press("a", 4, 7, 0) // Shift (a monome's Session button, in its bottom row)
	m.tap("a", 5, 7, 0)   // + Mixer: Note
	m.release("a", 4, 7, 0)
	if m.u.Mode() != Note {
		t.Fatalf("monome Shift + Mixer: %v, want Note", m.u.Mode())
	}
	before := m.s.RecordSettings().Length
	m.press("a", 4, 7, 0)
	m.tap("a", 7, 0, 0) // Shift + the first function button: Length
	m.release("a", 4, 7, 0)
	if after := m.s.RecordSettings().Length; after == before {
		t.Errorf("Shift + the monome 64's first function button in Note mode left the fixed length at %v", after)
	}
}

// A Pro's one Track Select button opens Mixer mode; a Pro MK3's row of
// them selects tracks.
func TestTrackButtons(t *testing.T) {
	one := launchpadInfo()
	one.Buttons = append(one.Buttons, grid.Button{X: 1, Y: 8})
	one.Labels = map[grid.Button]string{{X: 1, Y: 8}: "track", {X: 4, Y: -1}: "session"}
	g := newRig(t, noteSong(4, 2), one)
	g.tap("a", 1, 8, 0)
	if g.u.Mode() != Mixer || g.u.sel != 0 {
		t.Errorf("a Pro's Track Select: mode %v, track %d; want Mixer, track 0", g.u.Mode(), g.u.sel)
	}
	row := launchpadInfo()
	row.Labels = map[grid.Button]string{}
	for x := range 8 {
		b := grid.Button{X: x, Y: 8}
		row.Buttons = append(row.Buttons, b)
		row.Labels[b] = "track"
	}
	g = newRig(t, noteSong(4, 2), row)
	g.tap("a", 2, 8, 0)
	if g.u.sel != 2 {
		t.Errorf("the third track button selected track %d", g.u.sel)
	}
}

// Note mode's layouts written out by hand (not from package music): rows
// from the bottom, pads from the left; -1 plays nothing.
func TestNoteModeLayoutsByHand(t *testing.T) {
	for _, c := range []struct {
		key       string
		octave    int
		chromatic bool
		rows      map[int][8]int
	}{
		{"C major", 0, false, map[int][8]int{
			0: {48, 50, 52, 53, 55, 57, 59, 60},
			1: {53, 55, 57, 59, 60, 62, 64, 65},
			7: {84, 86, 88, 89, 91, 93, 95, 96},
		}},
		{"D dorian", 0, false, map[int][8]int{0: {50, 52, 53, 55, 57, 59, 60, 62}}},
		{"A minor pentatonic", 0, false, map[int][8]int{
			0: {57, 60, 62, 64, 67, 69, 72, 74},
			1: {64, 67, 69, 72, 74, 76, 79, 81},
		}},
		{"D major", 0, true, map[int][8]int{0: {50, 51, 52, 53, 54, 55, 56, 57}, 1: {55, 56, 57, 58, 59, 60, 61, 62}}},
		{"C major", minOctave, false, map[int][8]int{0: {0, 2, 4, 5, 7, 9, 11, 12}}},
		{"C major", maxOctave, false, map[int][8]int{
			0: {108, 110, 112, 113, 115, 117, 119, 120},
			1: {113, 115, 117, 119, 120, 122, 124, 125},
			2: {119, 120, 122, 124, 125, 127, -1, -1},
			7: {-1, -1, -1, -1, -1, -1, -1, -1},
		}},
	} {
		g := newRig(t, noteSong(2, 2), launchpadInfo())
		g.playable(mustKey(t, c.key), false)
		g.shiftTap("a", 5, -1, 0)
		g.u.octave, g.u.chromatic = c.octave, c.chromatic
		g.notesOn()
		for row, want := range c.rows {
			for col, n := range want {
				g.tap("a", col, 7-row, 0)
				got := g.notesOn()
				if (n < 0 && len(got) != 0) || (n >= 0 && (len(got) != 1 || got[0] != n)) {
					t.Errorf("%s octave %d chromatic %v: pad (%d, row %d from the bottom) played %v, want %d", c.key, c.octave, c.chromatic, col, row, got, n)
				}
			}
		}
	}
}

// Every word a controller may label a button with does something here,
// but "play" (gridbox's transport always runs) and "track" (track
// select, not a control).
func TestEveryLabelIsKnown(t *testing.T) {
	for _, w := range grid.LabelVocabulary {
		if _, ok := labels[w]; !ok && w != "play" && w != "track" {
			t.Errorf("label %q does nothing on the surface", w)
		}
	}
	for w := range labels {
		if !slices.Contains(grid.LabelVocabulary, w) {
			t.Errorf("the surface knows label %q, which grid.LabelVocabulary lacks", w)
		}
	}
}
