package surface

import (
	"slices"

	"gridbox/engine"
	"gridbox/grid"
	"gridbox/music"
)

// fixedVelocity is the velocity of a note played on pads that do not
// report how hard they are hit.
const fixedVelocity = 100

// Octaves Note mode can move its bottom-left pad by, from C3's octave:
// down to C−1's (MIDI 0), up to C8's.
const minOctave, maxOctave = -4, 5

// padAt returns where pad (x, y) of pane p sits, counted as Note, Drum
// and Step mode count: col from the window's left, row from the pane's
// bottom (controllers of different heights side by side each start at
// their bottom row).
func padAt(p *pane, x, y int) (col, row int) {
	return p.offset + x, p.lay.rows - 1 - y
}

// velocity returns the velocity a press plays at.
func velocity(p *pane, pad grid.Pad) uint8 {
	if !p.lay.velocity || pad.Velocity == 0 {
		return fixedVelocity
	}
	return pad.Velocity
}

// key returns the key track x's notes are laid out in.
func (u *Surface) key(x int) music.Key {
	if x >= 0 && x < len(u.keys) {
		return u.keys[x]
	}
	return cMajor
}

// track returns what the surface knows of track x.
func (u *Surface) track(x int) TrackInfo {
	if x >= 0 && x < len(u.info) {
		return u.info[x]
	}
	return TrackInfo{}
}

// bottom returns the note of Note mode's bottom-left pad: the key's root
// in C3's octave, moved by whole octaves.
func (u *Surface) bottom() int {
	k := u.key(u.sel)
	return music.C3 + (k.Root%12+12)%12 + 12*u.octave
}

// noteOf returns the note Note mode's pad (col, row) plays.
func (u *Surface) noteOf(col, row int) (int, bool) {
	if u.chromatic {
		return music.Chromatic(u.bottom(), col, row, music.ChromaticRows)
	}
	return music.InKey(u.key(u.sel), u.bottom(), col, row, music.InKeyRows)
}

// notePad plays the note of the pad at column x, row y of pane p until
// it is let go.
func (u *Surface) notePad(p *pane, pad grid.Pad, x, y int, at engine.Frame) {
	if n, ok := u.noteOf(padAt(p, x, y)); ok {
		u.play(p, pad, n, at)
	}
}

// play sounds note n on the selected track for pad, until the pad is let
// go.
func (u *Surface) play(p *pane, pad grid.Pad, n int, at engine.Frame) {
	if old, ok := p.notes[pad.Button]; ok { // a press without its release
		u.s.NoteOff(old.track, old.key, at)
	}
	p.notes[pad.Button] = sounded{u.sel, uint8(n)}
	u.s.NoteOn(u.sel, uint8(n), velocity(p, pad), at)
}

// noteArrow moves Note mode's layout: up and down by an octave, left and
// right by a semitone (the key's root: the scale follows); with Shift,
// left and right choose the previous or next scale, and up or down
// switches between the in-key and the chromatic layout.
func (u *Surface) noteArrow(dx, dy int) {
	x := u.sel
	if x < 0 || x >= len(u.keys) {
		return
	}
	k := &u.keys[x]
	switch {
	case u.holding(ctlShift) && dy != 0:
		u.chromatic = !u.chromatic
	case u.holding(ctlShift) && dx != 0:
		i := slices.IndexFunc(music.Scales, func(s music.Scale) bool { return s.Name == k.Scale.Name })
		k.Scale = music.Scales[(i+dx+len(music.Scales))%len(music.Scales)]
	case dy != 0:
		u.octave = max(minOctave, min(u.octave-dy, maxOctave))
	case dx != 0:
		k.Root = ((k.Root+dx)%12 + 12) % 12
	}
}

// heldNote reports whether a pad of any controller holds note n of track x.
func (u *Surface) heldNote(x, n int) bool {
	for _, p := range u.panes {
		for _, s := range p.notes {
			if s.track == x && int(s.key) == n {
				return true
			}
		}
	}
	return false
}

// noteLight is what Note mode's pad (col, row) shows at frame now: bright
// white while its note sounds (held, or played by the clip), the track's
// colour on the key's roots, dim on its other notes; in the chromatic
// layout notes outside the key are off.
func (u *Surface) noteLight(col, row int, now engine.Frame) grid.Light {
	n, ok := u.noteOf(col, row)
	if !ok {
		return grid.Off
	}
	return u.keyLight(n, now)
}

// keyLight is how a pad that plays note n of the selected track's key lights.
func (u *Surface) keyLight(n int, now engine.Frame) grid.Light {
	if u.heldNote(u.sel, n) || u.s.Sounding(u.sel, uint8(n), now) {
		return static(white)
	}
	k, c := u.key(u.sel), u.color(u.sel)
	switch {
	case k.IsRoot(n):
		return static(c)
	case k.Contains(n):
		return static(dim(c))
	}
	return grid.Off
}

// The Drum mode layout, on the window's pads counted from the bottom
// left: the 4×4 block of drum pads, and right of its top row the buttons
// that move it by 16 notes; above it, the steps of the last pad played.
const (
	drumSide      = 4 // the drum block is drumSide × drumSide pads
	drumPrevCol   = 4 // (drumPrevCol, drumSide−1): the 16 notes below
	drumNextCol   = 5 // (drumNextCol, drumSide−1): the 16 notes above
	drumMaxSteps  = 16
	drumBankNotes = drumSide * drumSide
)

// drumPad handles Drum mode's pad at column x, row y of pane p.
func (u *Surface) drumPad(p *pane, pad grid.Pad, x, y int, at engine.Frame) {
	col, row := padAt(p, x, y)
	if n, ok := music.Drum(u.drumBase, col, row); ok {
		u.lastDrum = n
		u.play(p, pad, n, at)
		return
	}
	if row == drumSide-1 {
		switch col {
		case drumPrevCol:
			u.drumBase = max(0, u.drumBase-drumBankNotes)
		case drumNextCol:
			u.drumBase = min(u.drumBase+drumBankNotes, 128-drumBankNotes)
		}
		return
	}
	if i, ok := u.drumStep(p, col, row); ok {
		u.toggleStep(p, pad.Button, u.lastDrum, i, at)
	}
}

// drumStep returns which step of the clip Drum mode's pad (col, row) of
// pane p shows: the rows above the drum block, from the top left.
func (u *Surface) drumStep(p *pane, col, row int) (int, bool) {
	cols, _ := u.size()
	if row < drumSide || row >= p.lay.rows {
		return 0, false
	}
	i := (p.lay.rows-1-row)*cols + col
	return i, i < drumMaxSteps
}

// drumLight is what Drum mode's pad (col, row) of pane p shows at frame now.
func (u *Surface) drumLight(p *pane, col, row int, now engine.Frame) grid.Light {
	if n, ok := music.Drum(u.drumBase, col, row); ok {
		t := u.track(u.sel)
		switch {
		case u.heldNote(u.sel, n) || u.s.Sounding(u.sel, uint8(n), now):
			return static(white)
		case n == u.lastDrum && t.Has(n):
			return static(u.color(u.sel))
		case t.Has(n):
			return static(dim(u.color(u.sel)))
		case n == u.lastDrum:
			return static(dim(white))
		}
		return grid.Off
	}
	if row == drumSide-1 {
		switch col {
		case drumPrevCol:
			return shown(dim(white), u.drumBase > 0)
		case drumNextCol:
			return shown(dim(white), u.drumBase < 128-drumBankNotes)
		}
		return grid.Off
	}
	if i, ok := u.drumStep(p, col, row); ok {
		return u.stepLight(u.lastDrum, i, now)
	}
	return grid.Off
}
