package surface

import (
	"math"

	"gridbox/engine"
	"gridbox/grid"
	"gridbox/music"
	"gridbox/sequencer"
)

// Mode is what the clip pads show.
type Mode uint8

const (
	Session Mode = iota // clips
	Mixer               // clips above; stop, mute, solo, arm rows below
	Volume              // a fader per track
	Note                // play the selected track's instrument in a key
	Drum                // a 4×4 drum rack, its bank and the last pad's steps
	Step                // the selected clip as a step sequencer
)

// mixerRows is how many rows Mixer mode takes at the bottom: stop, mute,
// solo, arm.
const mixerRows = 4

// A Surface is the session view over any number of controllers. It belongs
// to the session's goroutine (package documentation).
type Surface struct {
	s      *sequencer.Session
	panes  []*pane
	x0, y0 int // the window's first track and scene
	mode   Mode
	alert  bool   // something is wrong (no audio device): the controls flash red
	errs   []Mark // where the set file's errors are: those slots flash red

	info          []TrackInfo // by track
	sel, selScene int         // the selected track and scene: what Note, Drum, Step and Record act on
	keys          []music.Key // by track: the key Note and Step mode play in (the set's, changed on the grid)
	chromatic     bool        // Note mode's layout is chromatic, not in key
	octave        int         // Note and Step mode: octaves up from the default
	drumBase      int         // Drum mode: the note of the 4×4 block's bottom-left pad
	lastDrum      int         // Drum mode: the key of the drum pad last played, whose steps show
	steps         stepView    // Step mode

	// sessionAlone: an unlabelled controller's Session button is held
	// (its Shift) and nothing else was pressed since: let go, it is
	// Session mode. Shift, Clear and Duplicate held are in the panes'
	// ctls (holding).
	sessionAlone bool
	rows         []int // Step mode's note rows (stepRows), as of this Handle or Paint
}

// TrackInfo is what the surface knows of a track beyond the session: how
// its pads look and what its notes are.
type TrackInfo struct {
	Color grid.Color
	Key   music.Key // the key Note and Step mode play it in; zero: C major
	Drum  bool      // its instrument is a kit of single-key zones: Step mode's rows are its keys
	// Keys are the notes its instrument has a zone for, a bit per MIDI
	// note (bit k of Keys[k/64]); zero for a track with no instrument.
	Keys [2]uint64
}

// Has reports whether the track's instrument has a zone for note n.
func (t TrackInfo) Has(n int) bool { return n >= 0 && n < 128 && t.Keys[n/64]&(1<<(n%64)) != 0 }

// Playable reports whether the track has an instrument to play notes.
func (t TrackInfo) Playable() bool { return t.Keys != [2]uint64{} }

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
	mirror bool                    // shows the window's first columns beside the others (AttachMirror)
	held   map[grid.Button]slot    // clip pads down, and the slot they pressed
	notes  map[grid.Button]sounded // note pads down, and the note they play
	ctls   map[grid.Button]control // control buttons down, and the control they pressed
	lights []grid.Light            // Paint's buffer, by index in lay.buttons
}

// sounded is a live note a pad plays until it is let go: its note-off
// goes to the same track and key whatever changed meanwhile.
type sounded struct {
	track int
	key   uint8
}

type slot struct{ x, y int }

// New returns a session view of s, whose tracks are as info says (see
// SetTracks).
func New(s *sequencer.Session, info []TrackInfo) *Surface {
	u := &Surface{s: s, drumBase: music.DrumBase, lastDrum: music.DrumBase, steps: newStepView()}
	u.SetTracks(info)
	return u
}

// SetTracks tells the surface its tracks' colours (a missing one is
// white), keys and instruments' notes, by track: at start, and after a
// reload, whose tracks and scenes may have come or gone (the window is
// kept inside the set). The keys changed on the grid go back to the
// set's.
func (u *Surface) SetTracks(info []TrackInfo) {
	u.info = info
	u.keys = make([]music.Key, len(info))
	for i, t := range info {
		u.keys[i] = t.Key
		if len(u.keys[i].Scale.Steps) == 0 {
			u.keys[i] = cMajor
		}
	}
	u.arrange()
}

// cMajor is the key a track without one plays in.
var cMajor = music.Key{Scale: music.Scales[0]}

// Attach adds controller c, known as id. It takes the place of a detached
// controller of the same size (a replug, on whatever port), else goes to
// the right of the others. Its lights are painted by the next Paint.
func (u *Surface) Attach(id string, c grid.Controller) { u.attach(id, c, false) }

// AttachMirror adds controller c, known as id, as a mirror: it shows the
// window's first columns, as the first controller does, and adds none of
// its own, so a second view of the grid (the browser's) shows and plays
// what the Launchpad does. With no other controller it is the window.
func (u *Surface) AttachMirror(id string, c grid.Controller) { u.attach(id, c, true) }

func (u *Surface) attach(id string, c grid.Controller, mirror bool) {
	u.Detach(id)
	lay := layoutOf(c.Info())
	p := &pane{
		id: id, c: c, lay: lay, mirror: mirror,
		held:   make(map[grid.Button]slot),
		notes:  make(map[grid.Button]sounded),
		ctls:   make(map[grid.Button]control),
		lights: make([]grid.Light, len(lay.buttons)),
	}
	for i, q := range u.panes {
		if q.c == nil && q.mirror == mirror && q.lay.cols == lay.cols && q.lay.rows == lay.rows {
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
// is out, and a controller of its size plugged in later takes it back.
// Notes and clip pads it still holds are let go at once (grid's rule 2
// releases them before a Pads channel closes, but a controller the show
// judges gone is detached first).
func (u *Surface) Detach(id string) {
	for _, p := range u.panes {
		if p.id == id && p.c != nil {
			u.letGo(p, 0) // at once: a driver's releases may never come (a device judged gone)
			p.id, p.c = "", nil
			clear(p.ctls)
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
		if p.mirror {
			p.offset = 0
		} else {
			off += p.lay.cols
		}
	}
	u.scroll(0, 0)
}

// size returns the window's width (all panes) and height: the clip rows
// of the shortest pane in the current mode.
func (u *Surface) size() (cols, rows int) {
	mirrored := 0 // the widest mirror's columns: the window when it is alone
	for i, p := range u.panes {
		if p.mirror {
			mirrored = max(mirrored, p.lay.cols)
		} else {
			cols += p.lay.cols
		}
		if r := u.clipRows(p); i == 0 || r < rows {
			rows = r
		}
	}
	if cols == 0 {
		cols = mirrored
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
	u.sel = max(0, min(u.sel, u.s.Tracks()-1))
	u.selScene = max(0, min(u.selScene, u.s.Scenes()-1))
	return moved
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

// db is v in decibels, silence counted as -120 dB so that faders can
// measure distances to it.
func db(v float32) float64 { return max(engine.GainToDB(v), -120) }
