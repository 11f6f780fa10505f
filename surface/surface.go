package surface

import (
	"math"

	"gridbox/engine"
	"gridbox/grid"
	"gridbox/sequencer"
)

// Mode is what the clip pads show.
type Mode uint8

const (
	Session Mode = iota // clips
	Mixer               // clips above; stop, mute, solo, arm rows below
	Volume              // a fader per track
)

// mixerRows is how many rows Mixer mode takes at the bottom: stop, mute,
// solo, arm.
const mixerRows = 4

// A Surface is the session view over any number of controllers. It belongs
// to the session's goroutine (package documentation).
type Surface struct {
	s      *sequencer.Session
	colors []grid.Color
	panes  []*pane
	x0, y0 int // the window's first track and scene
	mode   Mode
	alert  bool   // something is wrong (no audio device): the controls flash red
	errs   []Mark // where the set file's errors are: those slots flash red
}

// A Mark is a place in the set that a problem is about: track Track's slot
// in scene Scene, or the whole track when Scene < 0.
type Mark struct{ Track, Scene int }

// A pane is one attached controller: its part of the window starts at
// track x0+offset.
type pane struct {
	id     string
	c      grid.Controller
	lay    layout
	offset int
	held   map[grid.Button]slot // clip pads down, and the slot they pressed
	lights []grid.Light         // Paint's buffer, by index in lay.buttons
}

type slot struct{ x, y int }

// New returns a session view of s. colors are the tracks' colours (a
// missing one is white).
func New(s *sequencer.Session, colors []grid.Color) *Surface {
	return &Surface{s: s, colors: colors}
}

// Attach adds controller c, known as id. It takes the place of a detached
// controller of the same size (a replug, on whatever port), else goes to
// the right of the others. Its lights are painted by the next Paint.
func (u *Surface) Attach(id string, c grid.Controller) {
	u.Detach(id)
	lay := layoutOf(c.Info())
	p := &pane{
		id: id, c: c, lay: lay,
		held:   make(map[grid.Button]slot),
		lights: make([]grid.Light, len(lay.buttons)),
	}
	for i, q := range u.panes {
		if q.c == nil && q.lay.cols == lay.cols && q.lay.rows == lay.rows {
			u.panes[i] = p
			u.arrange()
			return
		}
	}
	u.panes = append(u.panes, p)
	u.arrange()
}

// Detach removes controller id. Its place stays while controllers to its
// right are attached, so they keep showing the same tracks while a cable
// is out, and a controller of its size plugged in later takes it back. Its
// held pads should have been released first (grid's rule 2 does that
// before a Pads channel closes).
func (u *Surface) Detach(id string) {
	for _, p := range u.panes {
		if p.id == id && p.c != nil {
			p.id, p.c = "", nil
			clear(p.held)
		}
	}
	for len(u.panes) > 0 && u.panes[len(u.panes)-1].c == nil {
		u.panes = u.panes[:len(u.panes)-1] // nothing right of it to keep in place
	}
	u.arrange()
}

// Controllers returns how many controllers are attached.
func (u *Surface) Controllers() int {
	n := 0
	for _, p := range u.panes {
		if p.c != nil {
			n++
		}
	}
	return n
}

// Alert makes the control buttons (the top row, or a monome's bottom row)
// flash red while on: the way play shows the musician that the audio
// device is lost, or that it runs in safe mode. The pads keep showing the
// clips.
func (u *Surface) Alert(on bool) { u.alert = on }

// SetErrors marks the slots and tracks the set file's errors are about
// (nil: none): their pads flash red while the music plays on. A hot
// reload that finds errors in the edited set marks them; one that
// succeeds clears them.
func (u *Surface) SetErrors(marks []Mark) { u.errs = marks }

// Reload takes a new version of the session's song: tracks and scenes
// may have come or gone, so the window is kept inside the set, and
// colors are the tracks' colours now (as for New).
func (u *Surface) Reload(colors []grid.Color) {
	u.colors = colors
	u.arrange()
}

// marked reports whether track x's slot y is marked by an error.
func (u *Surface) marked(x, y int) bool {
	for _, m := range u.errs {
		if m.Track == x && (m.Scene < 0 || m.Scene == y) {
			return true
		}
	}
	return false
}

// Mode returns the current mode.
func (u *Surface) Mode() Mode { return u.mode }

// Window returns the first track and scene the window shows.
func (u *Surface) Window() (track, scene int) { return u.x0, u.y0 }

// arrange gives each pane its columns and keeps the window inside the set.
func (u *Surface) arrange() {
	off := 0
	for _, p := range u.panes {
		p.offset = off
		off += p.lay.cols
	}
	u.scroll(0, 0)
}

// size returns the window's width (all panes) and height: the clip rows
// of the shortest pane in the current mode.
func (u *Surface) size() (cols, rows int) {
	for i, p := range u.panes {
		cols += p.lay.cols
		if r := u.clipRows(p); i == 0 || r < rows {
			rows = r
		}
	}
	return cols, rows
}

// clipRows is how many of pane p's rows show clips in the current mode:
// Mixer mode takes the bottom mixerRows for its strips.
func (u *Surface) clipRows(p *pane) int {
	if u.mode == Mixer {
		return max(p.lay.rows-mixerRows, 0)
	}
	return p.lay.rows
}

// mixerRow returns which mixer strip row (0 stop, 1 mute, 2 solo, 3 arm)
// pad row y of pane p is in Mixer mode, or false.
func (u *Surface) mixerRow(p *pane, y int) (int, bool) {
	k := y - u.clipRows(p)
	return k, u.mode == Mixer && k >= 0 && k < mixerRows
}

// scroll moves the window by dx tracks and dy scenes, keeping it inside
// the set; it reports whether it moved.
func (u *Surface) scroll(dx, dy int) bool {
	cols, rows := u.size()
	x0 := max(0, min(u.x0+dx, u.s.Tracks()-cols))
	y0 := max(0, min(u.y0+dy, u.s.Scenes()-rows))
	moved := x0 != u.x0 || y0 != u.y0
	u.x0, u.y0 = x0, y0
	return moved
}

// Handle acts on a press or release from controller id at frame at.
func (u *Surface) Handle(id string, pad grid.Pad, at engine.Frame) {
	p := u.pane(id)
	if p == nil {
		return
	}
	if !pad.Down {
		if sl, ok := p.held[pad.Button]; ok {
			delete(p.held, pad.Button)
			u.s.Release(sl.x, sl.y, at)
		}
		return
	}
	r := p.lay.roleOf(pad.Button)
	switch r.kind {
	case roleClip:
		u.clipPad(p, pad.Button, r.x, r.y, at)
	case roleScene:
		if r.y < u.clipRows(p) { // beside the mixer strips a scene button does nothing
			u.s.LaunchScene(u.y0+r.y, at)
		}
	case roleControl:
		u.control(r.ctl, at)
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

// clipPad handles a press of the clip pad at column x, row y of pane p.
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
	p.held[b] = slot{track, scene}
	u.s.Press(track, scene, at)
}

// control handles a press of a control button.
func (u *Surface) control(c control, at engine.Frame) {
	switch c {
	case ctlUp:
		u.scroll(0, -1)
	case ctlDown:
		u.scroll(0, 1)
	case ctlLeft:
		u.scroll(-1, 0)
	case ctlRight:
		u.scroll(1, 0)
	case ctlSession:
		u.mode = Session
	case ctlMixer:
		u.toggle(Mixer)
	case ctlVolume:
		u.toggle(Volume)
	case ctlStopAll:
		u.s.StopAll(at)
	}
	u.scroll(0, 0) // Mixer mode shows fewer clip rows: keep the window inside the set
}

func (u *Surface) toggle(m Mode) {
	if u.mode == m {
		u.mode = Session
	} else {
		u.mode = m
	}
}

// faderDB is an 8-pad fader's scale, top pad first, down to the pad
// above the bottom one; the bottom pad is silence. Other sizes interpolate.
var faderDB = [...]float64{0, -3, -6, -10, -15, -20, -30}

// faderVolume returns the linear volume of pad row y on a fader of n pads.
func faderVolume(y, n int) float32 {
	switch {
	case y <= 0:
		return 1
	case y >= n-1:
		return 0
	}
	pos := float64(y) * float64(len(faderDB)-1) / float64(n-2)
	i := min(int(pos), len(faderDB)-2)
	f := pos - float64(i)
	return engine.DBToGain(faderDB[i] + f*(faderDB[i+1]-faderDB[i]))
}

// faderRow returns the row of a fader of n pads nearest to volume v.
func faderRow(v float32, n int) int {
	best, bestD := n-1, math.Inf(1)
	for y := range n {
		w := faderVolume(y, n)
		if d := math.Abs(db(w) - db(v)); d < bestD {
			best, bestD = y, d
		}
	}
	return best
}

func db(v float32) float64 {
	if v <= 0 {
		return -120
	}
	return 20 * math.Log10(float64(v))
}
