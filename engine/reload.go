package engine

import "errors"

// ErrStaged is returned by StageBank while the bank staged before has not
// been taken in yet: the session sends its SwapBank, waits until Staged
// reports false, and stages the next one then.
var ErrStaged = errors.New("engine: a staged bank has not been taken in yet")

// StageBank readies b to replace the bank the player plays, for a reload
// of the set while it plays: the next SwapBank command taken in makes the
// commands sent after it play b (see SwapBank). Only the session goroutine
// calls it, the one that calls Send, and it sends the SwapBank after it in
// order with its other commands.
//
// b is checked as New checks its bank, and is immutable from then on; it
// belongs to this player. Samples that did not change are the same Buffer
// and Source values as in the bank before, at any index. A bank that
// streams needs stream slots: a player created from a bank that streams
// nothing has them only with Config.Streams > 0. The Buffers and Sources
// the new bank drops are the caller's to free once Uses says nothing plays
// them any more.
func (p *Player) StageBank(b *Bank) error {
	if b == nil {
		return errors.New("engine: StageBank: nil bank")
	}
	if err := b.check(p.rate); err != nil {
		return err
	}
	if len(p.streams) == 0 && b.streams() {
		return errors.New("engine: the bank streams samples but the player has no stream slots (create it with Config.Streams > 0)")
	}
	if p.staged.Load() != nil {
		return ErrStaged
	}
	refsOf(b).held.Add(1) // the render side drops it when b is swapped out
	// Remember b with the banks that may still play, forgetting those that
	// cannot any more: swapped out, and nothing of them waits or sounds.
	live := []*Bank{b}
	for _, k := range *p.banks.Load() {
		if k != b && k.refs.busy() {
			live = append(live, k)
		}
	}
	p.banks.Store(&live)
	p.staged.Store(b)
	return nil
}

// Uses reports whether anything may still read sample s of bank b: its
// Buffer b.Samples[s], or its Source b.Streams[s]. The session asks it
// after a reload, for each Buffer and Source the new bank dropped, and
// frees (audio.Free) or closes each once Uses reports false; that is then
// final, unless a later bank brings the same one back.
//
// Something may read it while a bank of this player holding it (b, or an
// earlier or later bank sharing the Buffer or Source, at any index) is the
// current bank or the staged one, or has a command taken in that waits for
// its frame to start it (a PlayClip of it, or a NoteOn of an instrument
// with a zone on it), or a voice playing it (a removed clip plays on to
// its quantized stop, a one-shot rings out); or while a stream slot that
// reads the Source is not yet free (the streamer may be mid-read; the slot
// goes free when the streamer next runs, Streamer.Run or Fill).
//
// Any goroutine may call Uses (it reads atomics and immutable banks), but
// only the session's calls, ordered with its StageBank, see the banks it
// stages.
func (p *Player) Uses(b *Bank, s int32) bool {
	if s < 0 || int(s) >= len(b.Samples) {
		return false
	}
	if b.refs != nil && b.refs.bank == b && b.playing(s) {
		return true
	}
	buf, src := b.Samples[s], b.source(s)
	for _, k := range *p.banks.Load() {
		if k == b {
			continue
		}
		for j := range k.Samples {
			if (k.Samples[j] == buf || src != nil && k.source(int32(j)) == src) && k.playing(int32(j)) {
				return true
			}
		}
	}
	if src == nil {
		return false
	}
	for i := range p.streams {
		st := &p.streams[i]
		if st.state.Load() == streamFree {
			continue
		}
		if ps := st.src.Load(); ps != nil && *ps == src {
			return true
		}
	}
	return false
}

// Unstage takes back the bank staged with StageBank when its SwapBank is
// not to be sent after all (the reload it belongs to failed after staging
// it). Only the session goroutine calls it, before it sends a SwapBank.
func (p *Player) Unstage() {
	if b := p.staged.Swap(nil); b != nil {
		b.refs.held.Add(-1)
	}
}

// Staged reports whether a bank staged with StageBank waits to be taken in
// by a SwapBank command. Any goroutine may call it.
func (p *Player) Staged() bool { return p.staged.Load() != nil }
