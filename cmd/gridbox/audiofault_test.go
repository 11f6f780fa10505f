package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gridbox/audio"
)

// raceEnabled is set when the test binary is built with -race.
var raceEnabled bool

// startPulse starts a private PulseAudio server with a null sink
// (scripts/pulse-null.sh) and returns its pid and PULSE_SERVER value.
func startPulse(t *testing.T) (int, string) {
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
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGTERM) })
	return pid, "PULSE_SERVER=unix:" + f[1]
}

// T11 on real parts, oto's way: the PulseAudio server under oto dies while
// gridbox plays. oto keeps one connection per process, so reopening cannot
// work: gridbox must say so and exit with status 4 (not wait for the
// watchdog), and a new process on the server that is back resumes the
// playing clip.
func TestPulseServerDeathUnderOto(t *testing.T) {
	for _, cmd := range []string{"pulseaudio", "pactl"} {
		if _, err := exec.LookPath(cmd); err != nil {
			t.Skipf("%s not installed (scripts/setup.sh --test installs pulseaudio)", cmd)
		}
	}
	if testing.Short() {
		t.Skip("real-time test")
	}
	if raceEnabled {
		// jfreymuth/pulse v0.1.3 (under oto) reads a stream's error
		// without synchronisation while its client goroutine writes it
		// when the server goes; the race detector stops the child there.
		t.Skip("a data race inside jfreymuth/pulse when its server dies; make unit runs this test")
	}
	state := t.TempDir()
	set := clickSet(t, "")
	perf := filepath.Join(filepath.Dir(set), "launch.perf")
	writeFile(t, perf, "0b press 0 0\n")
	pid, server := startPulse(t)
	c := startChild(t, state, "play "+set+" --audio oto --events "+perf+" --seconds 30", server)
	time.Sleep(1500 * time.Millisecond)
	t0 := time.Now()
	syscall.Kill(pid, syscall.SIGKILL) // the server crashes
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		c.cmd.Process.Kill()
		<-c.done
		t.Fatalf("play did not exit after its sound server died:\n%s", c.out.String())
	}
	took := time.Since(t0)
	out := c.out.String()
	t.Logf("exit %d %v after the server died:\n%s", c.exit, took, out)
	if c.exit != 4 || !strings.Contains(out, "gridbox: the audio backend can play again only in a new process (") {
		t.Errorf("exit %d, want 4 after saying the backend needs a new process", c.exit)
	}
	// At once, unless oto's first reopen came before it noticed the
	// server had gone: that device never calls back, and is given up 2 s
	// later (supervise.Config.FirstBeat).
	if took > 3*time.Second {
		t.Errorf("exited %v after the server died, want within a second (3 s if a reopen seemed to work)", took)
	}

	_, server = startPulse(t)
	restart := startChild(t, state, "play "+set+" --audio oto --seconds 30", server)
	up := time.Since(restart.started)
	out = restart.stop(syscall.SIGTERM)
	t.Logf("restart: playing after %.2f s:\n%s", up.Seconds(), out)
	if !strings.Contains(out, "resumed the state") || !strings.Contains(out, "peak voices 1") {
		t.Errorf("the restart did not resume the playing clip")
	}
}

// Under the service, a sound card that is not there yet at boot makes play
// exit with status 3 and systemd start it again; that is not the set's
// fault, so it never leads to safe mode.
func TestNoSoundCardIsNotACrash(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	set := clickSet(t, "")
	cfg := filepath.Join(t.TempDir(), "config.toml")
	writeFile(t, cfg, "set = "+strconv.Quote(set)+"\n")
	for i := range 5 {
		var stderr strings.Builder
		e := &env{stdout: &strings.Builder{}, stderr: &stderr, openAudio: func(audio.Format, int) opener {
			return func() (audio.Device, error) { return nil, fmt.Errorf("no card yet: %w", audio.ErrNoDevice) }
		}}
		code := run([]string{"play", "--config", cfg, "--seconds", "1"}, e)
		if code != 3 || strings.Contains(stderr.String(), "SAFE MODE") {
			t.Fatalf("start %d: exit %d, want 3 and no safe mode:\n%s", i+1, code, stderr.String())
		}
	}
}
