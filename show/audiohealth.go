package show

import (
	"fmt"

	"gridbox/audio/supervise"
)

// audioWatch reports the supervised device's health to the journal as it
// changes. The session goroutine owns it.
type audioWatch struct {
	e    *Env
	dev  *supervise.Device
	last supervise.Health
}

// check logs what changed since the last check and returns the health.
func (w *audioWatch) check() supervise.Health {
	h := w.dev.Health()
	was := w.last
	w.last = h
	if h.Losses > was.Losses {
		fmt.Fprintf(w.e.Stderr, "gridbox: audio device lost (%v); the music keeps time silently while gridbox reopens it\n", h.Err)
	}
	switch {
	case h.State == supervise.Playing && (h.Losses > was.Losses || was.State != supervise.Playing):
		fmt.Fprintf(w.e.Stderr, "gridbox: audio back on %s after %.1f s\n", h.Device, h.Outage.Seconds())
	case h.State == supervise.Lost && h.Tries == 1 && was.Tries == 0:
		fmt.Fprintf(w.e.Stderr, "gridbox: reopening the audio device failed (%v); trying again, at least once a second\n", h.TryErr)
	case h.State == was.State:
	case h.State == supervise.Hung:
		fmt.Fprintf(w.e.Stderr, "gridbox: the audio backend hung: %s; stopping so that systemd starts gridbox afresh\n", h.Call)
	case h.State == supervise.Failed:
		fmt.Fprintf(w.e.Stderr, "gridbox: the audio backend can play again only in a new process (%v); stopping so that systemd starts gridbox afresh\n", h.TryErr)
	}
	return h
}
