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
// nothing has them only with Config.Streams > 0. The old bank's memory is
// the caller's to release once Uses says nothing plays it any more.
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
	p.staged.Store(b)
	return nil
}

// Uses reports whether anything may still play sample s of bank b: b is
// the player's current bank or the staged one, a command taken in with b
// waits for its frame to start s (a PlayClip of s, or a NoteOn of an
// instrument with a zone on s), a voice started from b plays s (a removed
// clip plays on to its quantized stop, a one-shot rings out), or a stream
// slot is not yet free that reads s's
// Source (for b, or for a bank sharing the Source: the streamer may be
// mid-read). After a reload the session frees (audio.Free) the Buffers and
// closes the Sources the new bank no longer holds once Uses reports false
// for them; false is final for those, b being swapped out. A stream slot
// goes free when the streamer next runs (Streamer.Run or Fill). Any
// goroutine may call Uses: it reads atomics only.
func (p *Player) Uses(b *Bank, s int32) bool {
	r := b.refs
	if r == nil || r.bank != b || s < 0 || int(s) >= len(r.voices) {
		return false // never handed to a player
	}
	// Read in the order the uses follow one another (staged or current,
	// waiting command, voice, stream), each begun before the one before it
	// ends, so that a use moving on is not missed between two reads.
	if r.held.Load() > 0 || r.clips[s].Load() > 0 {
		return true
	}
	for i := range b.Instruments {
		if r.notes[i].Load() == 0 {
			continue
		}
		for _, z := range b.Instruments[i].Zones {
			if z.Sample == s {
				return true
			}
		}
	}
	if r.voices[s].Load() > 0 {
		return true
	}
	if !b.streamed(s) {
		return false
	}
	src := b.Streams[s]
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

// Staged reports whether a bank staged with StageBank waits to be taken in
// by a SwapBank command. Any goroutine may call it.
func (p *Player) Staged() bool { return p.staged.Load() != nil }
