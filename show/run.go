package show

import "gridbox/engine"

// A clock drives a show's loop (run): the audio device's in play, a
// virtual one in render. The two commands differ only in their clock and
// what it does at each turn; the loop, the script, the session and the
// ways a show ends are the same.
type clock interface {
	// next waits for the loop's next turn and returns the frame the sound
	// has reached. Play waits for the session's tick, an input (which it
	// handles) or a signal; render takes the frames written so far, or
	// the error of a signal that came.
	next() (now engine.Frame, err error)
	// commit plays the script and commits the session ahead of the sound
	// at now, as far ahead as the clock needs.
	commit(now engine.Frame)
	// turn does the clock's work once the session is committed, and
	// returns the frame the sound has then reached, or why the show stops
	// (a signal, an audio backend that failed, render's cap). Play shows
	// the state (lights, status line, status LED, state file, watchdog);
	// render renders the next block and writes it.
	turn(now engine.Frame) (reached engine.Frame, stop string, err error)
}

// run advances the show by clock c until it ends: at the script's end, at
// limit (engine.Never: none; limitText says it for the last line), when a
// script with neither has nothing left to play, or when the clock stops it.
// Every pass does its whole turn before the ends are checked, against the
// frame the turn reached: a render writes at least its first block. It
// returns why it ended, in words for the last line.
func (p *Show) run(c clock, limit engine.Frame, limitText string) (reason string, err error) {
	for {
		now, err := c.next()
		if err != nil {
			return "", err
		}
		c.commit(now)
		reached, reason, err := c.turn(now)
		switch {
		case reason != "" || err != nil:
			return reason, err
		case reached >= p.end:
			return "the script ended", nil
		case reached >= limit:
			return limitText, nil
		case p.scripted && p.end == engine.Never && limit == engine.Never && p.silent():
			return "nothing plays any more", nil
		}
	}
}
