package surface

import (
	"gridbox/engine"
	"gridbox/grid"
	"gridbox/sequencer"
)

// Colours of the lights that are not a track's.
var (
	red    = grid.Color{R: 255}
	green  = grid.Color{G: 255}
	white  = grid.Color{R: 255, G: 255, B: 255}
	amber  = grid.Color{R: 255, G: 160}
	blue   = grid.Color{R: 40, G: 90, B: 255}
	violet = grid.Color{R: 160, G: 60, B: 255}
	yellow = grid.Color{R: 255, G: 230}
	cyan   = grid.Color{G: 220, B: 255}
)

// dimRate: a dim light is its colour divided by this.
const dimRate = 4

func dim(c grid.Color) grid.Color {
	return grid.Color{R: c.R / dimRate, G: c.G / dimRate, B: c.B / dimRate}
}

func static(c grid.Color) grid.Light { return grid.Light{Color: c} }
func flash(c grid.Color) grid.Light  { return grid.Light{Color: c, Mode: grid.Flash} }
func pulse(c grid.Color) grid.Light  { return grid.Light{Color: c, Mode: grid.Pulse} }

// shown is a light that is on or off.
func shown(c grid.Color, on bool) grid.Light {
	if on {
		return static(c)
	}
	return grid.Off
}

// lit is a button that is on (bright) or available (dim).
func lit(c grid.Color, on bool) grid.Light {
	if on {
		return static(c)
	}
	return static(dim(c))
}

// Paint computes every attached controller's lights as of frame now (the
// engine's position: what is heard) and calls show once per controller, in
// attach order, with all its buttons and their lights. The slices belong
// to the Surface and are valid during the call only.
func (u *Surface) Paint(now engine.Frame, show func(c grid.Controller, buttons []grid.Button, lights []grid.Light)) {
	if u.mode == Step {
		u.stepRows()
	}
	for _, p := range u.panes {
		if p.c == nil {
			continue // detached: its place waits for a replug
		}
		for i, r := range p.lay.roles {
			p.lights[i] = u.light(p, p.lay.buttons[i], r, now)
		}
		show(p.c, p.lay.buttons, p.lights)
	}
}

// light returns what button b of pane p, with role r, shows at frame now.
func (u *Surface) light(p *pane, b grid.Button, r role, now engine.Frame) grid.Light {
	switch r.kind {
	case roleClip:
		col, row := padAt(p, r.x, r.y)
		switch u.mode {
		case Note:
			return u.noteLight(col, row, now)
		case Drum:
			return u.drumLight(p, col, row, now)
		case Step:
			return u.stepModeLight(col, row, now)
		}
		track := u.x0 + p.offset + r.x
		if track >= u.s.Tracks() {
			return grid.Off
		}
		switch {
		case u.mode == Volume:
			if r.y >= faderRow(u.s.Mix(track).Volume, p.lay.rows) {
				return static(u.color(track))
			}
			return grid.Off
		}
		if k, ok := u.mixerRow(p, r.y); ok {
			return u.mixerLight(track, k, now)
		}
		return u.slotLight(track, u.y0+r.y, now)
	case roleScene:
		if c, ok := u.function(r.y); ok {
			return u.controlLight(c, now)
		}
		if r.y >= u.clipRows(p) {
			return grid.Off // beside the mixer strips
		}
		return u.sceneLight(u.y0+r.y, now)
	case roleControl:
		if u.holding(ctlShift) {
			return u.controlLight(u.shiftOf(p, b, r.ctl), now)
		}
		return u.controlLight(r.ctl, now)
	case roleTrack:
		x := u.x0 + p.offset + r.x
		if x >= u.s.Tracks() {
			return grid.Off
		}
		return lit(u.color(x), x == u.sel)
	}
	return grid.Off
}

func (u *Surface) color(track int) grid.Color {
	if track < len(u.info) {
		return u.info[track].Color
	}
	return white
}

func (u *Surface) slotLight(track, scene int, now engine.Frame) grid.Light {
	if scene >= u.s.Scenes() {
		return grid.Off
	}
	if u.marked(track, scene) {
		return flash(red)
	}
	if y, ok := u.s.Recording(track); ok && y == scene {
		if u.s.RecordState(now) == sequencer.RecCountIn {
			return flash(red)
		}
		return pulse(red)
	}
	c := u.color(track)
	switch u.s.SlotAt(track, scene, now) {
	case sequencer.SlotEmpty:
		if track == u.sel && scene == u.selScene {
			return static(dim(white)) // the empty slot Step mode and Record start in
		}
	case sequencer.SlotStopped:
		return lit(c, track == u.sel && scene == u.selScene) // the selected clip: full colour, steady
	case sequencer.SlotQueued, sequencer.SlotStopping:
		return flash(c)
	case sequencer.SlotPlaying:
		return pulse(c)
	case sequencer.SlotBroken:
		return static(red)
	}
	return grid.Off
}

// mixerLight is row k of the mixer rows: stop, mute, solo, arm.
func (u *Surface) mixerLight(track, k int, now engine.Frame) grid.Light {
	m := u.s.Mix(track)
	switch k {
	case 0:
		playing, stopping := false, false
		for y := range u.s.Scenes() {
			switch u.s.SlotAt(track, y, now) {
			case sequencer.SlotPlaying:
				playing = true
			case sequencer.SlotStopping:
				stopping = true
			}
		}
		if stopping {
			return flash(red)
		}
		return lit(red, playing)
	case 1:
		return lit(amber, m.Mute)
	case 2:
		return lit(blue, m.Solo)
	}
	return lit(red, m.Arm)
}

func (u *Surface) sceneLight(scene int, now engine.Frame) grid.Light {
	if scene >= u.s.Scenes() {
		return grid.Off
	}
	clips, playing, queued := false, false, false
	for x := range u.s.Tracks() {
		switch u.s.SlotAt(x, scene, now) {
		case sequencer.SlotEmpty:
			continue
		case sequencer.SlotPlaying, sequencer.SlotStopping:
			playing = true
		case sequencer.SlotQueued:
			queued = true
		}
		clips = true
	}
	switch {
	case queued:
		return flash(green)
	case playing:
		return static(green)
	case clips:
		return static(dim(white))
	}
	return grid.Off
}

func (u *Surface) controlLight(c control, now engine.Frame) grid.Light {
	if u.alert {
		return flash(red)
	}
	cols, rows := u.size()
	if u.playMode() && c <= ctlRight {
		return static(white) // octaves, transposition, banks, pages: always somewhere to go
	}
	switch c {
	case ctlUp:
		return shown(white, u.y0 > 0)
	case ctlDown:
		return shown(white, u.y0 < u.s.Scenes()-rows)
	case ctlLeft:
		return shown(white, u.x0 > 0)
	case ctlRight:
		return shown(white, u.x0 < u.s.Tracks()-cols)
	case ctlSession:
		return lit(green, u.mode == Session || u.holding(ctlShift)) // held, it is the Shift
	case ctlMixer:
		return lit(amber, u.mode == Mixer)
	case ctlVolume:
		return lit(blue, u.mode == Volume)
	case ctlNote:
		return lit(violet, u.mode == Note)
	case ctlDrum:
		return lit(yellow, u.mode == Drum)
	case ctlStep:
		return lit(cyan, u.mode == Step)
	case ctlRecord:
		switch u.s.RecordState(now) {
		case sequencer.RecCountIn:
			return flash(red)
		case sequencer.RecRecording:
			return pulse(red)
		}
		return static(dim(red))
	case ctlUndo:
		return shown(dim(white), u.s.CanUndo())
	case ctlRedo:
		return shown(dim(white), u.s.CanRedo())
	case ctlMetronome:
		return lit(amber, u.s.MetronomeOn())
	case ctlShift:
		return lit(white, u.holding(ctlShift))
	case ctlClear:
		return lit(red, u.holding(ctlClear))
	case ctlDuplicate:
		return lit(green, u.holding(ctlDuplicate))
	case ctlQuantize:
		return lit(white, u.mode == Step && u.steps.res != resolutions[0] || u.mode != Step && u.s.RecordSettings().Quantize > 0)
	case ctlLength:
		return lit(white, u.s.RecordSettings().Length > 0)
	case ctlStopAll:
		for x := range u.s.Tracks() {
			if u.s.Playing(x) >= 0 {
				return static(red)
			}
		}
		return static(dim(red))
	}
	return grid.Off
}
