//go:build portaudio

package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"gridbox/audio"
	"gridbox/audio/portaudio"
	"gridbox/engine"
	"gridbox/internal/jackprobe"
	"gridbox/internal/testlock"
	"gridbox/show"
	"gridbox/show/showtest"
)

// The PortAudio test runs the device in a child process (this test binary
// re-executed), because libasound reads ALSA_CONFIG_PATH once per process.
const paChildEnv = "GRIDBOX_CMD_PA_CHILD"

func init() {
	children = append(children, childMain{paChildEnv, func(spec string) int {
		if err := paChild(strings.Split(spec, "|")); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			return 1
		}
		return 0
	}})
}

// paChild plays set with script through the default PortAudio device for
// frames frames, running the session inside the render goroutine: the ALSA
// file plugin is not paced, so only a session advanced in step with
// rendering keeps every command on time.
func paChild(args []string) error {
	set, script := args[0], args[1]
	frames, _ := strconv.Atoi(args[2])
	const rate = 48000
	p, err := show.Open(&show.Env{Stdout: os.Stdout, Stderr: os.Stderr}, set, script, rate)
	if err != nil {
		return err
	}
	defer p.Close()
	// The file plugin is not paced: its callback would drain the ring faster
	// than any renderer fills it. A ring that holds the whole signal is
	// filled before the stream starts, so the capture is the signal itself.
	dev, err := portaudio.Open(portaudio.Config{Input: "none", Rate: rate, Block: show.RenderBlock, Lead: frames/show.RenderBlock + 2, Channels: 2, Priority: -1})
	if err != nil {
		return err
	}
	var pos atomic.Int64
	err = dev.Start(audio.RendererFunc(func(out []float32) {
		at := engine.Frame(pos.Load())
		n := engine.Frame(len(out) / 2)
		if at >= engine.Frame(frames) {
			clear(out) // done: silence until the parent's capture ends
		} else {
			p.Advance(at + n)
			p.Player().Render(out)
		}
		pos.Add(int64(n))
	}))
	if err != nil {
		return err
	}
	// Close once PortAudio has been handed the whole signal and a second
	// more (rendering finishes long before the callback has played it).
	deadline := time.Now().Add(30 * time.Second)
	for dev.Counters().Frames < uint64(frames+rate) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if err := dev.Close(); err != nil {
		return err
	}
	if pos.Load() < int64(frames) {
		return fmt.Errorf("rendered only %d of %d frames", pos.Load(), frames)
	}
	return nil
}

// TestClickTrackThroughPortAudio renders a click track with the real engine
// and sequencer through the PortAudio backend into ALSA's file plugin, and
// checks the capture: clicks exactly one beat apart, and every frame equal to
// the offline render of the same set and script (so nothing was dropped,
// doubled or altered on the way).
func TestClickTrackThroughPortAudio(t *testing.T) {
	set := showtest.ClickSet(t, "")
	dir := filepath.Dir(set)
	script := filepath.Join(dir, "click.perf")
	showtest.WriteFile(t, script, "0b press 0 0\n")
	const frames = 6 * 24000 // 6 beats

	// Offline reference.
	ref := filepath.Join(dir, "ref.wav")
	if code, _, stderr := gridbox(t, "render", set, "--events", script, "--seconds", "3", "-o", ref); code != 0 {
		t.Fatal(stderr)
	}
	want := showtest.ReadWAV(t, ref)

	// Through PortAudio.
	capture := filepath.Join(dir, "capture.raw")
	tmpl, err := os.ReadFile("../../audio/portaudio/testdata/file-standalone.conf.in")
	if err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "alsa.conf")
	showtest.WriteFile(t, conf, strings.ReplaceAll(string(tmpl), "@OUTFILE@", capture))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), paChildEnv+"="+set+"|"+script+"|"+strconv.Itoa(frames),
		"ALSA_CONFIG_PATH="+conf, "JACK_NO_START_SERVER=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(capture)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]float32, len(raw)/4)
	for i := range got {
		got[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}

	// Align on the first click (PortAudio writes some silence first).
	first := func(d []float32) int {
		for i := 0; i+1 < len(d); i += 2 {
			if d[i] != 0 {
				return i / 2
			}
		}
		return -1
	}
	g0, w0 := first(got), first(want.Data)
	if g0 < 0 || w0 != 0 {
		t.Fatalf("first click: capture %d, offline %d (want 0)", g0, w0)
	}
	var clicks []int
	for f := 0; f < frames-w0; f++ {
		gi, wi := 2*(g0+f), 2*(w0+f)
		if gi+1 >= len(got) {
			t.Fatalf("capture ends after %d frames of %d", f, frames-w0)
		}
		if got[gi] != want.Data[wi] || got[gi+1] != want.Data[wi+1] {
			t.Fatalf("frame %d after the first click: captured %v,%v, offline %v,%v", f, got[gi], got[gi+1], want.Data[wi], want.Data[wi+1])
		}
		if got[gi] != 0 {
			clicks = append(clicks, f)
		}
	}
	if len(clicks) != 6 {
		t.Fatalf("clicks at %v, want 6", clicks)
	}
	for i, c := range clicks {
		if c != 24000*i {
			t.Fatalf("click %d at %d frames after the first, want %d", i, c, 24000*i)
		}
	}
	t.Logf("PortAudio wrote %d frames of silence first; %d frames matched the offline render exactly; clicks %v", g0, frames-w0, clicks)
}

// TestPlayThroughJACKInRealTime runs "gridbox play" itself, session
// goroutine and all, through PortAudio's JACK host API on jackd's dummy
// backend (real-time pacing, 128-frame periods at 48 kHz) for 3 s: every
// command must reach the engine before its frame (0 late commands), the
// device must have rendered the 1125 blocks of 3 s (play stops by frames,
// not by the wall clock: a few more for the click-free end), and the show
// must end as the flags say. The underruns are judged against the xruns a
// trivial JACK client (jackprobe) heard of on the same server in the same
// run, since jackd flags its own to every client. The child's limit on a
// hung backend call is 10 s, not 2 s: PortAudio's Open in a race build on
// a busy machine takes seconds, and that limit is not this test's subject.
func TestPlayThroughJACKInRealTime(t *testing.T) {
	if _, err := exec.LookPath("jackd"); err != nil {
		t.Skip("jackd not installed (scripts/setup.sh --test installs jackd2)")
	}
	if testing.Short() {
		t.Skip("real-time test: -short leaves it out")
	}
	name := fmt.Sprintf("gridbox-cmd-test-%d", os.Getpid())
	jackd := startJackd(t, name)
	t.Cleanup(func() { stopJackd(jackd) })
	probe, err := jackprobe.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close()

	set := showtest.ClickSet(t, "")
	script := filepath.Join(filepath.Dir(set), "click.perf")
	showtest.WriteFile(t, script, "0b scene 0\n")
	isolate(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), runChildEnv+"=play|"+set+"|--events|"+script+"|--seconds|3|--audio|portaudio",
		"JACK_DEFAULT_SERVER="+name, "JACK_NO_START_SERVER=1", hungEnv+"=10s")
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("gridbox play: %v\n%s", err, b)
	}
	// gridbox: stopped (3 s played) at 2.3: B blocks, U underruns, W late device wakes, max DSP load L%, peak voices P, late commands C
	// (singular where it is 1: "1 underrun")
	i := strings.Index(string(b), "gridbox: stopped (3 s played) at ")
	if i < 0 {
		t.Fatalf("no final status line:\n%s", b)
	}
	m := stoppedRE.FindStringSubmatch(string(b[i:]))
	if m == nil {
		t.Fatalf("final status line does not read:\n%s", b[i:])
	}
	n := make([]int, len(m)-1)
	for k := range n {
		n[k], _ = strconv.Atoi(m[k+1])
	}
	blocks, underruns, voices, late := n[0], n[1], n[4], n[5]
	at := strings.Fields(string(b[i+len("gridbox: stopped (3 s played) at "):]))[0]
	xruns := int(probe.Xruns())
	t.Logf("%s (the probe heard of %d xruns)", strings.TrimSpace(string(b[i:])), xruns)
	if late != 0 {
		t.Errorf("%d commands reached the engine after their frame", late)
	}
	// 3 s is 1125 blocks; the click-free end adds a few (its fades, and
	// the blocks of a short sleep before the stream is closed).
	if blocks < 1125 || blocks > 1125*115/100 {
		t.Errorf("%d blocks rendered for 3 s of frames, want 1125 and a few", blocks)
	}
	if underruns > blocks/4+xruns {
		t.Errorf("%d underruns in %d blocks while the server had %d xruns", underruns, blocks, xruns)
	}
	if voices != 1 || at != "2.3:" {
		t.Errorf("peak voices %d, stopped at %q; want 1 voice and bar 2 beat 3 (3 s at 120 BPM)", voices, at)
	}
}

// startJackd starts a JACK server called name on the dummy backend and
// returns its process: a handle on that very process (a pidfd), which
// cannot signal another that is given its pid later.
func startJackd(t *testing.T, name string) *os.Process {
	t.Helper()
	return startJackdInputs(t, name, 2)
}

// startJackdInputs is startJackd with inputs capture ports (PortAudio's
// JACK device "system" has as many input channels).
func startJackdInputs(t *testing.T, name string, inputs int) *os.Process {
	t.Helper()
	testlock.Exclusive(t) // no browser starting beside a real-time server
	start := exec.Command("../../scripts/jackd-dummy.sh", name, "48000", "128", strconv.Itoa(inputs))
	if os.Geteuid() == 0 {
		// Without realtime priority, jackd's dummy driver itself falls
		// behind on a loaded 2-core machine.
		start.Env = append(os.Environ(), "JACKD_REALTIME=1")
	}
	var serr strings.Builder
	start.Stderr = &serr
	out, err := start.Output()
	if err != nil {
		t.Fatalf("scripts/jackd-dummy.sh: %v\n%s", err, serr.String())
	}
	pid, err := strconv.Atoi(strings.Fields(string(out))[0])
	if err != nil {
		t.Fatalf("scripts/jackd-dummy.sh printed %q", out)
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// stopJackd ends jackd with SIGTERM (which lets it clean up its shared
// memory), and SIGKILL if it does not go within 3 s. Stopping it again does
// nothing: p never signals another process given the same pid since.
func stopJackd(p *os.Process) {
	if p.Signal(syscall.SIGTERM) != nil {
		return // already gone
	}
	for i := 0; i < 30 && p.Signal(syscall.Signal(0)) == nil; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	p.Kill()
}

// T11 on real parts: the JACK server under PortAudio dies while gridbox
// plays (as a USB card vanishes). gridbox must notice, and since PortAudio
// 19.6 cannot let go of a JACK client whose server died (it hangs or
// aborts the process), say that only a new process can play again and exit
// with status 4 for systemd to restart it, without hanging or crashing; the
// restart, with a server back, resumes the playing clip, and starts within
// 3 s or, on a machine so busy that a start without state to resume took
// longer, within a second of what that start took in the same run. The
// child's limit on a hung backend call is 10 s, not 2 s: PortAudio's Open
// in a race build on a busy machine takes seconds, and a hang would show
// as the wrong reason to exit.
func TestJACKServerDeath(t *testing.T) {
	if _, err := exec.LookPath("jackd"); err != nil {
		t.Skip("jackd not installed (scripts/setup.sh --test installs jackd2)")
	}
	if testing.Short() {
		t.Skip("real-time test: -short leaves it out")
	}
	name := fmt.Sprintf("gbx-death-%d", os.Getpid()) // JACK takes short names only
	jackd := startJackd(t, name)
	t.Cleanup(func() {
		stopJackd(jackd)
		// The semaphores of the client that died hanging.
		junk, _ := filepath.Glob("/dev/shm/jack_sem.*_" + name + "*")
		for _, f := range junk {
			os.Remove(f)
		}
	})
	isolate(t)
	state := t.TempDir()
	set := showtest.ClickSet(t, "")
	script := filepath.Join(filepath.Dir(set), "click.perf")
	showtest.WriteFile(t, script, "0b press 0 0\n")
	server := name
	play := func(args ...string) (*exec.Cmd, <-chan string) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), runChildEnv+"="+strings.Join(append([]string{"play", set, "--audio", "portaudio"}, args...), "|"),
			"JACK_DEFAULT_SERVER="+server, "JACK_NO_START_SERVER=1", "XDG_STATE_HOME="+state, hungEnv+"=10s")
		r, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 100)
		go func() {
			defer close(lines)
			sc := bufio.NewScanner(r)
			for sc.Scan() {
				lines <- sc.Text()
			}
		}()
		return cmd, lines
	}
	// until reads lines until one contains want, and returns how long
	// since t0 it took; limit is a guard against a hang, not a measure.
	var said []string
	until := func(lines <-chan string, want string, t0 time.Time, limit time.Duration) time.Duration {
		t.Helper()
		timeout := time.After(limit)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("gridbox ended before saying %q:\n%s", want, strings.Join(said, "\n"))
				}
				said = append(said, l)
				if strings.Contains(l, want) {
					return time.Since(t0)
				}
			case <-timeout:
				t.Fatalf("gridbox did not say %q within %v:\n%s", want, limit, strings.Join(said, "\n"))
			}
		}
	}

	started := time.Now()
	cmd, lines := play("--events", script, "--seconds", "30")
	first := until(lines, "gridbox: playing", started, 30*time.Second) // a start with no state to resume
	time.Sleep(1500 * time.Millisecond)                                // the clip plays, its state is saved
	t0 := time.Now()
	stopJackd(jackd) // returns once jackd is gone, which takes a while
	until(lines, "gridbox: audio device lost", t0, 20*time.Second)
	exited := make(chan struct{})
	go func() {
		for l := range lines {
			said = append(said, l)
		}
		close(exited)
	}()
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-exited
		t.Fatalf("gridbox did not exit within 30 s of losing JACK:\n%s", strings.Join(said, "\n"))
	}
	cmd.Wait()
	took := time.Since(t0)
	out := strings.Join(said, "\n")
	t.Logf("gridbox said:\n%s", out)
	t.Logf("exited %v after jackd was told to stop", took)
	if code := cmd.ProcessState.ExitCode(); code != 4 || !strings.Contains(out, "gridbox: the audio backend can play again only in a new process (portaudio: the JACK server stopped calling back") {
		t.Fatalf("exit %d: want 4 after saying that PortAudio's JACK client needs a new process (exit 2 and silence: PortAudio aborted the process; \"hung\": it hung)", code)
	}
	// A server of another name: the dead client's semaphores in /dev/shm
	// can upset a new server of the same name.
	server = name + "b"
	jackd = startJackd(t, server)

	// As systemd would: start again; the clip resumes.
	started = time.Now()
	cmd, lines = play("--seconds", "1")
	up := until(lines, "gridbox: playing", started, 30*time.Second)
	for l := range lines {
		said = append(said, l)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("restart: %v\n%s", err, strings.Join(said, "\n"))
	}
	out = strings.Join(said, "\n")
	t.Logf("restart played after %v; the first start, with nothing to resume, after %v", up, first)
	if !strings.Contains(out, "resumed the state") || !strings.Contains(out, "peak voices 1") {
		t.Errorf("the restart did not resume the playing clip:\n%s", out)
	}
	if limit := max(3*time.Second, first+time.Second); up > limit {
		t.Errorf("the restart played after %v, want ≤ %v (3 s, or the first start's %v and a second)", up, limit, first)
	}
}
