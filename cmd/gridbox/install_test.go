package main

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gridbox/config"
	"gridbox/grid/hotplug"
	"gridbox/grid/launchpad"
	"gridbox/grid/launchpad/launchpadtest"
	"gridbox/grid/scan"
	"gridbox/show"
	"gridbox/show/install"
	"gridbox/show/showtest"
)

// gridbox install --dry-run prints the unit, the udev rules and the config
// it would write, and the commands, without root and without changing
// anything.
func TestInstallDryRun(t *testing.T) {
	code, stdout, stderr := gridbox(t, "install", "--dry-run", "--user", "nobody", "--set", "last")
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"/etc/systemd/system/gridbox.service", "Type=notify", "WatchdogSec=", "Restart=always", "StartLimitIntervalSec=0",
		"User=nobody", "LimitRTPRIO=", "LimitMEMLOCK=infinity", "GOGC=", "GOMEMLIMIT=", " play --config /etc/gridbox/config.toml",
		"/etc/udev/rules.d/70-gridbox.rules", `ATTRS{idVendor}=="1235"`, `ATTRS{manufacturer}=="monome"`, `ATTR{power/control}="on"`,
		"/etc/gridbox/config.toml", `set = "last"`,
		"systemctl enable --now gridbox.service", "usermod -aG audio,dialout",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("dry run lacks %q", want)
		}
	}
	if regexp.MustCompile(`(?m)^CPUSchedulingPolicy=`).MatchString(stdout) {
		t.Error("the unit makes the whole process realtime")
	}
	if code, _, stderr := gridbox(t, "install", "--dry-run", "--user", "root"); code == 0 || !strings.Contains(stderr, "ordinary user") {
		t.Errorf("--user root: exit %d, %q", code, stderr)
	}
}

// play --config takes the set and the audio settings from the config,
// remembers the set it played, and plays it again for set = "last";
// controllers.ignore keeps a controller out.
func TestPlayFromConfig(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	set := showtest.ClickSet(t, "")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	showtest.WriteFile(t, cfg, "set = "+strconv.Quote(set)+"\n[audio]\nblock = 256\n[controllers]\nignore = [\"launchpad-x\"]\n")
	var bus bench
	d := launchpadtest.New(launchpad.LaunchpadX)
	bus.plug(launchpadOn(d, "Launchpad X:Launchpad X LPX MIDI 20:1"))
	var out syncBuffer
	e := &env{stdout: &bytes.Buffer{}, stderr: &out,
		hooks: show.Hooks{Scans: func(scan.Wrap) []hotplug.Scan { return []hotplug.Scan{bus.scan} }}}
	if c := run([]string{"play", "--config", cfg, "--audio", "null", "--seconds", "0.5"}, e); c != 0 {
		t.Fatalf("play --config: exit %d: %s", c, out.String())
	}
	if s := out.String(); !strings.Contains(s, `playing "Click"`) || !strings.Contains(s, "256-frame blocks") || strings.Contains(s, "connected") {
		t.Errorf("play --config printed:\n%s\nwant the config's set at 256-frame blocks, the ignored Launchpad not connected", s)
	}
	if d.Messages() != 0 {
		t.Errorf("the ignored Launchpad was sent %d messages", d.Messages())
	}
	showtest.WriteFile(t, cfg, "set = \"last\"\n")
	out.Reset()
	if c := run([]string{"play", "--config", cfg, "--audio", "null", "--seconds", "0.2"}, e); c != 0 || !strings.Contains(out.String(), `playing "Click"`) {
		t.Errorf("play of the last set: exit %d:\n%s", c, out.String())
	}
	showtest.WriteFile(t, cfg, "[audio]\nrate = 4410\n")
	if c, _, stderr := gridbox(t, "play", "--config", cfg, "--audio", "null"); c != 1 || !strings.Contains(stderr, "config.toml:2:8: audio.rate 4410 is out of range") {
		t.Errorf("a bad config: exit %d: %q", c, stderr)
	}
}

// listenNotify stands in for systemd: it sets NOTIFY_SOCKET for the test
// and delivers what it heard once STOPPING=1 arrives or the test ends.
func listenNotify(t *testing.T) <-chan []string {
	sock := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	t.Setenv("NOTIFY_SOCKET", sock)
	got := make(chan []string, 1)
	go func() {
		var msgs []string
		buf := make([]byte, 512)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				got <- msgs
				return
			}
			msgs = append(msgs, string(buf[:n]))
			if strings.Contains(string(buf[:n]), "STOPPING=1") {
				got <- msgs
				return
			}
		}
	}()
	return got
}

// Under systemd, play says READY=1 once audio runs, pings the watchdog
// while the engine renders, and says STOPPING=1 at the end.
func TestPlayNotifiesSystemd(t *testing.T) {
	got := listenNotify(t)
	if c, _, stderr := gridbox(t, "play", showtest.ClickSet(t, ""), "--audio", "null", "--seconds", "2.5"); c != 0 {
		t.Fatalf("play: exit %d: %s", c, stderr)
	}
	msgs := <-got
	pings := 0
	for _, m := range msgs {
		if m == "WATCHDOG=1" {
			pings++
		}
	}
	if len(msgs) < 2 || !strings.HasPrefix(msgs[0], "READY=1\nSTATUS=playing Click") || msgs[len(msgs)-1] != "STOPPING=1" || pings < 1 {
		t.Errorf("systemd heard %q; want READY=1 with a status, WATCHDOG=1 pings (one a second), STOPPING=1", msgs)
	}
	t.Logf("systemd heard %q", msgs)
}

// A child is gridbox play running as another process (helperPlay).
type child struct {
	cmd     *exec.Cmd
	started time.Time
	up      time.Duration // from starting the process to its saying it plays
	out     bytes.Buffer  // what it printed; read after done
	at      []time.Time   // when each line of out was read; read after done
	mu      sync.Mutex    // guards lines while it runs
	lines   []string      // what it printed, line by line (next)
	playing chan struct{}
	done    chan struct{}
	exit    int
}

// said returns when the child first printed a line containing s, and
// whether it did. Call it after done.
func (c *child) said(s string) (time.Time, bool) {
	for i, l := range strings.Split(c.out.String(), "\n") {
		if strings.Contains(l, s) && i < len(c.at) {
			return c.at[i], true
		}
	}
	return time.Time{}, false
}

// startChild runs "gridbox ARGS" (XDG_STATE_HOME=state, and env) and
// waits until it says it plays (30 s at most: a guard against a hang, not a
// measure; c.up is the measure).
func startChild(t *testing.T, state, args string, env ...string) *child {
	t.Helper()
	isolate(t)
	c := &child{cmd: exec.Command(os.Args[0], "-test.run=^$"), playing: make(chan struct{}), done: make(chan struct{})}
	c.cmd.Env = append(os.Environ(), append([]string{helperPlayEnv + "=" + args, "XDG_STATE_HOME=" + state}, env...)...)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c.cmd.Stderr = pw
	c.started = time.Now()
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			c.mu.Lock()
			c.out.WriteString(sc.Text() + "\n")
			c.at = append(c.at, time.Now())
			c.lines = append(c.lines, sc.Text())
			c.mu.Unlock()
			if strings.Contains(sc.Text(), "gridbox: playing") && c.up == 0 {
				c.up = time.Since(c.started)
				close(c.playing)
			}
		}
		c.cmd.Wait()
		c.exit = c.cmd.ProcessState.ExitCode()
	}()
	select {
	case <-c.playing:
	case <-time.After(30 * time.Second):
		c.cmd.Process.Kill()
		<-c.done
		t.Fatalf("play never started:\n%s", c.out.String())
	}
	return c
}

// next returns the first line from line from on that contains s (waiting
// for it while the child runs, up to timeout), its index and when it was
// read; ok is false if none came.
func (c *child) next(s string, from int, timeout time.Duration) (line string, i int, at time.Time, ok bool) {
	for deadline := time.Now().Add(timeout); ; time.Sleep(5 * time.Millisecond) {
		c.mu.Lock()
		for i = from; i < len(c.lines); i++ {
			if strings.Contains(c.lines[i], s) {
				line, at = c.lines[i], c.at[i]
				c.mu.Unlock()
				return line, i, at, true
			}
		}
		c.mu.Unlock()
		select {
		case <-c.done:
			return "", from, time.Time{}, false
		default:
		}
		if time.Now().After(deadline) {
			return "", from, time.Time{}, false
		}
	}
}

// stop ends c with sig and returns what it printed.
func (c *child) stop(sig syscall.Signal) string {
	c.cmd.Process.Signal(sig)
	<-c.done
	return c.out.String()
}

// A set that takes gridbox down within a minute of loading, three times in
// a row (here: SIGKILL while it plays), is not loaded the fourth time:
// play starts in safe mode, audio running, and says why. A clean exit of
// the safe-mode run lets the next start try the set again.
func TestSafeModeAfterThreeCrashes(t *testing.T) {
	state := t.TempDir()
	set := showtest.ClickSet(t, "")
	cfg := filepath.Join(t.TempDir(), "config.toml")
	showtest.WriteFile(t, cfg, "set = "+strconv.Quote(set)+"\n")
	args := "play --config " + cfg + " --audio null --seconds 30"
	for range 3 {
		startChild(t, state, args).stop(syscall.SIGKILL)
	}
	if s := startChild(t, state, args).stop(syscall.SIGTERM); !strings.Contains(s, "SAFE MODE: "+set+" stopped gridbox 3 times in a row") || !strings.Contains(s, `playing "safe mode"`) {
		t.Fatalf("the fourth run after three crashes:\n%s", s)
	}
	if s := startChild(t, state, args).stop(syscall.SIGTERM); strings.Contains(s, "SAFE MODE") || !strings.Contains(s, `playing "Click"`) {
		t.Errorf("after the safe-mode run the set was not tried again:\n%s", s)
	}
}

// The config gridbox install writes is one play --config reads: as written
// and with every commented-out setting switched on.
func TestInstalledConfigParses(t *testing.T) {
	files, err := install.Plan(install.Options{User: "nobody", Set: "last", Binary: "/usr/local/bin/gridbox", Root: t.TempDir(), MemLimit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Path != install.ConfigPath {
			continue
		}
		if _, err := config.Parse("config.toml", f.Content); err != nil {
			t.Fatalf("as written: %v\n%s", err, f.Content)
		}
		var on []string
		switched := 0
		for _, line := range strings.Split(string(f.Content), "\n") {
			if rest, ok := strings.CutPrefix(line, "# "); ok && strings.Contains(rest, " = ") && !strings.Contains(rest, "  ") {
				line = rest
				switched++
			}
			on = append(on, line)
		}
		if switched < 5 {
			t.Fatalf("only %d commented-out settings found:\n%s", switched, f.Content)
		}
		if _, err := config.Parse("config.toml", []byte(strings.Join(on, "\n"))); err != nil {
			t.Fatalf("every setting on: %v\n%s", err, strings.Join(on, "\n"))
		}
		return
	}
	t.Fatal("install writes no config")
}

// What plays when gridbox stops (SIGTERM, --seconds) is saved beside the
// set, never in it, and the next play resumes it: mixer strips at once,
// clips from the first bar.
func TestStateIsSavedAndResumed(t *testing.T) {
	set := showtest.ClickSet(t, "")
	before, _ := os.ReadFile(set)
	perf := filepath.Join(filepath.Dir(set), "launch.perf")
	showtest.WriteFile(t, perf, "0b press 0 0\n")
	if c, _, stderr := gridbox(t, "play", set, "--audio", "null", "--events", perf, "--seconds", "0.5"); c != 0 {
		t.Fatalf("first play: %s", stderr)
	}
	after, _ := os.ReadFile(set)
	if !bytes.Equal(before, after) {
		t.Fatal("play wrote the set file")
	}
	gens, _ := filepath.Glob(filepath.Join(filepath.Dir(set), ".gridbox-state", "click.toml.*.state"))
	if len(gens) == 0 {
		t.Fatal("no state generation saved beside the set")
	}
	c, _, stderr := gridbox(t, "play", set, "--audio", "null", "--seconds", "0.5")
	if c != 0 || !strings.Contains(stderr, "resumed the state") || !strings.Contains(stderr, "peak voices 1") {
		t.Errorf("second play did not resume the clip: exit %d\n%s", c, stderr)
	}
}

// A config's [state] dir keeps the state there, not beside the set (a set
// folder the service may not write in), and the next play resumes it.
func TestStateDirFromTheConfig(t *testing.T) {
	set := showtest.ClickSet(t, "")
	perf := filepath.Join(filepath.Dir(set), "launch.perf")
	showtest.WriteFile(t, perf, "0b press 0 0\n")
	dir := filepath.Join(t.TempDir(), "state")
	cfg := filepath.Join(t.TempDir(), "config.toml")
	showtest.WriteFile(t, cfg, "[state]\ndir = \""+dir+"\"\n")
	if c, _, stderr := gridbox(t, "play", set, "--config", cfg, "--audio", "null", "--events", perf, "--seconds", "0.5"); c != 0 {
		t.Fatalf("first play: %s", stderr)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(set), ".gridbox-state")); err == nil {
		t.Error("state saved beside the set too")
	}
	gens, _ := filepath.Glob(filepath.Join(dir, "click.toml-*.*.state"))
	if len(gens) == 0 {
		t.Fatalf("no state generation in the configured folder %s", dir)
	}
	c, _, stderr := gridbox(t, "play", set, "--config", cfg, "--audio", "null", "--seconds", "0.5")
	if c != 0 || !strings.Contains(stderr, "resumed the state") || !strings.Contains(stderr, "peak voices 1") {
		t.Errorf("second play did not resume the clip: exit %d\n%s", c, stderr)
	}
}

// Without --config, play reads the user's config file when there is one
// ($XDG_CONFIG_HOME/gridbox/config.toml), and plays on defaults when not.
func TestPlayReadsTheUserConfig(t *testing.T) {
	isolate(t)
	set := showtest.ClickSet(t, "")
	if c, _, stderr := gridbox(t, "play", set, "--audio", "null", "--seconds", "0.2"); c != 0 {
		t.Fatalf("no user config: exit %d: %s", c, stderr)
	}
	cfg := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "gridbox", "config.toml")
	showtest.WriteFile(t, cfg, "[audio]\nrate = 1\n")
	c, _, stderr := gridbox(t, "play", set, "--audio", "null", "--seconds", "0.2")
	if c != 1 || !strings.Contains(stderr, cfg+":2:8: audio.rate 1 is out of range") {
		t.Errorf("a bad user config: exit %d: %q; want it reported", c, stderr)
	}
}

// A footswitch pin this machine does not have is a config error naming
// the line, not a crash; with no pins configured nothing is opened.
func TestMissingPinIsAConfigError(t *testing.T) {
	if _, err := os.Stat("/sys/class/gpio"); err == nil {
		t.Skip("this machine has GPIO: the pin may exist")
	}
	cfg := filepath.Join(t.TempDir(), "config.toml")
	showtest.WriteFile(t, cfg, "[gpio]\nfootswitch = \"GPIO17\"\n")
	c, _, stderr := gridbox(t, "play", showtest.ClickSet(t, ""), "--config", cfg, "--audio", "null", "--seconds", "0.2")
	if c != 1 || !strings.Contains(stderr, cfg+":2:14: gpio: pin GPIO17: no such pin on this machine") {
		t.Errorf("exit %d: %q", c, stderr)
	}
}

// T11's process level: the sound card is pulled out and closing it hangs.
// Play notices, keeps time on the fallback clock, and when the Close has
// blocked for 2 s it saves the state, stops pinging the watchdog and exits
// with code 4: it says so, and at least 2 s pass between its saying the
// device was lost and its exit (how soon it notices, within 10 periods,
// and the 2 s exactly are supervise's, proven in virtual time; a busy
// machine only adds to them). Started again (as systemd would), it resumes
// the saved state with audio running within 3 s or, on a machine so busy
// that the first start (with nothing to resume) took longer, within a
// second of what that took in the same run.
func TestHungAudioBackendExitsAndTheRestartResumes(t *testing.T) {
	state := t.TempDir()
	set := showtest.ClickSet(t, "")
	perf := filepath.Join(filepath.Dir(set), "launch.perf")
	showtest.WriteFile(t, perf, "0b press 0 0\n")
	got := listenNotify(t)
	c := startChild(t, state, "play "+set+" --events "+perf+" --seconds 30", hangAfterEnv+"=1.5s")
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		c.cmd.Process.Kill()
		<-c.done
		t.Fatalf("play did not exit after its audio backend hung:\n%s", c.out.String())
	}
	exited := time.Now()
	out := c.out.String()
	t.Logf("first run: playing after %.2f s, exit %d after %.2f s:\n%s", c.up.Seconds(), c.exit, exited.Sub(c.started).Seconds(), out)
	if c.exit != 4 {
		t.Errorf("exit %d, want 4 (audio backend hung)", c.exit)
	}
	for _, want := range []string{
		"gridbox: audio device lost (no audio callback for ",
		"gridbox: the audio backend hung: Close blocked for 2.0 s; stopping so that systemd starts gridbox afresh",
		"gridbox: stopped (the audio backend hung)",
		"gridbox play: supervise: audio backend hung: Close blocked for ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the first run did not say %q", want)
		}
	}
	if lost, ok := c.said("gridbox: audio device lost"); ok {
		t.Logf("exited %.2f s after saying the device was lost", exited.Sub(lost).Seconds())
		if exited.Sub(lost) < 2*time.Second {
			t.Errorf("exited %.2f s after saying the device was lost, before the 2 s a Close may block", exited.Sub(lost).Seconds())
		}
	}
	msgs := <-got
	if len(msgs) < 3 || !strings.HasPrefix(msgs[0], "READY=1") || msgs[len(msgs)-1] != "STOPPING=1" {
		t.Errorf("systemd heard %q; want READY=1, pings, STOPPING=1", msgs)
	}

	restart := startChild(t, state, "play "+set+" --audio null --seconds 30")
	out = restart.stop(syscall.SIGTERM)
	t.Logf("restart: playing after %.2f s (the first start, with nothing to resume: %.2f s):\n%s", restart.up.Seconds(), c.up.Seconds(), out)
	if limit := max(3*time.Second, c.up+time.Second); restart.up > limit {
		t.Errorf("the restart played after %.2f s, want ≤ %.2f s (3 s, or the first start's %.2f s and a second)", restart.up.Seconds(), limit.Seconds(), c.up.Seconds())
	}
	if !strings.Contains(out, "resumed the state") || !strings.Contains(out, "peak voices 1") {
		t.Errorf("the restart did not resume the playing clip")
	}
}
