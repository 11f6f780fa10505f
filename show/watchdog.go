package show

import (
	"fmt"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"

	"gridbox/engine"
)

// watchdogPeriod is how often play tells systemd it is alive; the unit's
// WatchdogSec (5 s) leaves room for a few missed pings.
const watchdogPeriod = time.Second

// watchdog speaks systemd's notify protocol (nothing happens outside
// systemd): READY=1 once audio runs, then WATCHDOG=1 every watchdogPeriod,
// but only while the engine's position moves and the audio supervisor is
// not hung or failed. A lost device does not stop them (the supervisor's
// fallback clock keeps the position moving while it reopens the device); a
// hung backend call, an opener asking for a new process or a stalled
// render thread does, and systemd restarts gridbox. The session goroutine
// calls check.
type watchdog struct {
	e        *Env
	last     time.Time
	lastPos  engine.Frame
	notified bool // systemd listens
}

// newWatchdog tells systemd that gridbox is ready, playing set name.
func newWatchdog(e *Env, name string) *watchdog {
	ok, err := daemon.SdNotify(false, daemon.SdNotifyReady+"\nSTATUS=playing "+name)
	if err != nil {
		fmt.Fprintf(e.Stderr, "gridbox: telling systemd: %v\n", err)
	}
	return &watchdog{e: e, last: time.Now(), lastPos: -1, notified: ok}
}

// check pings the watchdog when a period has passed, the engine has
// rendered since the last ping and the audio backend is not hung.
func (w *watchdog) check(pos engine.Frame, healthy bool) {
	if !w.notified || time.Since(w.last) < watchdogPeriod {
		return
	}
	if pos == w.lastPos || !healthy {
		return // audio stalled: let the watchdog fire
	}
	w.last, w.lastPos = time.Now(), pos
	daemon.SdNotify(false, daemon.SdNotifyWatchdog)
}

// stopping tells systemd gridbox is shutting down.
func (w *watchdog) stopping() {
	if w.notified {
		daemon.SdNotify(false, daemon.SdNotifyStopping)
	}
}
