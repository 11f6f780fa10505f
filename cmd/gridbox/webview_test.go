package main

// gridbox play --http in a real browser (issue 14): the page against the
// running show, its lights against the controller log, its clicks against
// the session, and the audio's DSP load with 100 clients of the view.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gridbox/engine"
	"gridbox/grid/virtual"
	"gridbox/internal/browsertest"
	"gridbox/sequencer"
	"gridbox/show"
	"gridbox/show/showtest"
)

// webSet writes a set of 8 named tracks × 3 scenes of looping clicks at 240 BPM
// (a bar is a second, 48000 frames) and returns its path. With notes,
// track 1 plays a sampler of the click instead, from note clips of
// sixteenths (Step mode's playhead then moves every sixteenth).
func webSet(t *testing.T, notes bool) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("[[scene]]\nname = \"Intro\"\n[[scene]]\nname = \"Verse\"\n[[scene]]\nname = \"Chorus\"\n")
	if notes {
		b.WriteString("[[instrument]]\nname = \"click\"\nkind = \"sampler\"\n  [[instrument.zone]]\n  key = 36\n  sample = \"samples/click.wav\"\n")
	}
	for x, name := range []string{"Drums", "Bass", "Keys", "Lead", "Pads", "Strings", "Vox", "Perc"} {
		fmt.Fprintf(&b, "[[track]]\nname = %q\n", name)
		if notes && x == 0 {
			b.WriteString("instrument = \"click\"\n")
		}
		for y := range 3 {
			fmt.Fprintf(&b, "  [[track.clip]]\n  scene = %d\n  loop = true\n", y)
			if notes && x == 0 {
				b.WriteString("  length = \"1 bar\"\n  notes = [")
				for i := range 16 {
					fmt.Fprintf(&b, "{ at = %g, key = 36, len = 0.25, vel = 100 }, ", float64(i)/4)
				}
				b.WriteString("]\n")
				continue
			}
			b.WriteString("  sample = \"samples/click.wav\"\n  length = \"1/4\"\n")
		}
	}
	set := showtest.ClickSet(t, "")
	text, err := os.ReadFile(set)
	if err != nil {
		t.Fatal(err)
	}
	// ClickSet's own track and scene go: this set has its own.
	head, _, _ := strings.Cut(string(text), "[[scene]]")
	head = strings.Replace(strings.Replace(head, `"Click"`, `"Live"`, 1), "tempo = 120.0", "tempo = 240.0", 1)
	showtest.WriteFile(t, set, head+b.String())
	return set
}

// barFrames is a bar of webSet at 48000 Hz.
const barFrames = 48000

// player is a gridbox play running in this process for a test.
type player struct {
	t      *testing.T
	stderr syncBuffer
	code   chan int
	url    string

	mu     sync.Mutex
	stop   chan<- os.Signal       // play's channel for SIGINT, once it has one
	pos    engine.Frame           // the sound's position at the last turn
	queued map[[2]int][]time.Time // when the session launched each clip slot (Turn)
	was    map[[2]int]bool        // each slot queued or playing at the last turn
}

// startPlay runs gridbox play with args (after "play SET") in this
// process and waits for its browser view's address. The Turn hook records
// when each clip slot is launched, on the session goroutine.
func startPlay(t *testing.T, set string, args ...string) *player {
	t.Helper()
	isolate(t)
	p := &player{t: t, code: make(chan int, 1), queued: map[[2]int][]time.Time{}, was: map[[2]int]bool{}}
	e := &env{stdout: io.Discard, stderr: &p.stderr, hooks: show.Hooks{
		Notify: func(c chan<- os.Signal, sigs ...os.Signal) {
			if slices.Contains(sigs, os.Interrupt) {
				p.mu.Lock()
				p.stop = c
				p.mu.Unlock()
			}
		},
		Turn: func(s *sequencer.Session, now engine.Frame) {
			at := time.Now()
			p.mu.Lock()
			defer p.mu.Unlock()
			p.pos = now
			for x := range s.Tracks() {
				for y := range s.Scenes() {
					k := [2]int{x, y}
					// Launched: queued, or already playing when the bar
					// line came within the lookahead of the press.
					st := s.Slot(x, y)
					q := st == sequencer.SlotQueued || st == sequencer.SlotPlaying
					if q && !p.was[k] {
						p.queued[k] = append(p.queued[k], at)
					}
					p.was[k] = q
				}
			}
		},
	}}
	go func() { p.code <- run(append([]string{"play", set}, args...), e) }()
	t.Cleanup(func() { p.end() })
	re := regexp.MustCompile(`browser view on (http://127\.0\.0\.1:\d+/)`)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := re.FindStringSubmatch(p.stderr.String()); m != nil {
			p.url = m[1]
			return p
		}
		select {
		case c := <-p.code:
			t.Fatalf("play exited %d before serving the browser view:\n%s", c, p.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no browser view after 10 s:\n%s", p.stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// earlyInBar waits until the sound is between 50 ms and half a bar past
// a bar line, so that a clip clicked now is queued for a while (not
// started by a bar line within the lookahead before the page could show
// it queued).
func (p *player) earlyInBar() {
	p.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		p.mu.Lock()
		in := p.pos % barFrames
		p.mu.Unlock()
		if in >= 2400 && in < barFrames/2 {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatal("the sound did not reach the first half of a bar in 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}

// earlyInBeat waits until the sound is in the first half of a beat (where
// flashing lights are lit), 25 ms past its start at least.
func (p *player) earlyInBeat() {
	p.t.Helper()
	const beat = barFrames / 4
	deadline := time.Now().Add(5 * time.Second)
	for {
		p.mu.Lock()
		in := p.pos % beat
		p.mu.Unlock()
		if in >= 1200 && in < beat/3 {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatal("the sound did not reach the first half of a beat in 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}

// queuedAfter returns when the session launched track x's slot y first
// after t (the Turn after it did), from stopped to queued or playing.
func (p *player) queuedAfter(x, y int, t time.Time) (time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, at := range p.queued[[2]int{x, y}] {
		if at.After(t) {
			return at, true
		}
	}
	return time.Time{}, false
}

// end stops play as SIGINT would and returns its exit status and stderr;
// later calls return the same.
func (p *player) end() (int, string) {
	p.mu.Lock()
	stop := p.stop
	p.mu.Unlock()
	if stop != nil {
		select {
		case stop <- os.Interrupt:
		default: // one is on its way
		}
	}
	select {
	case c := <-p.code:
		p.code <- c
		return c, p.stderr.String()
	case <-time.After(20 * time.Second):
		p.t.Fatalf("play did not stop 20 s after SIGINT:\n%s", p.stderr.String())
		return 0, ""
	}
}

// ctrlFrame is the virtual controller's lights after one "virtual out"
// line of the controller log, by "x,y", and the frame the line was
// written at.
type ctrlFrame struct {
	at     int64
	lights map[string]string
}

// readCtrlLog returns the virtual controller's LED frames from the
// controller log, each line's changes applied to the lights before it
// (every light off before the first), consecutive equal frames merged:
// the frames the page is sent, in order, the first (all off) being the one
// before any. It also returns the log's "virtual in" lines.
func readCtrlLog(t *testing.T, file string) (frames []ctrlFrame, ins []string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	key := map[string]string{}
	for _, b := range virtual.New().Info().Buttons {
		k := fmt.Sprintf("%d,%d", b.X, b.Y)
		key[k] = k
	}
	for _, n := range virtual.Names() {
		b, _ := virtual.Button(n)
		key[n] = fmt.Sprintf("%d,%d", b.X, b.Y)
	}
	cur := map[string]string{}
	for k := range key {
		cur[key[k]] = "off"
	}
	frames = append(frames, ctrlFrame{lights: cur})
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || f[1] != virtual.Model {
			continue
		}
		at, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			t.Fatalf("controller log: %q: %v", line, err)
		}
		if f[2] == "in" {
			ins = append(ins, line)
			continue
		}
		next := cloneLights(cur)
		for _, change := range f[3:] {
			name, light, ok := strings.Cut(change, "=")
			if !ok || key[name] == "" {
				t.Fatalf("controller log: %q: %q is not a light of the virtual controller", line, change)
			}
			next[key[name]] = light
		}
		if !equalLights(next, cur) {
			frames = append(frames, ctrlFrame{at: at, lights: next})
			cur = next
		}
	}
	return frames, ins
}

func cloneLights(m map[string]string) map[string]string {
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func equalLights(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// diffLights lists how got differs from want, "x,y: got, want want".
func diffLights(got, want map[string]string) string {
	var d []string
	for k, w := range want {
		if got[k] != w {
			d = append(d, fmt.Sprintf("%s: %q, want %q", k, got[k], w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			d = append(d, fmt.Sprintf("%s: %q, not a button", k, g))
		}
	}
	slices.Sort(d)
	return strings.Join(d, "; ")
}

// moment is what the page showed at one time: its seq and every button's
// data-light, read together.
type moment struct {
	what   string
	seq    int
	lights map[string]string
}

// webPage is the page of a running play in a browser tab.
type webPage struct {
	t *testing.T
	*browsertest.Page
	stderr  func() string // play's
	moments []moment
}

// light returns what button x,y shows on the page now.
func (w *webPage) light(x, y int) string {
	return browsertest.Eval[string](w.Page, fmt.Sprintf(`gridbox.lights["%d,%d"] || "off"`, x, y))
}

// waitLight waits until button x,y's data-light satisfies the
// JavaScript condition cond on l (its text), e.g. `l.endsWith("/pulse")`.
func (w *webPage) waitLight(what string, x, y int, cond string) {
	w.t.Helper()
	w.Wait(what, fmt.Sprintf(`(l => %s)(gridbox.lights["%d,%d"] || "off")`, cond, x, y), fmt.Sprintf(`gridbox.lights["%d,%d"]`, x, y), 5*time.Second)
}

// snap records a moment: once the JavaScript condition cond holds (on
// gridbox.lights, gridbox.view…), the page's seq and every button's
// data-light, read in the evaluation that found cond true.
func (w *webPage) snap(what, cond string) moment {
	w.t.Helper()
	v, err := browsertest.TryPoll[struct {
		Seq int               `json:"seq"`
		L   map[string]string `json:"l"`
	}](w.Page, fmt.Sprintf(`(%s) && {seq: gridbox.seq, l: Object.fromEntries(Array.from(document.querySelectorAll("#grid .pad"),
		e => [e.dataset.x + "," + e.dataset.y, e.dataset.light]))}`, cond), 5*time.Second)
	if err != nil {
		w.t.Fatalf("waiting 5 s for %s (%s): %v\nthe page shows seq %d, lights %v, mode %v; drawn %v; play's stderr:\n%s",
			what, cond, err, browsertest.Eval[int](w.Page, "gridbox.seq"), browsertest.Eval[map[string]string](w.Page, "gridbox.lights"),
			browsertest.Eval[string](w.Page, "gridbox.view.mode"), browsertest.Eval[[][]any](w.Page, "drawn.slice(-20)"), w.stderr())
	}
	m := moment{what, v.Seq, v.L}
	w.moments = append(w.moments, m)
	return m
}

// lightIs is a condition for snap: button x,y's data-light satisfies the
// JavaScript condition cond on l, e.g. `l.endsWith("/pulse")`.
func lightIs(x, y int, cond string) string {
	return fmt.Sprintf(`((l) => %s)(gridbox.lights["%d,%d"] || "off")`, cond, x, y)
}

// click presses and releases button x,y of the page and returns when the
// press's pointerdown happened, on this process's clock.
func (w *webPage) click(x, y int) time.Time {
	w.t.Helper()
	sel := fmt.Sprintf(`#grid .pad[data-x="%d"][data-y="%d"]`, x, y)
	at := w.Center(sel)
	n := browsertest.Eval[int](w.Page, "downs.length")
	w.MouseDown(at)
	w.MouseUp(at)
	d := browsertest.Eval[[]any](w.Page, fmt.Sprintf("downs[%d]", n))
	if want := fmt.Sprintf("%d,%d", x, y); d[1] != want {
		w.t.Fatalf("the press at %v landed on %q, not %s (the page moved under the pointer? %v)", at, d[1], want, d)
	}
	return w.PageTime(d[0].(float64))
}

// launchLatencies clicks 20 stopped clips (scene 3's, 2's, then four of
// 1's) and returns, for each, the time from its pointerdown to the
// session launching it (the Turn after) and from then to the page drawing
// it launched.
func (w *webPage) launchLatencies(pl *player) (toSession, toPage browsertest.Latencies) {
	w.t.Helper()
	for i := range 20 {
		x, y := i%8, 2-i/8
		down := w.click(x, y)
		key := fmt.Sprintf("%d,%d", x, y)
		// Queued (flashing), or playing at once when a bar line came
		// within the lookahead of the press: either way, launched.
		w.waitLight("clip launched", x, y, `l.endsWith("/flash") || l.endsWith("/pulse")`)
		launched, ok := pl.queuedAfter(x, y, down.Add(-time.Millisecond))
		if !ok {
			w.t.Fatalf("click %d (track %d, scene %d): the page shows the clip launched, the session did not launch it", i, x+1, y+1)
		}
		var at time.Time
		for _, d := range browsertest.Eval[[][]any](w.Page, "drawn") {
			if l := d[1].(string); d[0] == key && (strings.HasSuffix(l, "/flash") || strings.HasSuffix(l, "/pulse")) {
				if t := w.PageTime(d[2].(float64)); t.After(down) {
					at = t
					break
				}
			}
		}
		if at.IsZero() {
			w.t.Fatalf("click %d: the page drew no launch of %s after the click", i, key)
		}
		toSession = append(toSession, launched.Sub(down))
		toPage = append(toPage, at.Sub(launched))
	}
	return toSession, toPage
}

// TestPlayInTheBrowser plays a set with gridbox play --http and its page
// in headless Chromium, the way a musician would from a phone:
//   - at 8 moments (the script's clip playing, a clip clicked queued and
//     then playing, a scene queued and then playing, everything stopped,
//     Note mode, Session mode again) every button's data-light is the
//     controller log's frame for the page's seq: the log's "virtual out"
//     lines, each the changes of one LED frame, are the frames the page is
//     sent, in the same order, so the page's seq says which, exactly,
//     however the moment falls (read with the seq in one evaluation);
//   - the pad clicked shows queued at once and its clip starts on the next
//     bar (the log's first frame with it playing is within a beat after
//     that bar line);
//   - a scene button, stop-all and the mode buttons change the lights as
//     they should;
//   - 20 clicks on clips measure the click → session latency (the
//     pointerdown's time stamp to the session goroutine seeing the clip
//     launched; ≤ 20 ms on localhost) and the LED-change → page latency
//     (from then to the page drawing the pad launched; ≤ 1 LED frame +
//     10 ms = 35 ms). The medians are judged, so that a loaded machine's
//     outliers do not fail it, with up to 3 rounds; all are logged.
//   - a screenshot of the page is written (the README's docs/browser-view.png
//     with -args -browsertest.docs).
func TestPlayInTheBrowser(t *testing.T) {
	br := browsertest.Start(t) // before play: a machine without a browser skips
	set := webSet(t, false)
	dir := filepath.Dir(set)
	perf := filepath.Join(dir, "web.perf")
	showtest.WriteFile(t, perf, "0b press 0 0   # track 1's first clip plays from the start\n")
	ctrlLog := filepath.Join(dir, "ctrl.log")
	pl := startPlay(t, set, "--audio", "null", "--http", "127.0.0.1:0", "--events", perf,
		"--controller-log", ctrlLog, "--seconds", "120", "--no-watch")

	w := &webPage{t: t, Page: br.Tab(t, browsertest.Options{Width: 640, Height: 900}), stderr: pl.stderr.String}
	w.Navigate(pl.url)
	w.Wait("the page live", `window.gridbox && gridbox.connected && gridbox.view`, "document.body.innerText", 5*time.Second)
	// Every pointerdown's time stamp, and every data-light the page draws
	// with when, on the page's clock.
	browsertest.Eval[bool](w.Page, `(() => {
		window.downs = [];
		document.addEventListener("pointerdown", e => {
			const pad = e.target.closest(".pad");
			downs.push([performance.timeOrigin + e.timeStamp, pad ? pad.dataset.x + "," + pad.dataset.y : "", e.clientX, e.clientY]);
		}, true);
		window.drawn = [];
		new MutationObserver(ms => {
			const at = performance.timeOrigin + performance.now();
			for (const m of ms) drawn.push([m.target.dataset.x + "," + m.target.dataset.y, m.target.dataset.light, at]);
		}).observe(document.querySelector("#grid"), {subtree: true, attributes: true, attributeFilter: ["data-light"]});
		return true;
	})()`)

	// 1. The script's clip plays: track 1 scene 1 pulses. The page names
	// the set, its tracks and scenes, the tempo and the set list.
	w.snap("the script's clip playing", lightIs(0, 0, `l.endsWith("/pulse")`))
	w.Wait("the status", `gridbox.status && gridbox.status.playing >= 1`, "gridbox.status", 5*time.Second)
	text := browsertest.Eval[string](w.Page, `document.body.innerText`)
	for _, want := range []string{"Live", "Drums", "Perc", "Intro", "Chorus", "240.0 BPM", "1 playing", "click.toml"} {
		if !strings.Contains(text, want) {
			t.Errorf("the page does not say %q:\n%s", want, text)
		}
	}

	// 2. A click on track 2's first clip: queued at once, playing from the
	// next bar.
	pl.earlyInBar()
	w.click(1, 0)
	w.snap("a clip queued", lightIs(1, 0, `l.endsWith("/flash")`))
	w.snap("the clip playing", lightIs(1, 0, `l.endsWith("/pulse")`))

	// 3. The second scene's button: every track's second clip plays.
	pl.earlyInBar()
	w.click(8, 1)
	w.snap("scene 2 queued", lightIs(8, 1, `l.endsWith("/flash")`))
	w.snap("scene 2 playing", `[0,1,2,3,4,5,6,7].every(x => (gridbox.lights[x + ",1"] || "").endsWith("/pulse")) && !(gridbox.lights["8,1"] || "").endsWith("/flash")`)

	// 4. Stop all (the top row's last button): nothing pulses or flashes.
	w.click(7, -1)
	w.snap("all stopped", `Object.values(gridbox.lights).every(l => !l.endsWith("/pulse") && !l.endsWith("/flash"))`)

	// 5. Note mode (the left column's first button), then Session again.
	sessionLit, noteLit := w.light(4, -1), w.light(-1, 0)
	w.click(-1, 0)
	note := w.snap("note mode", fmt.Sprintf(`gridbox.view.mode == "note" && gridbox.lights["-1,0"] != %q && gridbox.lights["4,-1"] != %q`, noteLit, sessionLit))
	w.click(4, -1)
	session := w.snap("session mode again", fmt.Sprintf(`gridbox.view.mode == "session" && gridbox.lights["-1,0"] == %q && gridbox.lights["4,-1"] == %q`, noteLit, sessionLit))
	if equalLights(note.lights, session.lights) {
		t.Errorf("the pads look the same in Note and Session mode")
	}

	// 6. Latencies: 20 clicks on stopped clips, each launching its clip.
	// A round whose medians are over the limits (another test binary's
	// burst of work on this 2-core machine) is logged and tried again after
	// a stop all, 3 rounds at most.
	for round := 1; ; round++ {
		if round > 1 {
			w.click(7, -1)
			w.Wait("all stopped", `Object.values(gridbox.lights).every(l => !l.endsWith("/pulse") && !l.endsWith("/flash"))`, "gridbox.lights", 5*time.Second)
		}
		toSession, toPage := w.launchLatencies(pl)
		t.Logf("round %d: click → session latency (pointerdown → the session goroutine has the clip launched): %v", round, toSession)
		t.Logf("round %d: LED change → page latency (the session has the clip launched → the page drew it): %v", round, toPage)
		if raceEnabled {
			t.Log("latencies not judged in the race build: the race detector slows play's goroutines several times over")
			break
		}
		var over []string
		if m := toSession.Median(); m > 20*time.Millisecond {
			over = append(over, fmt.Sprintf("click → session median %v, want ≤ 20 ms", m))
		}
		if m := toPage.Median(); m > 35*time.Millisecond {
			over = append(over, fmt.Sprintf("LED change → page median %v, want ≤ 1 LED frame (25 ms) + 10 ms", m))
		}
		if len(over) == 0 {
			break
		}
		if round == 3 {
			t.Errorf("3 rounds of 3 over the limits; the last: %s", strings.Join(over, "; "))
			break
		}
		t.Logf("round %d over the limits (%s): again", round, strings.Join(over, "; "))
	}
	var web browsertest.Latencies // the part after the show handed the lights to package web
	for _, ms := range browsertest.Eval[[]float64](w.Page, "gridbox.ledLatency") {
		web = append(web, time.Duration(ms*float64(time.Millisecond)))
	}
	t.Logf("of which web.Lights → page (the page's gridbox.ledLatency, all lights events, ms clocks): %v", web)
	pl.earlyInBeat() // flashing pads lit in the picture
	w.Screenshot("browser-view")

	code, stderr := pl.end()
	if code != 0 {
		t.Fatalf("play exited %d:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "0 underruns") {
		t.Errorf("underruns while the page played:\n%s", stderr)
	}

	// The moments against the controller log.
	frames, ins := readCtrlLog(t, ctrlLog)
	for i, m := range w.moments {
		if m.seq >= len(frames) {
			t.Errorf("moment %d (%s): the page's seq is %d, the log has %d frames", i+1, m.what, m.seq, len(frames))
			continue
		}
		if d := diffLights(m.lights, frames[m.seq].lights); d != "" {
			t.Errorf("moment %d (%s, seq %d): the page differs from the controller log's frame at %d: %s", i+1, m.what, m.seq, frames[m.seq].at, d)
		}
	}
	for i := 1; i < len(w.moments); i++ {
		if w.moments[i].seq <= w.moments[i-1].seq {
			t.Errorf("moments %d and %d at seq %d and %d: nothing changed between them", i, i+1, w.moments[i-1].seq, w.moments[i].seq)
		}
	}
	if !t.Failed() {
		t.Logf("%d moments matched the controller log's frames (of %d)", len(w.moments), len(frames))
	}

	// The clip clicked (track 2, scene 1) started on the bar after the
	// click reached the session.
	var pressAt int64 = -1
	for _, line := range ins {
		if f := strings.Fields(line); len(f) >= 5 && f[3] == "1,0" && f[4] == "down" {
			pressAt, _ = strconv.ParseInt(f[0], 10, 64)
			break
		}
	}
	if pressAt < 0 {
		t.Fatalf("the controller log has no press of 1,0:\n%s", strings.Join(ins, "\n"))
	}
	startAt := int64(-1)
	for _, f := range frames {
		if f.at > pressAt && strings.HasSuffix(f.lights["1,0"], "/pulse") {
			startAt = f.at
			break
		}
	}
	bar := (pressAt/barFrames + 1) * barFrames
	if pressAt%barFrames > barFrames-2400 && startAt >= bar+barFrames {
		bar += barFrames // clicked within 50 ms of a bar line: the lookahead may take the next one
	}
	if startAt < bar || startAt >= bar+barFrames/4 {
		t.Errorf("the clip clicked at frame %d (bar %d beat %.2f) shows playing from frame %d, want the bar line at %d (within a beat)",
			pressAt, pressAt/barFrames+1, float64(pressAt%barFrames)/12000+1, startAt, bar)
	}
	t.Logf("the clip clicked at frame %d shows playing from frame %d: the bar line at %d + %.1f ms", pressAt, startAt, bar, float64(startAt-bar)/48)
}

// sseClient reads a view's events stream, keeping the status events'
// DSP loads.
type sseClient struct {
	resp   *http.Response
	mu     sync.Mutex
	dsp    []float64 // every status event's dsp
	lights int       // lights events read
	done   chan struct{}
}

func openSSE(t *testing.T, url string, keepDSP bool) *sseClient {
	t.Helper()
	resp, err := http.Get(url + "api/events")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		resp.Body.Close()
		t.Fatalf("events: %s", resp.Status)
	}
	c := &sseClient{resp: resp, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		status := false
		for sc.Scan() {
			line := sc.Bytes()
			switch {
			case bytes.HasPrefix(line, []byte("event: ")):
				status = keepDSP && string(line) == "event: status"
				if string(line) == "event: lights" {
					c.mu.Lock()
					c.lights++
					c.mu.Unlock()
				}
			case status && bytes.HasPrefix(line, []byte("data: ")):
				var s struct {
					DSP float64 `json:"dsp"`
				}
				if json.Unmarshal(line[len("data: "):], &s) == nil {
					c.mu.Lock()
					c.dsp = append(c.dsp, s.DSP)
					c.mu.Unlock()
				}
			}
		}
	}()
	t.Cleanup(c.close)
	return c
}

func (c *sseClient) close() {
	c.resp.Body.Close()
	<-c.done
}

// loads returns the DSP loads the client has seen since it had from.
func (c *sseClient) loads(from int) []float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.dsp[min(from, len(c.dsp)):])
}

func (c *sseClient) lightsRead() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lights
}

func (c *sseClient) seen() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.dsp)
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// TestPlayDSPLoadWithManyViewers: 100 clients of the browser view (plain
// HTTP clients reading /api/events, as many phones would) raise the
// audio's DSP load by at most 1 percentage point over 1 client. One play
// run, in Step mode (the playhead moves the lights every sixteenth, so
// every client is sent lights as well as the status); the load is the
// status events' (the null device's render time over the block's time),
// averaged over 2 s with 1 client, then 2 s with 100, then 2 s with 1
// again (the two 1-client windows averaged, so that a drift of the
// machine's load does not count); a try over the limit is logged and
// tried again, at most 3 times.
func TestPlayDSPLoadWithManyViewers(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector slows the 100 clients' goroutines many times over: the load compared is the normal build's")
	}
	if testing.Short() {
		t.Skip("-short: an 8 s wall-clock measurement (pi-test runs the tests under qemu, many times slower)")
	}
	set := webSet(t, true)
	dir := filepath.Dir(set)
	perf := filepath.Join(dir, "web.perf")
	showtest.WriteFile(t, perf, "0b scene 0\n")
	pl := startPlay(t, set, "--audio", "null", "--http", "127.0.0.1:0", "--events", perf, "--seconds", "120", "--no-watch")
	// Step mode: the left column's third button.
	for _, down := range []bool{true, false} {
		body := fmt.Sprintf(`{"e":[[-1,2,%v,100]]}`, down)
		resp, err := http.Post(pl.url+"api/press", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 204 {
			t.Fatalf("press: %s", resp.Status)
		}
	}
	first := openSSE(t, pl.url, true)
	window := func(what string) []float64 {
		time.Sleep(500 * time.Millisecond) // settle
		from := first.seen()
		time.Sleep(2 * time.Second)
		ls := first.loads(from)
		if len(ls) < 10 {
			t.Fatalf("%s: %d status events in 2 s, want 10 a second\n%s", what, len(ls), pl.stderr.String())
		}
		return ls
	}
	// A burst of another test's work on this machine during the 100
	// clients' window would count against them: up to 3 tries, each
	// logged; the test fails when all three are over.
	for try := 1; ; try++ {
		one := window("1 client")
		var many []*sseClient
		for range 99 {
			many = append(many, openSSE(t, pl.url, false))
		}
		hundred := window("100 clients")
		least := -1
		for _, c := range many {
			if n := c.lightsRead(); least < 0 || n < least {
				least = n
			}
			c.close()
		}
		// Step mode's playhead moved the lights several times a second.
		if least < 10 {
			t.Fatalf("a client of the 100 read only %d lights events in 2.5 s: the load was not the load of 100 clients of a playing show", least)
		}
		again := window("1 client again")
		base := (mean(one) + mean(again)) / 2
		d := mean(hundred) - base
		t.Logf("DSP load: 1 client %.2f%% (then %.2f%%), 100 clients %.2f%%: %+.2f percentage points (status events: %d, %d, %d; each of the 100 read at least %d lights events)",
			100*mean(one), 100*mean(again), 100*mean(hundred), 100*d, len(one), len(hundred), len(again), least)
		if d <= 0.01 {
			break
		}
		if try == 3 {
			t.Errorf("100 clients raised the DSP load by more than 1 percentage point in 3 tries of 3")
			break
		}
	}
	if code, stderr := pl.end(); code != 0 {
		t.Fatalf("play exited %d:\n%s", code, stderr)
	}
}
