package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gridbox/audio"
	"gridbox/show"
	"gridbox/show/showtest"
)

// raceEnabled is set when the test binary is built with -race.
var raceEnabled bool

// startPulse starts a private PulseAudio server with a null sink
// (scripts/pulse-null.sh), stopped when the test ends, and returns its
// process and PULSE_SERVER value. The process is a handle on that very
// process (a pidfd): killing it twice never signals another process that
// was given its pid since, which on a busy machine can be any (make's).
func startPulse(t *testing.T) (*os.Process, string) {
	t.Helper()
	var serr strings.Builder
	cmd := exec.Command("../../scripts/pulse-null.sh", "48000")
	cmd.Stderr = &serr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("scripts/pulse-null.sh: %v\n%s", err, serr.String())
	}
	f := strings.Fields(string(out))
	pid, err := strconv.Atoi(f[0])
	if err != nil || len(f) < 2 {
		t.Fatalf("scripts/pulse-null.sh printed %q", out)
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Signal(syscall.SIGTERM) })
	return p, "PULSE_SERVER=unix:" + f[1]
}

// T11 on real parts, oto's way: the PulseAudio server under oto dies while
// gridbox plays. oto keeps one connection per process, so reopening cannot
// work: gridbox must say so and exit with status 4 (not wait for the
// watchdog), at once, unless oto's first reopen came before it noticed the
// server had gone: that device never calls back, and is given up 2 s
// later (supervise.Config.FirstBeat); so within 3 s of the kill. That is
// wall time on a real server, which a busy machine stretches: a slow round
// is run once more, on a new server, and fails only if both were slow (both
// times are reported). A new process on the server that is back resumes
// the playing clip.
func TestPulseServerDeathUnderOto(t *testing.T) {
	for _, cmd := range []string{"pulseaudio", "pactl"} {
		if _, err := exec.LookPath(cmd); err != nil {
			t.Skipf("%s not installed (scripts/setup.sh --test installs pulseaudio)", cmd)
		}
	}
	if testing.Short() {
		t.Skip("real-time test: -short leaves it out")
	}
	if raceEnabled {
		// jfreymuth/pulse v0.1.3 (under oto) reads a stream's error
		// without synchronisation while its client goroutine writes it
		// when the server goes; the race detector stops the child there.
		t.Skip("a data race inside jfreymuth/pulse (under oto) when its server dies stops a race build; make unit runs this test")
	}
	state := t.TempDir()
	set := showtest.ClickSet(t, "")
	perf := filepath.Join(filepath.Dir(set), "launch.perf")
	showtest.WriteFile(t, perf, "0b press 0 0\n")
	var took []time.Duration
	for len(took) < 2 {
		pulse, server := startPulse(t)
		c := startChild(t, state, "play "+set+" --audio oto --events "+perf+" --seconds 30", server)
		time.Sleep(1500 * time.Millisecond)
		t0 := time.Now()
		pulse.Kill() // the server crashes
		select {
		case <-c.done:
		case <-time.After(30 * time.Second):
			c.cmd.Process.Kill()
			<-c.done
			t.Fatalf("play did not exit after its sound server died:\n%s", c.out.String())
		}
		took = append(took, time.Since(t0))
		out := c.out.String()
		t.Logf("exit %d %v after the server died:\n%s", c.exit, took[len(took)-1], out)
		if c.exit != 4 || !strings.Contains(out, "gridbox: the audio backend can play again only in a new process (") {
			t.Fatalf("exit %d, want 4 after saying the backend needs a new process", c.exit)
		}
		if took[len(took)-1] <= 3*time.Second {
			break
		}
	}
	if len(took) == 2 && took[1] > 3*time.Second {
		t.Errorf("exited %v, and %v on a second server, after the server died; want within 3 s (a second if no reopen seemed to work)", took[0], took[1])
	}

	_, server := startPulse(t)
	restart := startChild(t, state, "play "+set+" --audio oto --seconds 30", server)
	out := restart.stop(syscall.SIGTERM)
	t.Logf("restart: playing after %.2f s:\n%s", restart.up.Seconds(), out)
	if !strings.Contains(out, "resumed the state") || !strings.Contains(out, "peak voices 1") {
		t.Errorf("the restart did not resume the playing clip")
	}
}

// Under the service, a sound card that is not there yet at boot makes play
// exit with status 3 and systemd start it again; that is not the set's
// fault, so it never leads to safe mode.
func TestNoSoundCardIsNotACrash(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	set := showtest.ClickSet(t, "")
	cfg := filepath.Join(t.TempDir(), "config.toml")
	showtest.WriteFile(t, cfg, "set = "+strconv.Quote(set)+"\n")
	for i := range 5 {
		var stderr strings.Builder
		e := &env{stdout: &strings.Builder{}, stderr: &stderr, hooks: show.Hooks{OpenAudio: func(audio.Format, int) show.Opener {
			return func() (audio.Device, error) { return nil, fmt.Errorf("no card yet: %w", audio.ErrNoDevice) }
		}}}
		code := run([]string{"play", "--config", cfg, "--seconds", "1"}, e)
		if code != 3 || strings.Contains(stderr.String(), "SAFE MODE") {
			t.Fatalf("start %d: exit %d, want 3 and no safe mode:\n%s", i+1, code, stderr.String())
		}
	}
}
