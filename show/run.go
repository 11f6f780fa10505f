package show

import "gridbox/engine"

// A clock drives a show's loop (run): the audio device's in play, a
// virtual one in render. The two commands differ only in their clock and
// what it does at each turn; the loop, the script, the session and the
// ways a show ends are the same.
type clock interface {
	// next waits for the loop's next turn and returns the frame the sound
	// has reached, or why the show stops now (a signal, an audio backend
	// that failed). Play waits for the session's tick or an input and
	// handles the input; render takes the frames written so far.
	next() (now engine.Frame, stop string, err error)
	// commit plays the script and commits the session ahead of the sound
	// at now, as far ahead as the clock needs.
	commit(now engine.Frame)
	// turn does the clock's work once the session is committed: play
	// shows the state (lights, status line, status LED, state file,
	// watchdog); render renders the next block and writes it.
	turn(now engine.Frame) (stop string, err error)
}

// run advances the show by clock c until it ends: at the script's end, at
// limit (engine.Never: none; limitText says it for the last line), when a
// script with neither has nothing left to play, or when the clock stops it.
// It returns why it ended, in words for the last line.
func (p *Show) run(c clock, limit engine.Frame, limitText string) (reason string, err error) {
	for {
		now, reason, err := c.next()
		if reason != "" || err != nil {
			return reason, err
		}
		switch {
		case now >= p.end:
			return "the script ended", nil
		case now >= limit:
			return limitText, nil
		case p.scripted && p.end == engine.Never && limit == engine.Never && p.silent():
			return "nothing plays any more", nil
		}
		c.commit(now)
		if reason, err := c.turn(now); reason != "" || err != nil {
			return reason, err
		}
	}
}
