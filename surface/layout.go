package surface

import "gridbox/grid"

// A control is a button outside the clip pads.
type control uint8

const (
	ctlUp control = iota
	ctlDown
	ctlLeft
	ctlRight
	ctlSession
	ctlMixer
	ctlVolume
	ctlStopAll
	// The first eight are an unlabelled controller's row (its top row, or
	// a monome's bottom row), in this order; the others only labelled
	// buttons reach, or Shift.
	ctlNote
	ctlDrum
	ctlStep
	ctlRecord
	ctlUndo
	ctlRedo
	ctlMetronome
	ctlShift
	ctlClear
	ctlDuplicate
	ctlQuantize
	ctlLength
	numControls
	ctlNone control = 255
)

// numRow is how many controls an unlabelled controller's row holds.
const numRow = ctlNote

// labels names the controls as grid.Info.Labels does.
var labels = map[string]control{
	"up": ctlUp, "down": ctlDown, "left": ctlLeft, "right": ctlRight,
	"session": ctlSession, "mixer": ctlMixer, "volume": ctlVolume, "stopall": ctlStopAll,
	"note": ctlNote, "drum": ctlDrum, "step": ctlStep, "record": ctlRecord,
	"undo": ctlUndo, "redo": ctlRedo, "metronome": ctlMetronome, "shift": ctlShift,
	"clear": ctlClear, "duplicate": ctlDuplicate, "quantize": ctlQuantize, "length": ctlLength,
	// A Pro's track function buttons open Mixer mode, whose rows are
	// those functions.
	"arm": ctlMixer, "mute": ctlMixer, "solo": ctlMixer, "stop": ctlMixer,
}

// functions is the function column: what the scene buttons do in Note,
// Drum and Step mode (and with Shift held in Session mode), top to
// bottom, on a controller whose buttons are not labelled.
var functions = [...]control{ctlRecord, ctlUndo, ctlRedo, ctlMetronome, ctlClear, ctlDuplicate, ctlQuantize, ctlLength}

// role is what a button does on a controller, given its layout.
type role struct {
	kind roleKind
	x, y int     // clip: column and row in the controller's part of the window; scene: row; track: column
	ctl  control // control
}

type roleKind uint8

const (
	roleNone roleKind = iota
	roleClip
	roleScene
	roleControl
	roleTrack // a track select button (a Pro MK3's bottom row)
)

// A layout maps a controller's buttons to clip pads, scene buttons and
// controls.
type layout struct {
	cols, rows int // clip pads
	buttons    []grid.Button
	roles      []role // by index in buttons
	// labelled: the controller names its buttons' functions
	// (grid.Info.Labels); otherwise Shift is the Session button held.
	labelled bool
	shifted  map[grid.Button]control // a labelled controller's Shift layer
	has      [numControls]bool       // the controls it has a button for
	velocity bool                    // its pads report how hard they are hit
}

// layoutOf lays out a controller. A row above its grid (Y = −1) holds the
// controls and a column right of it (X = Cols) the scene buttons, as on
// every Launchpad; a controller without them gives up its bottom row or
// its rightmost column to them (a monome gives up both).
func layoutOf(in grid.Info) layout {
	l := layout{cols: in.Cols, rows: in.Rows, buttons: in.Buttons, labelled: len(in.Labels) > 0, velocity: in.Velocity}
	top, side := false, false
	for _, b := range in.Buttons {
		top = top || (b.Y == -1 && b.X >= 0 && b.X < in.Cols)
		side = side || (b.X == in.Cols && b.Y >= 0 && b.Y < in.Rows)
	}
	ctlRow := -1
	if !side {
		l.cols = max(in.Cols-1, 0)
	}
	if !top {
		l.rows = max(in.Rows-1, 0)
		ctlRow = l.rows
	}
	tracks := 0 // buttons labelled "track": a row of track select buttons, or a Pro's one Track Select
	for _, name := range in.Labels {
		if name == "track" {
			tracks++
		}
	}
	l.roles = make([]role, len(in.Buttons))
	for i, b := range in.Buttons {
		switch {
		case b.X >= 0 && b.X < l.cols && b.Y >= 0 && b.Y < l.rows:
			l.roles[i] = role{kind: roleClip, x: b.X, y: b.Y}
		case b.X == l.cols && b.Y >= 0 && b.Y < l.rows:
			l.roles[i] = role{kind: roleScene, y: b.Y}
		case l.labelled:
			if name, ok := in.Labels[b]; ok {
				l.roles[i] = labelled(name, b, tracks)
			}
		case b.Y == ctlRow && b.X >= 0 && b.X < int(numRow): // a monome 64's corner too
			l.roles[i] = role{kind: roleControl, ctl: control(b.X)}
		}
		if r := l.roles[i]; r.kind == roleControl {
			l.has[r.ctl] = true
		}
	}
	if l.labelled {
		l.shifted = map[grid.Button]control{}
		for b, name := range in.ShiftLabels {
			if c, ok := labels[name]; ok {
				l.shifted[b] = c
				l.has[c] = true
			}
		}
		for b, name := range in.Labels {
			if _, ok := l.shifted[b]; !ok && name == "stop" {
				l.shifted[b] = ctlStopAll // Shift + Stop Clip stops every track
				l.has[ctlStopAll] = true
			}
		}
	}
	return l
}

// labelled returns the role of button b labelled name on a controller
// with tracks buttons labelled "track": a row of them selects tracks, a
// Pro's one Track Select opens Mixer mode as its other track function
// buttons do. Labels gridbox has no use for (a Pro MK3's Chord,
// Projects, Sends) do nothing.
func labelled(name string, b grid.Button, tracks int) role {
	if name == "track" && tracks > 1 {
		return role{kind: roleTrack, x: b.X}
	}
	if name == "track" {
		return role{kind: roleControl, ctl: ctlMixer}
	}
	if c, ok := labels[name]; ok {
		return role{kind: roleControl, ctl: c}
	}
	return role{}
}

// roleOf returns what button b does.
func (l *layout) roleOf(b grid.Button) role {
	for i, x := range l.buttons {
		if x == b {
			return l.roles[i]
		}
	}
	return role{}
}
