package surface

import (
	"slices"

	"gridbox/engine"
	"gridbox/grid"
	"gridbox/sequencer"
)

// Handle acts on a press or release from controller id at frame at.
func (u *Surface) Handle(id string, pad grid.Pad, at engine.Frame) {
	p := u.pane(id)
	if p == nil {
		return
	}
	if !pad.Down {
		u.release(p, pad.Button, at)
		return
	}
	if _, ok := p.ctls[pad.Button]; ok { // pressed again without its release (a lost one): let go first
		u.release(p, pad.Button, at)
	}
	u.sessionAlone = false // a press while Session is held: it was Shift
	if u.mode == Step {
		u.stepRows()
	}
	r := p.lay.roleOf(pad.Button)
	switch r.kind {
	case roleClip:
		switch {
		case u.playMode() && u.holding(ctlClear): // Clear held + a pad: the clip the pads play
			u.s.Clear(u.sel, u.selScene, at)
			return
		case u.playMode() && u.holding(ctlDuplicate):
			u.s.Duplicate(u.sel, u.selScene, at)
			return
		}
		switch u.mode {
		case Note:
			u.notePad(p, pad, r.x, r.y, at)
		case Drum:
			u.drumPad(p, pad, r.x, r.y, at)
		case Step:
			u.stepPad(p, pad.Button, r.x, r.y, at)
		default:
			u.clipPad(p, pad.Button, r.x, r.y, at)
		}
	case roleScene:
		if ctl, ok := u.function(r.y); ok {
			u.press(p, pad.Button, ctl, at)
		} else if r.y < u.clipRows(p) && u.y0+r.y < u.s.Scenes() { // beside the mixer strips a scene button does nothing
			u.selScene = u.y0 + r.y
			u.s.LaunchScene(u.y0+r.y, at)
		}
	case roleControl:
		u.press(p, pad.Button, r.ctl, at)
	case roleTrack:
		if x := u.x0 + p.offset + r.x; x < u.s.Tracks() {
			u.sel = x
		}
	}
}

// function returns the control scene button row y is in the function
// column: in Note, Drum and Step mode, and in the others while Shift is
// held (ok false: it launches its scene). With Shift held in Note, Drum
// and Step mode the column counts from the bottom up, so that a column of
// seven (a monome 64 or 128) reaches Length too.
func (u *Surface) function(y int) (control, bool) {
	shift := u.holding(ctlShift)
	switch {
	case y < 0 || y >= len(functions):
	case u.playMode() && shift:
		return functions[len(functions)-1-y], true
	case u.playMode() || shift:
		return functions[y], true
	}
	return ctlNone, false
}

// holding reports whether a button of control c is held down on an
// attached controller: Shift (an unlabelled controller's Session button
// held is one), Clear, Duplicate.
func (u *Surface) holding(c control) bool {
	for _, p := range u.panes {
		for _, x := range p.ctls {
			if x == c {
				return true
			}
		}
	}
	return false
}

// playMode reports whether the pads play notes or steps (Note, Drum or
// Step mode) rather than show clips.
func (u *Surface) playMode() bool { return u.mode >= Note }

// release handles button b of pane p going up.
func (u *Surface) release(p *pane, b grid.Button, at engine.Frame) {
	if n, ok := p.notes[b]; ok {
		delete(p.notes, b)
		u.s.NoteOff(n.track, n.key, at)
	}
	if sl, ok := p.held[b]; ok {
		delete(p.held, b)
		u.s.Release(sl.x, sl.y, at)
	}
	u.stepRelease(p, b, at)
	ctl, ok := p.ctls[b]
	if !ok {
		return
	}
	delete(p.ctls, b)
	if ctl == ctlShift && !p.lay.labelled && u.sessionAlone { // the Session button, let go alone
		u.mode = Session
		u.scroll(0, 0)
	}
}

// ReleaseNotes lets go, at frame at, of every note and clip pad held on
// the controllers, as if released: a reload (sequencer.Session.Replace)
// that moves tracks would otherwise have their releases reach the
// track now in the old place. The pads' own releases then do nothing.
func (u *Surface) ReleaseNotes(at engine.Frame) {
	for _, p := range u.panes {
		u.letGo(p, at)
	}
}

// letGo releases pane p's held notes and clip pads at frame at.
func (u *Surface) letGo(p *pane, at engine.Frame) {
	for b, n := range p.notes {
		u.s.NoteOff(n.track, n.key, at)
		delete(p.notes, b)
	}
	for b, sl := range p.held {
		u.s.Release(sl.x, sl.y, at)
		delete(p.held, b)
	}
	if h := u.steps.hold; h != nil && h.p == p {
		u.steps.hold = nil
	}
}

// clipPad handles a press of the clip pad at column x, row y of pane p in
// Session, Mixer or Volume mode.
func (u *Surface) clipPad(p *pane, b grid.Button, x, y int, at engine.Frame) {
	track := u.x0 + p.offset + x
	if track >= u.s.Tracks() {
		return
	}
	m := u.s.Mix(track)
	if u.mode == Volume {
		m.Volume = faderVolume(y, p.lay.rows)
		u.s.SetMix(track, m, at)
		return
	}
	if k, ok := u.mixerRow(p, y); ok {
		switch k {
		case 0:
			u.s.StopTrack(track, at)
			return
		case 1:
			m.Mute = !m.Mute
		case 2:
			m.Solo = !m.Solo
		case 3:
			m.Arm = !m.Arm
		}
		u.s.SetMix(track, m, at)
		return
	}
	scene := u.y0 + y
	if scene >= u.s.Scenes() {
		return
	}
	u.sel, u.selScene = track, scene
	switch {
	case u.holding(ctlClear):
		u.s.Clear(track, scene, at)
	case u.holding(ctlDuplicate):
		u.s.Duplicate(track, scene, at)
	case u.holding(ctlShift): // Shift + pad selects without launching
	default:
		p.held[b] = slot{track, scene}
		u.s.Press(track, scene, at)
	}
}

// press handles control c of pane p (button b) going down: most act at
// once; Shift, Clear and Duplicate act while held, and an unlabelled
// controller's Session button is its Shift, which is Session mode when
// let go without another button pressed.
func (u *Surface) press(p *pane, b grid.Button, c control, at engine.Frame) {
	if u.holding(ctlShift) {
		c = u.shiftOf(p, b, c)
	}
	if c == ctlSession && !p.lay.labelled {
		c, u.sessionAlone = ctlShift, true // Session mode when let go alone
	}
	p.ctls[b] = c
	switch c {
	case ctlUp, ctlDown, ctlLeft, ctlRight:
		u.arrow(c)
	case ctlSession:
		u.mode = Session
	case ctlMixer:
		u.toggle(Mixer)
	case ctlVolume:
		u.toggle(Volume)
	case ctlNote:
		u.noteButton(p)
	case ctlDrum:
		u.toggle(Drum)
	case ctlStep:
		u.toggle(Step)
	case ctlStopAll:
		u.s.StopAll(at)
	case ctlRecord:
		u.s.Record(u.sel, u.selScene, at)
	case ctlUndo:
		u.s.Undo(at)
	case ctlRedo:
		u.s.Redo(at)
	case ctlMetronome:
		u.s.SetMetronome(!u.s.MetronomeOn())
	case ctlQuantize:
		if u.mode == Step {
			u.steps.res = nextRes(u.steps.res)
			break
		}
		r := u.s.RecordSettings()
		r.Quantize = next(recordQuantizes[:], r.Quantize)
		u.s.SetRecordSettings(r)
	case ctlLength:
		r := u.s.RecordSettings()
		bar := u.s.Clock().BeatsPerBar()
		r.Length = next(fixedBars[:], r.Length/bar) * bar
		u.s.SetRecordSettings(r)
	}
	u.scroll(0, 0) // Mixer mode shows fewer clip rows: keep the window inside the set
}

// noteButton handles Note on pane p: a labelled controller without Drum
// or Step buttons (a Pro) goes on from Note to them, pressing Note again.
func (u *Surface) noteButton(p *pane) {
	cycles := p.lay.labelled
	switch {
	case cycles && u.mode == Note && !p.lay.has[ctlDrum]:
		u.mode = Drum
	case cycles && u.mode == Drum && !p.lay.has[ctlDrum] && !p.lay.has[ctlStep]:
		u.mode = Step
	default:
		u.toggle(Note)
	}
}

// shiftOf returns what control c (button b of pane p) does with Shift
// held. On an unlabelled controller the Shift layer reaches what it has
// no buttons for: the arrows are Undo, Redo, Metronome and Record (in
// Session, Mixer and Volume mode), Mixer, Volume and Stop All are Note,
// Drum and Step. A labelled one has its own buttons, and the functions
// printed for Shift (a Pro MK3's Undo under Record Arm); Shift + Undo is
// Redo where none is printed, Shift + Stop Clip stops all.
func (u *Surface) shiftOf(p *pane, b grid.Button, c control) control {
	if p.lay.labelled {
		if s, ok := p.lay.shifted[b]; ok {
			return s
		}
		if c == ctlUndo {
			return ctlRedo
		}
		return c
	}
	switch c {
	case ctlMixer:
		return ctlNote
	case ctlVolume:
		return ctlDrum
	case ctlStopAll:
		return ctlStep
	}
	if u.playMode() {
		return c // the arrows' Shift layer is the mode's (arrow)
	}
	switch c {
	case ctlUp:
		return ctlUndo
	case ctlDown:
		return ctlRedo
	case ctlLeft:
		return ctlMetronome
	case ctlRight:
		return ctlRecord
	}
	return c
}

// arrow handles an arrow button: it scrolls the window in Session, Mixer
// and Volume mode; Note, Drum and Step mode give it their own meaning.
func (u *Surface) arrow(c control) {
	dx, dy := 0, 0
	switch c {
	case ctlUp:
		dy = -1
	case ctlDown:
		dy = 1
	case ctlLeft:
		dx = -1
	case ctlRight:
		dx = 1
	}
	switch u.mode {
	case Note:
		u.noteArrow(dx, dy)
	case Drum:
		u.drumBase = max(0, min(u.drumBase-16*dy+4*dx, 112))
	case Step:
		u.stepArrow(dx, dy)
	default:
		u.scroll(dx, dy)
	}
}

// The values Quantize goes through for recording (in beats; 0 none) and
// Length for a fixed length (in bars; 0 free).
var (
	recordQuantizes = [...]sequencer.Beats{0, 1, 0.5, 0.25, 0.125}
	fixedBars       = [...]sequencer.Beats{0, 1, 2, 4, 8}
)

// next returns the value after v in vs, round again; the first when v is
// not among them.
func next(vs []sequencer.Beats, v sequencer.Beats) sequencer.Beats {
	return vs[(slices.Index(vs, v)+1)%len(vs)]
}

func (u *Surface) toggle(m Mode) {
	if u.mode == m {
		u.mode = Session
	} else {
		u.mode = m
	}
}

func (u *Surface) pane(id string) *pane {
	for _, p := range u.panes {
		if p.id == id && p.c != nil {
			return p
		}
	}
	return nil
}
