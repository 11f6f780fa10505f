package show

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"gridbox/audio"
	"gridbox/engine"
	"gridbox/grid"
	"gridbox/internal/spell"
	"gridbox/sequencer"
	"gridbox/sets"
	"gridbox/surface"
)

// Hot reload. A new version of the set (its file saved in an editor, a
// script's load line, "gridbox reload") is loaded and checked off the
// session goroutine, reusing every sample whose file has not changed
// (loadSet's prev); the session goroutine then swaps it in at the frame
// the session has committed up to (swapIn): the engine takes the new bank
// in order with the commands (engine.SwapBank), the session matches what
// plays to the new song (sequencer.Session.Replace), the grid shows the
// new tracks and scenes. What the old version held and the new one does
// not is freed once the engine can no longer play it (collect). A version
// with errors changes nothing in the music: its errors are printed and
// shown on the grid (failed) until a good version replaces them.

// errBusy says that the engine has not taken the previous reload's bank
// yet (it takes it within a block); the reload is tried again later.
var errBusy = errors.New("the previous reload is still being taken in")

// retired is what a replaced version of the set held that the version
// after it does not use: freed once the engine has taken the new bank and
// no voice, command or stream of the old one can play it.
type retired struct {
	bank    *engine.Bank
	samples []int32 // indices in bank of the buffers in bufs: each must be unused
	bufs    []*audio.Buffer
	files   []io.Closer
}

// swapIn makes n the set p plays, from the session's committed frame: see
// Hot reload above. It returns errBusy, or why n cannot play here (more
// tracks than the engine has buses), and then changes nothing: the caller
// still owns n.
func (p *Show) swapIn(n *loaded) error {
	if p.player.Staged() {
		return errBusy
	}
	if err := p.player.StageBank(n.bank); err != nil {
		return err
	}
	// Pads held now would release notes by their tracks' old places.
	p.surface.ReleaseNotes(p.session.Committed())
	if err := p.session.Replace(n.song, p.session.Committed()); err != nil {
		p.player.Unstage()
		return err
	}
	old := p.loaded
	n.File = old.File // the running set's file: its state, its name in the journal
	p.loaded = n
	if p.recorder != nil {
		p.recorder.spares.fit(n.Set, p.rate)
	}
	p.retire = append(p.retire, leftover(old, n))
	p.surface.SetTracks(trackInfo(n.Set))
	p.nameMIDI()
	p.surface.SetErrors(nil)
	p.setErrors = nil
	return nil
}

// leftover returns what old holds that cur (nil: nothing) does not.
func leftover(old, cur *loaded) retired {
	keep := map[any]bool{}
	if cur != nil {
		for _, b := range cur.bank.Samples {
			keep[b] = true
		}
		for _, f := range cur.files {
			keep[f] = true
		}
	}
	r := retired{bank: old.bank}
	freed := map[*audio.Buffer]bool{}
	for i, b := range old.bank.Samples {
		if b == nil || keep[b] {
			continue
		}
		r.samples = append(r.samples, int32(i))
		if !freed[b] { // once, should two indices hold it
			freed[b] = true
			r.bufs = append(r.bufs, b)
		}
	}
	for _, f := range old.files {
		if !keep[f] {
			r.files = append(r.files, f)
		}
	}
	return r
}

// unload frees what n holds that keep does not: a version of the set that
// was loaded but never played.
func unload(n, keep *loaded) {
	if n == nil || n.bank == nil {
		return
	}
	free(leftover(n, keep))
}

func free(r retired) {
	for _, b := range r.bufs {
		audio.Free(b)
	}
	for _, f := range r.files {
		f.Close()
	}
}

// collect frees what earlier versions of the set held, once the engine
// can no longer play it: it has taken the new bank, and no voice, pending
// command or stream of the old one plays the sample. Session goroutine.
func (p *Show) collect() {
	if p.player.Staged() {
		return // the bank before the staged one is still taken in by the engine
	}
	p.retire = slices.DeleteFunc(p.retire, func(r retired) bool {
		for _, s := range r.samples {
			if p.player.Uses(r.bank, s) {
				return false
			}
		}
		free(r)
		return true
	})
}

// failed shows the errors of a version of the set that could not be
// swapped in, while the last good version plays on: each printed as
// FILE:LINE:COL: message, the slots and tracks they are about marked on
// the grid (edited is the set file as far as it reads, nil if not at all),
// and the first scrolled by scroll (nil: none) as "LINE: message".
// Session goroutine.
func (p *Show) failed(e *Env, file string, err error, edited *sets.Set, scroll func(text string)) {
	var errs sets.Errors
	if errors.As(err, &errs) {
		for _, se := range errs {
			fmt.Fprintln(e.Stderr, se)
		}
		p.setErrors = make([]error, len(errs))
		for i, se := range errs {
			p.setErrors[i] = se
		}
	} else {
		fmt.Fprintln(e.Stderr, err)
		p.setErrors = []error{err}
	}
	fmt.Fprintf(e.Stderr, "gridbox: %s: %s (playing the last good version)\n", file, spell.Count(len(p.setErrors), "error"))
	p.surface.SetErrors(p.marks(edited, errs))
	if scroll != nil {
		scroll(scrollText(p.setErrors[0]))
	}
}

// scrollText is what a Launchpad scrolls for a set error: "LINE: message".
func scrollText(err error) string {
	var se *sets.Error
	if errors.As(err, &se) {
		if se.Pos.Line > 0 {
			return fmt.Sprintf("%d: %s", se.Pos.Line, se.Msg)
		}
		return se.Msg
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return msg
}

// marks finds where in the running set errs are: each is placed in the
// clip or track of edited (the set file as far as it reads) whose table
// holds its line, and that clip or track is found in the running version
// as a reload matches them (sequencer.MatchNames: by track and scene
// name, the k-th of a name for the k-th).
func (p *Show) marks(edited *sets.Set, errs sets.Errors) []surface.Mark {
	if len(errs) == 0 || edited == nil {
		return nil // nothing to point at (not even TOML)
	}
	running := p.loaded.Set
	tracks := sequencer.MatchNames(trackNames(edited), trackNames(running))
	scenes := sequencer.MatchNames(sceneNames(edited), sceneNames(running))
	var marks []surface.Mark
	for _, se := range errs {
		x, y := place(edited, se.Pos.Line)
		if x < 0 || tracks[x] < 0 || y >= len(scenes) || y >= 0 && scenes[y] < 0 {
			continue
		}
		m := surface.Mark{Track: tracks[x], Scene: -1}
		if y >= 0 {
			m.Scene = scenes[y]
		}
		marks = append(marks, m)
	}
	return marks
}

// place returns the track and scene of the clip whose table holds line
// (scene -1: the track's own table holds it), or -1, -1 when no track's
// does.
func place(s *sets.Set, line int) (track, scene int) {
	track, scene = -1, -1
	best := 0
	for x, t := range s.Tracks {
		if t.Pos.Line <= line && t.Pos.Line > best {
			track, scene, best = x, -1, t.Pos.Line
		}
		for _, c := range t.Clips {
			if c.Pos.Line <= line && c.Pos.Line > best {
				track, scene, best = x, c.Scene, c.Pos.Line
			}
		}
	}
	// A line past a later table (a scene, an instrument) is not the track's.
	for _, sc := range s.Scenes {
		if sc.Pos.Line > best && sc.Pos.Line <= line {
			return -1, -1
		}
	}
	for _, in := range s.Instruments {
		if in.Pos.Line > best && in.Pos.Line <= line {
			return -1, -1
		}
	}
	return track, scene
}

func trackNames(s *sets.Set) []string {
	names := make([]string, len(s.Tracks))
	for i, t := range s.Tracks {
		names[i] = t.Name
	}
	return names
}

func sceneNames(s *sets.Set) []string {
	names := make([]string, len(s.Scenes))
	for i, sc := range s.Scenes {
		names[i] = sc.Name
	}
	return names
}

// trackInfo returns what the surface shows of set's tracks: their
// colours, keys, and the notes their instruments have zones for. A
// track whose instrument has two zones or more, each of one key, is a
// drum kit.
func trackInfo(set *sets.Set) []surface.TrackInfo {
	info := make([]surface.TrackInfo, len(set.Tracks))
	for i, t := range set.Tracks {
		ti := &info[i]
		ti.Color = grid.Color{R: t.Color.R, G: t.Color.G, B: t.Color.B}
		ti.Key = t.Key
		in := set.Instrument(t.Instrument)
		if in == nil {
			continue
		}
		kit := len(in.Zones) >= 2
		for _, z := range in.Zones {
			kit = kit && z.Low == z.High
			for k := max(z.Low, 0); k <= min(z.High, 127); k++ {
				ti.Keys[k/64] |= 1 << (k % 64)
			}
		}
		ti.Drum = kit
	}
	return info
}

// reloadReport says in one line what a reload swapped in, took after the
// change was seen.
func reloadReport(n *loaded, took time.Duration) string {
	return fmt.Sprintf("gridbox: reloaded %q in %d ms: %s, %s; %d of %s read again",
		n.Set.Name, took.Milliseconds(), spell.Count(len(n.Set.Tracks), "track"), spell.Count(len(n.Set.Scenes), "scene"),
		n.Samples-n.Reused, spell.Count(n.Samples, "sample"))
}

// buses is how many engine track buses a show of a set of tracks tracks
// has: enough for any set a reload can bring (sets.MaxTracks) while every
// track of the one before still fades out, so that a reload never fails
// for want of one. A bus without voices costs next to nothing.
func buses(tracks int) int { return max(tracks, 2*sets.MaxTracks) }

// streamSlots is how many voices of a show whose set streams streamed
// samples can play them at once: twice as many, and 8 more, so that a
// reload that brings long samples to a set without them has slots for
// them too. A slot's ring is only made resident when a voice first uses
// it.
func streamSlots(streamed int) int { return min(2*streamed+8, 256) }

// load swaps in the set at file now, as a script's load line asks: loaded
// on the show's goroutine (render does not play in real time), reported
// and swapped in as a reload of the running set's file is. The session's
// takes go with it when file is the running set's; for another set, they
// are handed to be saved first, and the other set's takes file is read.
func (p *Show) load(file string) {
	if p.recorder.busy() {
		// The take's clip is the session's until its file is whole.
		p.failed(p.env, file, errors.New("not loaded: an audio take is recording; load it after the take ends"), nil, nil)
		return
	}
	var cur *sets.Takes
	if samePath(file, p.loaded.path) {
		cur = p.loaded.takesOf(p.session)
	} else {
		p.takes.flush()
		cur = p.takes.of(file) // a set played before: its takes, saved or not
	}
	n, err := loadSet(file, p.rate, p.mem, p.loaded, cur)
	if err == nil {
		err = p.swapLoaded(n)
		if errors.Is(err, errBusy) && p.drain != nil {
			p.drain()
			err = p.swapLoaded(n)
		}
	}
	if err != nil {
		unload(n, p.loaded)
		p.failed(p.env, file, err, tried(file), nil)
	}
}

// swapLoaded reports n's sample problems and warnings, as a first load
// does, and swaps it in.
func (p *Show) swapLoaded(n *loaded) error {
	if err := p.swapIn(n); err != nil {
		return err
	}
	for _, pr := range slices.Concat(n.Problems, n.Warnings) {
		fmt.Fprintln(p.env.Stderr, pr)
	}
	// The input opened with the device, for the set gridbox started with.
	have := 0
	if in := p.player.Input(); in != nil {
		have = in.Channels()
	}
	switch need := inputsOfSet(n.Set); {
	case need > 0 && have == 0:
		fmt.Fprintf(p.env.Stderr, "gridbox: the set's audio tracks use input channels 1-%d, but no input is open: they do not record until gridbox starts again\n", need)
	case need > have:
		fmt.Fprintf(p.env.Stderr, "gridbox: the set's audio tracks use input channels up to %d; the input has %d (the rest record silence): restart gridbox, or set audio.input_channels, to open more\n", need, have)
	}
	return nil
}
