package show

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"gridbox/engine"
	"gridbox/sequencer"
	"gridbox/sets"
	"gridbox/show/showtest"
)

// logLine is one line of a --midi-log.
type logLine struct {
	frame int64
	port  string
	out   bool
	bytes string // hex, upper case, space-separated
}

func parseMIDILog(t *testing.T, log string) []logLine {
	t.Helper()
	var out []logLine
	for _, l := range strings.Split(strings.TrimSpace(log), "\n") {
		f := strings.SplitN(l, " ", 4)
		if len(f) != 4 {
			t.Fatalf("log line %q", l)
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, logLine{frame: n, port: f[1], out: f[2] == "out", bytes: f[3]})
	}
	return out
}

// clockSet is a 4/4 set at 120 BPM (a tick is 1000 frames at 48 kHz) of
// a 1-bar click loop in scene 0, scene 1 at tempo (0: none), and the
// [midi] table's text.
func clockSet(tempo float64, midi string) string {
	scene1 := ""
	if tempo > 0 {
		scene1 = fmt.Sprintf("tempo = %g\n", tempo)
	}
	return "tempo = 120\nquantize = \"1 bar\"\n[[scene]]\nname = \"A\"\n[[scene]]\nname = \"B\"\n" + scene1 +
		clickTrack("Click", "click.wav", "1 bar") + "  [[track.clip]]\n  scene = 1\n  sample = \"click.wav\"\n  loop = true\n  length = \"1 bar\"\n" +
		"[midi]\n" + midi + "\n"
}

// TestClockOutMaster: as the master, gridbox sends F8 on every 24th of a
// beat of its grid, exactly at the grid's frames whatever the block size,
// FA at the first clip's start, FC where the stop-all stops the last one,
// SPP and FB where clips start again (the beats since the FA: the
// follower stays on gridbox's bars), ticks following a scene's tempo
// change, and FC at the render's end; to every clock_out port.
func TestClockOutMaster(t *testing.T) {
	script := "0b press 0 0\n8b stopall\n13b press 0 1\n20b end\n" // scene 1 at 90 BPM from beat 16
	var first []logLine
	for _, block := range []int{64, 128, 333} {
		dir := reloadDir(t)
		got := parseMIDILog(t, renderMIDI(t, dir, block, map[string]string{
			"set.toml":    clockSet(90, `clock_out = ["TR-8", "Pad"]`),
			"script.perf": strings.Replace(script, "13b press 0 1", "13b scene 1", 1),
		}))
		// The grid: 120 BPM to beat 16 (frame 384000), then 90 BPM (a tick
		// is 1333⅓ frames); the end at beat 20, frame 384000 + 4·32000.
		tick := func(k int) int64 {
			if k <= 16*24 {
				return int64(k) * 1000
			}
			return 384000 + int64(math.Round(float64(k-16*24)*4000/3))
		}
		const end = 384000 + 4*32000
		// FC first at the start: a follower a crash left running stops.
		transport := map[int64][]string{0: {"FC", "FA"}, 192000: {"FC"}, 384000: {"F2 40 00", "FB"}}
		var want []string
		for k := 0; tick(k) < end; k++ {
			for _, m := range transport[tick(k)] {
				want = append(want, fmt.Sprintf("%d %s", tick(k), m))
			}
			want = append(want, fmt.Sprintf("%d F8", tick(k)))
		}
		// The render commits ahead of its end, the clock with it: the FC
		// at the end comes after the last tick sent.
		if l := got[len(got)-1]; l.port != "Pad" || l.bytes != "FC" || l.frame < end || got[len(got)-2].bytes != "FC" {
			t.Errorf("block %d: the log ends with %+v, want FC at %d or later on each port", block, got[len(got)-2:], end)
		}
		var tr8, pad []string
		for _, l := range got {
			if !l.out || l.frame >= end {
				continue
			}
			switch l.port {
			case "TR-8":
				tr8 = append(tr8, fmt.Sprintf("%d %s", l.frame, l.bytes))
			case "Pad":
				pad = append(pad, fmt.Sprintf("%d %s", l.frame, l.bytes))
			}
		}
		if d := firstDiff(tr8, want); d != "" {
			t.Errorf("block %d: TR-8: %s", block, d)
		}
		if d := firstDiff(pad, tr8); d != "" {
			t.Errorf("block %d: Pad differs from TR-8: %s", block, d)
		}
		var before []logLine
		for _, l := range got {
			if l.frame < end {
				before = append(before, l)
			}
		}
		if first == nil {
			first = before
		} else if fmt.Sprint(before) != fmt.Sprint(first) {
			t.Errorf("block %d: the log differs from block 64's", block)
		}
	}
}

// firstDiff describes the first difference between got and want, or "".
func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("message %d is %q, want %q (%d messages, want %d)", i, got[i], want[i], len(got), len(want))
		}
	}
	if len(got) != len(want) {
		return fmt.Sprintf("%d messages, want %d", len(got), len(want))
	}
	return ""
}

// source is a scripted MIDI clock source: its ticks' true frames
// (fractional) and song positions (-1: stopped), and the script lines
// that play it with ±jitter seconds of uniform jitter on each tick.
type source struct {
	rate  float64
	frame []float64
	pos   []float64
	at    []int64 // the frames the lines play at (jittered)
	lines []string
	t     float64 // the next tick's true time
	rng   *rand.Rand
	jit   float64
}

// ticks adds n ticks at bpm; pos0 ≥ 0 is the song position of the first
// (running), or -1 (stopped). first are bytes sent before the first
// tick's F8 (fa, fb, fc, f2 …), at its time.
func (s *source) ticks(n int, bpm float64, pos0 float64, first string) {
	for i := range n {
		t := s.t + (s.rng.Float64()*2-1)*s.jit
		b := "f8"
		if i == 0 && first != "" {
			b = first + " f8"
		}
		ts := fmt.Sprintf("%.7f", t)
		v, _ := strconv.ParseFloat(ts, 64)
		s.at = append(s.at, int64(math.Round(v*s.rate)))
		s.lines = append(s.lines, fmt.Sprintf("%ss midi-in \"MPC Studio\" %s", ts, b))
		s.frame = append(s.frame, s.t*s.rate)
		p := -1.0
		if pos0 >= 0 {
			p = pos0 + float64(i)/24
		}
		s.pos = append(s.pos, p)
		s.t += 60 / bpm / 24
	}
}

// beat returns the source's true song position at frame f, and whether
// it runs there (between two running ticks).
func (s *source) beat(f float64) (float64, bool) {
	i := sort.SearchFloat64s(s.frame, f)
	if i == 0 || i >= len(s.frame) || s.pos[i-1] < 0 || s.pos[i] < 0 {
		return 0, false
	}
	a, b := s.frame[i-1], s.frame[i]
	return s.pos[i-1] + (f-a)/(b-a)/24, true
}

// tickFrame returns tick n's true frame.
func (s *source) tickFrame(n int) float64 { return s.frame[n] }

// TestClockInFollows: gridbox follows a scripted clock with ±1 ms jitter
// through a Start, a tempo step 120 → 128, a Stop, a Song Position
// Pointer and Continue, and a loss: the grid's beat error, its tempo error
// and the time it takes to follow the step are measured each turn against
// the source's true (unjittered) beats, and a 1-bar click loop's clicks
// (its launches and restarts, on the followed grid's bars) against the
// source's true bars. go test -v prints the figures.
func TestClockInFollows(t *testing.T) {
	const rate = 48000
	src := &source{rate: rate, t: 0.05, rng: rand.New(rand.NewPCG(12, 1)), jit: 0.001}
	src.ticks(48, 120, -1, "")             // 2 beats stopped: tempo only
	src.ticks(8*96, 120, 0, "fa")          // Start: 8 bars at 120
	stepTick := len(src.frame)             // song position 32
	src.ticks(4*96+48, 128, 32, "")        // 4½ bars at 128
	stopTick := len(src.frame)             // Stop half-way through bar 13
	src.ticks(48, 128, -1, "fc")           // half a bar stopped
	contTick := len(src.frame)             // SPP 8 beats, Continue
	src.ticks(2*96, 128, 8, "f2 20 00 fb") // 2 bars, then silence
	lastTick := len(src.frame) - 1
	end := src.t + 8                            // seconds: 500 ms to the loss, then free-running
	bar := func(n int) int { return 48 + 96*n } // the tick of song bar n (n from 0) before the stop
	at := func(tick int) string { return fmt.Sprintf("%.7fs", src.tickFrame(tick)/rate) }
	script := strings.Join(src.lines, "\n") + "\n" +
		"0s press 0 0\n" + // on the free grid, until the Start
		at(bar(3)+48) + " press 0 1\n" + // lands on song bar 4
		at(bar(10)+48) + " press 0 0\n" + // lands on song bar 11, at 128
		fmt.Sprintf("%.3fs end\n", end)

	dir := reloadDir(t)
	showtest.WriteFile(t, filepath.Join(dir, "set.toml"), clockSet(0, `clock_in = "MPC"`+"\n"+`clock_out = ["Pad"]`))
	showtest.WriteFile(t, filepath.Join(dir, "script.perf"), script)
	var errb bytes.Buffer
	e := &Env{Stdout: &errb, Stderr: &errb}
	type sample struct{ f, beat, est float64 }
	var samples []sample
	est := 0.0 // the follower's tempo estimate, steering from the horizon
	e.ClockIn = func(at engine.Frame, bpm float64) { est = bpm }
	e.Turn = func(s *sequencer.Session, now engine.Frame) {
		samples = append(samples, sample{float64(now), float64(s.Clock().Beat(now)), est})
	}
	out, logFile := filepath.Join(dir, "out.wav"), filepath.Join(dir, "midi.txt")
	sf, _ := ParseSampleFormat("f32")
	if err := Render(e, RenderConfig{Set: filepath.Join(dir, "set.toml"), Events: filepath.Join(dir, "script.perf"), Out: out, Rate: rate, Format: sf, MIDILog: logFile}); err != nil {
		t.Fatalf("render: %v\n%s", err, errb.String())
	}
	logText, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	checkRelay(t, parseMIDILog(t, string(logText)), src, stepTick, stopTick, contTick)
	if !strings.Contains(errb.String(), `MIDI clock from "MPC" lost at`) {
		t.Errorf("the loss was not said:\n%s", errb.String())
	}

	// Each turn: the grid's beat against the source's, the follower's
	// tempo estimate (the grid's tempo but for the phase correction) and
	// the grid's tempo over the last beat against the source's.
	const beatMs = 1.0
	startF, stepF := src.tickFrame(48), src.tickFrame(stepTick)
	var bpmErr2, beatErr, bpmErrStep, beatErrStep, gridErr float64
	follow := 0.0 // frames after the step from which both stay within bounds
	for i, sm := range samples {
		truth, ok := src.beat(sm.f)
		if !ok || sm.f >= src.tickFrame(stopTick) {
			continue
		}
		bpm := 120.0
		if sm.f >= stepF {
			bpm = 128
		}
		eBeat := math.Abs(sm.beat-truth) * 60000 / bpm
		// the grid's tempo over the beat before (beats moved per frame)
		j := i
		for j > 0 && samples[j].f > sm.f-rate*60/bpm {
			j--
		}
		p := samples[j]
		eGrid := math.Abs((sm.beat-p.beat)/(sm.f-p.f)*rate*60 - bpm)
		eBPM := math.Abs(sm.est - bpm)
		switch {
		case sm.f < stepF && sm.f >= startF+2*4*rate/2: // 2 bars after the start
			bpmErr2, beatErr, gridErr = max(bpmErr2, eBPM), max(beatErr, eBeat), max(gridErr, eGrid)
		case sm.f >= stepF && p.f >= stepF:
			if eBPM > 0.1 || eBeat > beatMs {
				follow = sm.f - stepF
			}
			if sm.f >= stepF+4*rate*60/128 { // a bar after the step
				bpmErrStep, beatErrStep, gridErr = max(bpmErrStep, eBPM), max(beatErrStep, eBeat), max(gridErr, eGrid)
			}
		}
	}
	followMs := follow / rate * 1000
	t.Logf("after 2 bars at 120 BPM: tempo error ≤ %.3f BPM, beat error ≤ %.3f ms", bpmErr2, beatErr)
	t.Logf("120 → 128 BPM step followed (±0.1 BPM, ±1 ms from then on) after %.0f ms (a bar is %.0f ms); a bar after it: ≤ %.3f BPM, ≤ %.3f ms",
		followMs, 4*60000/128.0, bpmErrStep, beatErrStep)
	t.Logf("the grid's own tempo over a beat (estimate and phase correction), from 2 bars after the start and a bar after the step: ≤ %.3f BPM off", gridErr)
	if bpmErr2 > 0.1 || beatErr > 1 || bpmErrStep > 0.1 || beatErrStep > 1 || followMs > 4*60000/128.0 || gridErr > 0.2 {
		t.Errorf("following outside the bounds (0.1 BPM, 1 ms, a bar; the grid's tempo over a beat 0.2 BPM)")
	}

	// The clicks: the loop's start and restarts on the followed grid's
	// bars, against the source's true bars.
	b := showtest.ReadWAV(t, out)
	var onsets []float64
	prev := float32(0)
	for i := 0; i < b.Frames(); i++ {
		l := float32(math.Abs(float64(b.Data[2*i])))
		if l > 0.05 && prev <= 0.05 {
			onsets = append(onsets, float64(i))
		}
		prev = l
	}
	var want []float64
	for n := 0; bar(n) < stopTick; n++ {
		want = append(want, src.tickFrame(bar(n)))
	}
	for n := contTick; n <= lastTick; n += 96 {
		want = append(want, src.tickFrame(n))
	}
	worst, worstCont := 0.0, 0.0
	for _, w := range want {
		i := sort.SearchFloat64s(onsets, w-rate/10)
		if i == len(onsets) || math.Abs(onsets[i]-w) > rate/1000 {
			t.Errorf("no click within 1 ms of the source's bar at frame %.1f (nearest %v)", w, onsets[min(i, len(onsets)-1)])
			continue
		}
		if w == src.tickFrame(contTick) {
			// the jump is at the Continue's tick as it came, jitter and all
			worstCont = math.Abs(onsets[i] - w)
			continue
		}
		worst = max(worst, math.Abs(onsets[i]-w))
	}
	t.Logf("clicks on the followed bars: %d, at most %.2f ms off the source's true bars (at the Continue's jittered tick: %.2f ms)",
		len(want), worst/rate*1000, worstCont/rate*1000)
	// Before the Start, on the free grid at 120 BPM: bar 0 only; stopped
	// from the Stop to the Continue: no click there.
	stopF, contF := src.tickFrame(stopTick), src.tickFrame(contTick)
	for _, o := range onsets {
		if o > stopF+rate/100 && o < contF-rate/1000 {
			t.Errorf("a click at %v while the source is stopped (%v to %v)", o, stopF, contF)
		}
	}
	// After the loss, the grid goes on at the last tempo: a bar each
	// 4·60/128 s.
	lostF := src.tickFrame(lastTick) + rate/2
	var after []float64
	for _, o := range onsets {
		if o > lostF {
			after = append(after, o)
		}
	}
	if len(after) < 3 {
		t.Fatalf("%d clicks after the loss, want 3 or more: the grid must run on", len(after))
	}
	for i := 1; i < len(after); i++ {
		if bpm := 4 * 60 * rate / (after[i] - after[i-1]); math.Abs(bpm-128) > 0.1 {
			t.Errorf("after the loss, a bar of %.0f frames: %.3f BPM, want 128 ± 0.1", after[i]-after[i-1], bpm)
		}
	}
}

// TestClockAllocatesNothing: following a clock and sending one (ticks,
// steering, the follower, the ports' log) allocates nothing per turn once
// running, as the rest of the performing path (TestPerformingAllocatesNothing).
func TestClockAllocatesNothing(t *testing.T) {
	const rate = 48000
	src := &source{rate: rate, t: 0.05, rng: rand.New(rand.NewPCG(3, 1)), jit: 0.001}
	src.ticks(24, 120, -1, "")
	src.ticks(60*48, 120, 0, "fa") // a minute
	dir := reloadDir(t)
	showtest.WriteFile(t, filepath.Join(dir, "set.toml"), clockSet(0, `clock_in = "MPC"`+"\n"+`clock_out = ["TR-8"]`))
	showtest.WriteFile(t, filepath.Join(dir, "script.perf"), strings.Join(src.lines, "\n")+"\n0s press 0 0\n")
	e := &Env{Stdout: io.Discard, Stderr: io.Discard}
	mem := e.memory()
	mem.ring = renderRing
	l, p, err := prepare(e, filepath.Join(dir, "set.toml"), filepath.Join(dir, "script.perf"), rate, mem)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	log, err := openMIDILog(filepath.Join(dir, "midi.txt"))
	if err != nil {
		t.Fatal(err)
	}
	p.midi.log = log
	defer log.abort()
	p.startMIDI(0)
	// 15 s first: the tempo map's memory (10 s) fills up.
	if n, where := performAllocs(t, e, p, rate, 15, 30); n != 0 {
		t.Fatalf("%d heap allocations while following and sending a clock for 30 s, want 0; where:\n%s", n, where)
	}
	if !p.clock.follow.Running() || p.clock.out == nil || len(p.clock.msgs) == 0 && p.clock.sent == 0 {
		t.Fatalf("the clock did not run: following %v", p.clock.follow.Running())
	}
}

// checkRelay checks the --midi-log of a slave that sends its clock on to
// "Pad": every byte the source sent is logged as "in" at its line's frame,
// and "Pad" gets the source's transport at the same frames (FA before the
// Start's tick, FC at the Stop, SPP and FB before the Continue's tick)
// and ticks on the followed grid: 24 a beat, 1/24 beat apart to within the
// grid's steering (±0.2%) before the tempo step and from a bar after it.
func checkRelay(t *testing.T, log []logLine, src *source, stepTick, stopTick, contTick int) {
	t.Helper()
	ins := 0
	var ticks []int64
	transport := map[string][]int64{}
	for _, l := range log {
		switch {
		case !l.out && l.port == "MPC":
			ins++
		case l.out && l.port == "Pad" && l.bytes == "F8":
			ticks = append(ticks, l.frame)
		case l.out && l.port == "Pad":
			transport[l.bytes] = append(transport[l.bytes], l.frame)
		default:
			t.Errorf("log line %+v", l)
		}
	}
	if ins != len(src.lines) {
		t.Errorf("%d inputs logged, want the script's %d", ins, len(src.lines))
	}
	// The start's FC (a follower a crash left running stops), then the
	// source's.
	if fc := transport["FC"]; len(fc) == 0 || fc[0] != 0 {
		t.Errorf("FC sent at %v, want first at the start, frame 0", fc)
	} else {
		transport["FC"] = fc[1:]
	}
	want := map[string][]int64{"FA": {src.at[48]}, "FC": {src.at[stopTick], -1}, "F2 20 00": {src.at[contTick]}, "FB": {src.at[contTick]}}
	for m, w := range want {
		got := transport[m]
		if len(got) != len(w) || got[0] != w[0] {
			t.Errorf("%s sent at %v, want at %v", m, got, w)
		}
	}
	if fc := transport["FC"]; len(fc) == 2 && fc[1] < src.at[len(src.at)-1] {
		t.Errorf("the FC at the end is at %d, before the source's last tick %d", fc[1], src.at[len(src.at)-1])
	}
	// The ticks while the source runs, from its Start to its Stop.
	k0 := slices.Index(ticks, src.at[48])
	if k0 < 0 {
		t.Fatalf("no tick at the Start's frame %d", src.at[48])
	}
	for k := k0 + 1; k < len(ticks) && ticks[k] < src.at[stopTick]; k++ {
		bpm := 120.0
		if float64(ticks[k]) > src.tickFrame(stepTick)+4*src.rate*60/128 { // a bar after the step
			bpm = 128
		} else if float64(ticks[k]) > src.tickFrame(stepTick) {
			continue
		}
		p := src.rate * 60 / bpm / 24
		if d := float64(ticks[k]-ticks[k-1]) / p; d < 0.998-1/p || d > 1.002+1/p {
			t.Errorf("ticks %d and %d sent %d frames apart, want %.1f ± 0.2%%", k-1, k, ticks[k]-ticks[k-1], p)
		}
	}
}

// TestClockInLate: in play a clock's bytes arrive stamped with the
// frame heard as they came, behind the frames the session has committed: a
// Start found there makes the grid jump at the commit horizon to where
// the source is by then (its beat 0 stays on the Start's tick), and a
// Stop pauses the clips there.
func TestClockInLate(t *testing.T) {
	const rate = 48000
	dir := reloadDir(t)
	showtest.WriteFile(t, filepath.Join(dir, "set.toml"), clockSet(0, `clock_in = "MPC"`))
	e := &Env{Stdout: io.Discard, Stderr: io.Discard}
	_, p, err := prepare(e, filepath.Join(dir, "set.toml"), "", rate, e.memory())
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.startMIDI(0)
	s := p.session
	s.Press(0, 0, 0)
	// The source ticks at 100 BPM (1200 frames a tick), the session
	// committed 5000 frames ahead of each byte's arrival.
	const tick = 1200
	feed := func(k int, msg ...byte) {
		at := engine.Frame(10000 + k*tick)
		p.Advance(at + 5000)
		p.midi.input("MPC", at, append(msg, 0xF8))
	}
	for k := range 48 {
		feed(k)
	}
	feed(48, 0xFA) // the Start's tick at frame 67600
	horizon := s.Committed()
	startF := engine.Frame(10000 + 48*tick)
	if got, want := float64(s.Clock().Beat(horizon)), float64(horizon-startF)/(24*tick); math.Abs(got-want) > 1e-3 {
		t.Errorf("at the horizon %d the grid is at beat %.4f, want %.4f (the source's)", horizon, got, want)
	}
	if f := s.Clock().Frame(0); math.Abs(float64(f-startF)) > 5 {
		t.Errorf("beat 0 at frame %d, want the Start's tick, %d", f, startF)
	}
	if s.Playing(0) != 0 {
		t.Fatalf("the clip does not play after the Start")
	}
	for k := 49; k < 24*8; k++ {
		feed(k)
	}
	feed(24*8, 0xFC) // Stop
	if s.Playing(0) != -1 {
		t.Errorf("the clip plays on after the Stop")
	}
	if got := s.Clock().Tempo(s.Committed()); math.Abs(got-100) > 0.05 {
		t.Errorf("the grid's tempo is %.3f, want the source's 100", got)
	}
}

// TestScriptMIDIInPort: a script's midi-in line must name a MIDI input of
// the set (or of a set its load lines bring); the error says which.
func TestScriptMIDIInPort(t *testing.T) {
	dir := reloadDir(t)
	set := filepath.Join(dir, "set.toml")
	showtest.WriteFile(t, set, clockSet(0, `clock_in = "MPC"`))
	showtest.WriteFile(t, filepath.Join(dir, "v2.toml"), clockSet(0, `clock_in = "TR-8"`))
	s, err := sets.Load(os.DirFS(dir), "set.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ script, want string }{
		{"0s midi-in \"Akai MPC\" f8\n", ""},
		{"0s midi-in mpc f8\n1s midi-in TR-8 f8\n", `s.perf:2: midi-in TR-8: the set has no MIDI input of that name: its name must hold "MPC"`},
		{"0s midi-in mpc f8\n1s load v2.toml\n2s midi-in TR-8 f8\n", ""},
	} {
		_, err := parseScript(filepath.Join(dir, "s.perf"), []byte(tt.script), s)
		if got := fmt.Sprint(err); tt.want == "" && err != nil || tt.want != "" && !strings.HasSuffix(got, tt.want) {
			t.Errorf("%q: %v, want %q", tt.script, err, tt.want)
		}
	}
	empty, _ := sets.Parse("e.toml", []byte("tempo = 120\n"))
	if _, err := parseScript("s.perf", []byte("0s midi-in MPC f8\n"), empty); err == nil || !strings.Contains(err.Error(), "the set has no MIDI input: give it one with [midi] clock_in") {
		t.Errorf("a set without inputs: %v", err)
	}
}

// A reload whose set no longer sends its clock to a port, while the
// transport runs, sends that port FC after its last tick; the ports kept
// go on ticking.
func TestClockOutReloadDropsAPort(t *testing.T) {
	dir := reloadDir(t)
	got := parseMIDILog(t, renderMIDI(t, dir, 0, map[string]string{
		"set.toml":    clockSet(0, `clock_out = ["TR-8", "Pad"]`),
		"other.toml":  clockSet(0, `clock_out = ["TR-8"]`),
		"script.perf": "0b press 0 0\n2b load other.toml\n4b end\n",
	}))
	var pad []logLine
	tr8 := 0
	for _, l := range got {
		switch l.port {
		case "Pad":
			pad = append(pad, l)
		case "TR-8":
			if l.bytes == "F8" && l.frame >= 3*24000 {
				tr8++
			}
		}
	}
	if len(pad) == 0 {
		t.Fatal("nothing sent to Pad")
	}
	last := pad[len(pad)-1]
	if last.bytes != "FC" || pad[len(pad)-2].bytes != "F8" || last.frame <= pad[len(pad)-2].frame || last.frame > 3*24000 {
		t.Errorf("Pad's last messages: %+v, want a tick, then FC after it, by the reload", pad[max(len(pad)-3, 0):])
	}
	if tr8 < 24 {
		t.Errorf("TR-8 got %d ticks from beat 3 on, want its clock to go on", tr8)
	}
}

// The master's song position past the pointer's 16383 sixteenths (34
// minutes at 120 BPM) goes back a whole number of bars (a power of two of
// them), so the follower's bars stay on gridbox's, instead of sticking at
// 4095.75 beats, three sixteenths off the bar.
func TestSongPosWraps(t *testing.T) {
	for _, c := range []struct{ pos, bpb, want float64 }{
		{16, 4, 16},
		{4095.75, 4, 4095.75},
		{4096, 4, 0},                     // 512 bars of 4/4, twice
		{5000, 4, 5000 - 2*2048},         // bar 1250: bar 226, on the bar
		{4100, 3, 4100 - 3072},           // 1024 bars of 3/4
		{10000.5, 3.5, 10000.5 - 2*3584}, // 1024 bars of 7/8
	} {
		got := songPos(c.pos, c.bpb)
		if got != c.want || got > maxSongPos || math.Mod(got-c.pos, c.bpb) != 0 {
			t.Errorf("songPos(%g, %g) = %g, want %g", c.pos, c.bpb, got, c.want)
		}
	}
}
