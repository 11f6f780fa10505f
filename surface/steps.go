package surface

import (
	"cmp"
	"slices"

	"gridbox/engine"
	"gridbox/grid"
	"gridbox/sequencer"
)

// stepView is Step mode's (and Drum mode's steps') state.
type stepView struct {
	res  sequencer.Beats // a step's length
	page int             // the first step shown is page × the window's columns
	row  int             // the note of the bottom note row, as an index into the rows' notes
	vel  uint8           // the velocity new steps get
	hold *stepHold       // the step pad held down, if any
}

// stepHold is a step pad held down: pressing another step of its row sets
// its note's length, a velocity pad its velocity; let go without either,
// a step that was on goes off.
type stepHold struct {
	p     *pane
	b     grid.Button
	key   int
	step  int
	added bool // the press put the note there
	used  bool // another pad changed the note meanwhile
}

// The step lengths the Quantize button goes through in Step mode, the
// first the default.
var resolutions = [...]sequencer.Beats{0.25, 0.5, 0.125}

func newStepView() stepView { return stepView{res: resolutions[0], vel: fixedVelocity} }

// nextRes returns the step length after r.
func nextRes(r sequencer.Beats) sequencer.Beats { return next(resolutions[:], r) }

// target returns the clip the steps edit: the selected track's clip in
// the selected scene, if it is a note clip (nil: the slot is empty;
// ok false: an audio clip, or no scene).
func (u *Surface) target() (c *sequencer.Clip, ok bool) {
	if u.sel >= u.s.Tracks() || u.selScene >= u.s.Scenes() {
		return nil, false
	}
	c = u.s.Clip(u.sel, u.selScene)
	return c, c == nil || c.IsNotes()
}

// edit replaces the target clip's notes (and length, if length > 0),
// making a one-bar note clip in an empty slot: one undo step.
func (u *Surface) edit(at engine.Frame, length sequencer.Beats, change func(notes []sequencer.Note) []sequencer.Note) {
	c, ok := u.target()
	if !ok || !u.track(u.sel).Playable() {
		return
	}
	n := sequencer.Clip{Sample: -1, Loop: true, Length: u.s.Clock().BeatsPerBar(), Gain: 1}
	if c != nil {
		n = *c
	}
	if length > 0 {
		n.Length = length
	}
	notes := change(slices.Clone(n.Notes))
	notes = slices.DeleteFunc(notes, func(x sequencer.Note) bool { return x.At >= n.Length })
	slices.SortStableFunc(notes, func(a, b sequencer.Note) int { return cmp.Compare(a.At, b.At) })
	n.Notes = notes
	u.s.SetClip(u.sel, u.selScene, &n, at)
}

// stepNote returns the index in c's notes of the note of key that starts
// within step i, or -1.
func (u *Surface) stepNote(c *sequencer.Clip, key, i int) int {
	if c == nil {
		return -1
	}
	from, to := sequencer.Beats(i)*u.steps.res, sequencer.Beats(i+1)*u.steps.res
	return slices.IndexFunc(c.Notes, func(n sequencer.Note) bool {
		return int(n.Key) == key && n.At >= from && n.At < to
	})
}

// toggleStep handles step pad b (key's step i) going down: a held step
// of the same key before it sets that note's length up to this step;
// otherwise an empty step gets a note at once, and a full one goes off
// when let go (unless it was held to change it).
func (u *Surface) toggleStep(p *pane, b grid.Button, key, i int, at engine.Frame) {
	c, ok := u.target()
	if !ok || key < 0 || key > 127 {
		return
	}
	if h := u.steps.hold; h != nil {
		if h.key == key && i > h.step {
			h.used = true
			l := sequencer.Beats(i-h.step+1) * u.steps.res
			u.edit(at, 0, func(ns []sequencer.Note) []sequencer.Note {
				if j := u.stepNote(&sequencer.Clip{Notes: ns}, key, h.step); j >= 0 {
					ns[j].Len = l
				}
				return ns
			})
		}
		return
	}
	u.steps.hold = &stepHold{p: p, b: b, key: key, step: i}
	if c == nil || u.stepNote(c, key, i) < 0 {
		u.steps.hold.added = true
		u.edit(at, 0, func(ns []sequencer.Note) []sequencer.Note {
			return append(ns, sequencer.Note{At: sequencer.Beats(i) * u.steps.res, Len: u.steps.res, Key: uint8(key), Vel: u.steps.vel})
		})
	}
}

// stepRelease handles button b of pane p going up: the held step, if it
// is b.
func (u *Surface) stepRelease(p *pane, b grid.Button, at engine.Frame) {
	h := u.steps.hold
	if h == nil || h.p != p || h.b != b {
		return
	}
	u.steps.hold = nil
	if h.added || h.used {
		return
	}
	u.edit(at, 0, func(ns []sequencer.Note) []sequencer.Note {
		if j := u.stepNote(&sequencer.Clip{Notes: ns}, h.key, h.step); j >= 0 {
			ns = slices.Delete(ns, j, j+1)
		}
		return ns
	})
}

// stepRows sets u.rows to the notes of Step mode's note rows, bottom
// first: a kit's keys on a drum track, else the notes of the track's key
// from Note mode's bottom note up. Handle and Paint call it, so that the
// rows are worked out once for all the pads.
func (u *Surface) stepRows() {
	t := u.track(u.sel)
	u.rows = u.rows[:0]
	if t.Drum {
		for n := range 128 {
			if t.Has(n) {
				u.rows = append(u.rows, n)
			}
		}
		return
	}
	k, b := u.key(u.sel), u.bottom()
	for d := 0; ; d++ {
		n := k.Degree(b, d)
		if n > 127 {
			return
		}
		u.rows = append(u.rows, n)
	}
}

// stepAt returns what Step mode's pad (col, row) is: the bottom row sets
// velocities (vel > 0), the others are step i of note key (u.rows holds
// the rows' notes).
func (u *Surface) stepAt(col, row int) (key, i int, vel uint8) {
	cols, _ := u.size()
	if row == 0 {
		return -1, -1, uint8(max(1, (127*(col+1)+cols-1)/cols))
	}
	r := u.steps.row + row - 1
	if r >= len(u.rows) {
		return -1, -1, 0
	}
	return u.rows[r], u.steps.page*cols + col, 0
}

// stepPad handles Step mode's pad at column x, row y of pane p: with
// Shift, a step sets the clip's length to end with it.
func (u *Surface) stepPad(p *pane, b grid.Button, x, y int, at engine.Frame) {
	key, i, vel := u.stepAt(padAt(p, x, y))
	switch {
	case vel > 0:
		if h := u.steps.hold; h != nil {
			h.used = true
			u.edit(at, 0, func(ns []sequencer.Note) []sequencer.Note {
				if j := u.stepNote(&sequencer.Clip{Notes: ns}, h.key, h.step); j >= 0 {
					ns[j].Vel = vel
				}
				return ns
			})
		} else {
			u.steps.vel = vel
		}
	case key < 0:
	case u.holding(ctlShift):
		u.edit(at, sequencer.Beats(i+1)*u.steps.res, func(ns []sequencer.Note) []sequencer.Note { return ns })
	default:
		u.toggleStep(p, b, key, i, at)
	}
}

// stepArrow pages through the steps (left, right) and scrolls the note
// rows (up, down).
func (u *Surface) stepArrow(dx, dy int) {
	cols, rows := u.size()
	pages := 1
	if c, _ := u.target(); c != nil && cols > 0 {
		steps := int((c.Length + u.steps.res - 1e-9) / u.steps.res)
		pages = max(1, (steps+cols-1)/cols)
	}
	u.steps.page = max(0, min(u.steps.page+dx, pages-1))
	u.steps.row = max(0, min(u.steps.row-dy, len(u.rows)-(rows-1)))
}

// stepLight is how step i of key shows at frame now: the note starting
// there in the track's colour (dim below velocity 64), its length held
// on dim, the playhead dim white, steps past the clip's end off.
func (u *Surface) stepLight(key, i int, now engine.Frame) grid.Light {
	c, ok := u.target()
	if !ok {
		return grid.Off
	}
	length := u.s.Clock().BeatsPerBar()
	if c != nil {
		length = c.Length
	}
	from := sequencer.Beats(i) * u.steps.res
	if from >= length {
		return grid.Off
	}
	col := u.color(u.sel)
	if j := u.stepNote(c, key, i); j >= 0 {
		if c.Notes[j].Vel < 64 {
			return static(dim(col))
		}
		return static(col)
	}
	if c != nil {
		for _, n := range c.Notes {
			if int(n.Key) == key && n.At < from && n.At+n.Len > from {
				return static(dim(col))
			}
		}
	}
	if slot, beat, ok := u.s.ClipPosition(u.sel, now); ok && slot == u.selScene && beat >= from && beat < from+u.steps.res {
		return static(dim(white))
	}
	return grid.Off
}

// stepModeLight is what Step mode's pad (col, row) shows at frame now.
func (u *Surface) stepModeLight(col, row int, now engine.Frame) grid.Light {
	key, i, vel := u.stepAt(col, row)
	switch {
	case vel > 0:
		return lit(amber, vel <= u.steps.vel)
	case key < 0:
		return grid.Off
	}
	return u.stepLight(key, i, now)
}
