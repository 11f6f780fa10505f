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
	numControls
	ctlNone control = 255
)

// role is what a button does on a controller, given its layout.
type role struct {
	kind roleKind
	x, y int     // clip: column and row in the controller's part of the window; scene: row
	ctl  control // control
}

type roleKind uint8

const (
	roleNone roleKind = iota
	roleClip
	roleScene
	roleControl
)

// A layout maps a controller's buttons to clip pads, scene buttons and
// controls.
type layout struct {
	cols, rows int // clip pads
	buttons    []grid.Button
	roles      []role // by index in buttons
}

// layoutOf lays out a controller. A row above its grid (Y = −1) holds the
// controls and a column right of it (X = Cols) the scene buttons, as on
// every Launchpad; a controller without them gives up its bottom row or
// its rightmost column to them (a monome gives up both).
func layoutOf(in grid.Info) layout {
	l := layout{cols: in.Cols, rows: in.Rows, buttons: in.Buttons}
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
	l.roles = make([]role, len(in.Buttons))
	for i, b := range in.Buttons {
		switch {
		case b.X >= 0 && b.X < l.cols && b.Y >= 0 && b.Y < l.rows:
			l.roles[i] = role{kind: roleClip, x: b.X, y: b.Y}
		case b.X == l.cols && b.Y >= 0 && b.Y < l.rows:
			l.roles[i] = role{kind: roleScene, y: b.Y}
		case b.Y == ctlRow && b.X >= 0 && b.X < int(numControls): // a monome 64's corner too
			l.roles[i] = role{kind: roleControl, ctl: control(b.X)}
		}
	}
	return l
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
