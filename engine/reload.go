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
	p.staged.Store(b)
	return nil
}

// Staged reports whether a bank staged with StageBank waits to be taken in
// by a SwapBank command. Any goroutine may call it.
func (p *Player) Staged() bool { return p.staged.Load() != nil }
