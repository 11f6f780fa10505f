package main

import (
	"fmt"
	"strings"

	"gridbox/audio"
	"gridbox/audio/null"
	"gridbox/audio/oto"
	"gridbox/audio/supervise"
)

// An opener opens a fresh device of one backend; play's supervisor calls it
// at start and again after the device is lost.
type opener func() (audio.Device, error)

var audioBackends = append(backendsWithPortAudio, "oto", "null")

// audioOpener returns the opener of the named backend.
func audioOpener(backend, device string, f audio.Format, block, lead int) (opener, error) {
	switch backend {
	case "portaudio":
		return portAudioOpener(device, f, block, lead), nil
	case "oto":
		return func() (audio.Device, error) { return oto.Open(f, block) }, nil
	case "null":
		return func() (audio.Device, error) { return null.New(f, block), nil }, nil
	}
	return nil, fmt.Errorf("--audio %q: choose one of %s", backend, strings.Join(audioBackends, ", "))
}

// audioWatch reports the supervised device's health to the journal as it
// changes. The session goroutine owns it.
type audioWatch struct {
	e    *env
	dev  *supervise.Device
	last supervise.Health
}

// check logs what changed since the last check and returns the health.
func (w *audioWatch) check() supervise.Health {
	h := w.dev.Health()
	was := w.last
	w.last = h
	if h.Losses > was.Losses {
		fmt.Fprintf(w.e.stderr, "gridbox: audio device lost (%v); the music keeps time silently while gridbox reopens it\n", h.Err)
	}
	switch {
	case h.State == supervise.Playing && (h.Losses > was.Losses || was.State != supervise.Playing):
		fmt.Fprintf(w.e.stderr, "gridbox: audio back on %s after %.1f s\n", h.Device, h.Outage.Seconds())
	case h.State == supervise.Lost && h.Tries == 1 && was.Tries == 0:
		fmt.Fprintf(w.e.stderr, "gridbox: reopening the audio device failed (%v); trying again, at least once a second\n", h.TryErr)
	case h.State == was.State:
	case h.State == supervise.Hung:
		fmt.Fprintf(w.e.stderr, "gridbox: the audio backend hung: %s; stopping so that systemd starts gridbox afresh\n", h.Call)
	case h.State == supervise.Failed:
		fmt.Fprintf(w.e.stderr, "gridbox: the audio backend can play again only in a new process (%v); stopping so that systemd starts gridbox afresh\n", h.TryErr)
	}
	return h
}
