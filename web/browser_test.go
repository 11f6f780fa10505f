package web

// The page in a real browser (headless Chromium, internal/browsertest)
// against a server with a fake Control: the lights it draws, presses and
// touches, flashing and pulsing in tempo, the status bar, the errors and
// the set list, and the latencies of both directions.

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gridbox/grid"
	"gridbox/grid/virtual"
	"gridbox/internal/browsertest"
)

// timedControl is a Control that records every call with the time it came.
type timedControl struct {
	mu       sync.Mutex
	presses  []timedPress
	switches []string
}

type timedPress struct {
	b    grid.Button
	down bool
	vel  uint8
	at   time.Time
}

func (c *timedControl) Press(b grid.Button, down bool, vel uint8) bool {
	at := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.presses = append(c.presses, timedPress{b, down, vel, at})
	return true
}

func (c *timedControl) Switch(path string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.switches = append(c.switches, path)
	return nil
}

// waitPresses waits until the Control has had n presses and returns them.
func (c *timedControl) waitPresses(t *testing.T, n int) []timedPress {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.mu.Lock()
		ps := slices.Clone(c.presses)
		c.mu.Unlock()
		if len(ps) >= n {
			return ps
		}
		if time.Now().After(deadline) {
			t.Fatalf("the Control had %d presses after 5 s, want %d: %v", len(ps), n, ps)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestBrowser runs the page's tests in one browser (it takes a second or
// two to start), each in a tab of its own.
func TestBrowser(t *testing.T) {
	br := browsertest.Start(t)
	t.Run("Lights", func(t *testing.T) { testLights(t, br) })
	t.Run("Press", func(t *testing.T) { testPress(t, br) })
	t.Run("MultiTouch", func(t *testing.T) { testMultiTouch(t, br) })
	t.Run("FlashAndPulse", func(t *testing.T) { testFlashAndPulse(t, br) })
	t.Run("StatusViewAndSets", func(t *testing.T) { testStatusViewAndSets(t, br) })
	t.Run("Holds", func(t *testing.T) { testHolds(t, br) })
}

// openView starts a server with a timedControl (and sets in setsDir, ""
// for none), opens the page in a browser and waits until it is live.
func openView(t *testing.T, br *browsertest.Browser, opt browsertest.Options, setsDir string) (*Server, *timedControl, *browsertest.Page) {
	t.Helper()
	c := &timedControl{}
	s, err := Start(Config{Listen: "127.0.0.1:0", Control: c, SetsDir: setsDir, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	p := br.Tab(t, opt)
	p.Navigate(s.URL())
	p.Wait("the page live", `window.gridbox && gridbox.connected`, "document.body.innerText", 5*time.Second)
	// Each pointerdown's time stamp on the page's clock, for the press
	// latency.
	browsertest.Eval[bool](p, `window.downs = [], document.addEventListener("pointerdown",
		e => downs.push(performance.timeOrigin + e.timeStamp), true), true`)
	return s, c, p
}

// allButtons are the virtual controller's buttons, which the page shows.
var allButtons = virtual.New().Info().Buttons

// padSel selects button b's element.
func padSel(b grid.Button) string { return fmt.Sprintf(`.pad[data-x="%d"][data-y="%d"]`, b.X, b.Y) }

// lightText is a light as the page's data-light (and the controller log)
// writes it.
func lightText(l grid.Light) string {
	if l.Color == grid.Black {
		return "off"
	}
	s := fmt.Sprintf("%02x%02x%02x", l.Color.R, l.Color.G, l.Color.B)
	switch l.Mode {
	case grid.Flash:
		s += "/flash"
	case grid.Pulse:
		s += "/pulse"
	}
	return s
}

// pageLights reads every button's data-light, by "x,y", with the page's
// seq, in one evaluation (so they belong together).
func pageLights(t *testing.T, p *browsertest.Page) (seq int, ls map[string]string) {
	t.Helper()
	v := browsertest.Eval[struct {
		Seq int               `json:"seq"`
		L   map[string]string `json:"l"`
	}](p, `({seq: gridbox.seq, l: Object.fromEntries(Array.from(document.querySelectorAll("#grid .pad"),
		e => [e.dataset.x + "," + e.dataset.y, e.dataset.light]))})`)
	return v.Seq, v.L
}

// testLights publishes 30 frames of random lights (every button,
// colours, flash and pulse, off) and checks after each that, once the
// page's seq reaches the frame's, every button's data-light is the frame's;
// and it measures how long a change takes from Lights to the page
// (gridbox.ledLatency: the server's encoding to the page's drawing).
func testLights(t *testing.T, br *browsertest.Browser) {
	s, _, p := openView(t, br, browsertest.Options{}, "")
	seq0, shown := pageLights(t, p)
	if len(shown) != len(allButtons) {
		t.Fatalf("the page has %d buttons, want %d", len(shown), len(allButtons))
	}
	for k, v := range shown {
		if v != "off" {
			t.Fatalf("before any Lights %s shows %q", k, v)
		}
	}
	rng := rand.New(rand.NewPCG(14, 1))
	frame := make([]grid.Light, len(allButtons))
	const frames = 30
	for i := 1; i <= frames; i++ {
		// Change about a third of the buttons, at least one.
		for n := 0; n == 0 || rng.IntN(3) != 0; n++ {
			k := rng.IntN(len(frame))
			l := grid.Light{Color: grid.Color{R: uint8(rng.IntN(256)), G: uint8(rng.IntN(256)), B: uint8(rng.IntN(256))}, Mode: grid.Mode(rng.IntN(3))}
			if rng.IntN(4) == 0 {
				l = grid.Off
			}
			if l == frame[k] {
				l.Color.R ^= 1 // a change every time, so that seq moves by one
			}
			frame[k] = l
		}
		s.Lights(allButtons, frame)
		want := seq0 + i
		p.Wait(fmt.Sprintf("frame %d", i), fmt.Sprintf("gridbox.seq >= %d", want), "gridbox.seq", 5*time.Second)
		seq, got := pageLights(t, p)
		if seq != want {
			t.Fatalf("frame %d: the page's seq is %d, want %d", i, seq, want)
		}
		for j, b := range allButtons {
			k := fmt.Sprintf("%d,%d", b.X, b.Y)
			if w := lightText(frame[j]); got[k] != w {
				t.Errorf("frame %d: %s shows %q, want %q", i, k, got[k], w)
			}
		}
		if t.Failed() {
			t.FailNow()
		}
	}
	ms := browsertest.Eval[[]float64](p, "gridbox.ledLatency")
	if len(ms) != frames {
		t.Fatalf("the page measured %d LED latencies, want %d", len(ms), frames)
	}
	var l browsertest.Latencies
	for _, m := range ms {
		l = append(l, time.Duration(m*float64(time.Millisecond)))
	}
	// The page's figure counts from the server's encoding, so it leaves
	// out only the wait for the next LED frame; the issue allows 1 LED
	// frame + 10 ms, so this part must be within the 10 ms.
	t.Logf("LED latency (Lights → page drew it, ms clocks): %v", l)
	if browsertest.Race {
		t.Log("not judged in the race build: the race detector slows the server's goroutines")
	} else if m := l.Median(); m > 10*time.Millisecond {
		t.Errorf("LED latency median %v, want ≤ 10 ms (%v)", m, l)
	}
}

// testPress clicks pads and buttons: each click reaches the
// Control as a press (velocity 100) and then a release, in that order,
// the press while the mouse is still down; and it measures the press
// latency: from the pointerdown's time stamp to the Control's Press.
func testPress(t *testing.T, br *browsertest.Browser) {
	_, c, p := openView(t, br, browsertest.Options{}, "")
	// The top row, the left column, the scene column, the bottom row and
	// pads.
	buttons := []grid.Button{{X: 4, Y: -1}, {X: -1, Y: 3}, {X: 8, Y: 5}, {X: 2, Y: 8}}
	for i := range 20 {
		buttons = append(buttons, grid.Button{X: i % 8, Y: (i * 3) % 8})
	}
	var lat browsertest.Latencies
	for i, b := range buttons {
		at := p.Center(padSel(b))
		p.MouseDown(at)
		ps := c.waitPresses(t, 2*i+1)
		if got := ps[2*i]; got.b != b || !got.down || got.vel != 100 {
			t.Fatalf("click %d on %v: the Control got %+v, want a press of %v", i, b, got, b)
		}
		if cl := p.Attr(padSel(b), "class"); !strings.Contains(cl, "held") {
			t.Errorf("%v pressed: class %q, not held", b, cl)
		}
		down := p.PageTime(browsertest.Eval[float64](p, fmt.Sprintf("downs[%d]", i)))
		lat = append(lat, ps[2*i].at.Sub(down))
		p.MouseUp(at)
		ps = c.waitPresses(t, 2*i+2)
		if got := ps[2*i+1]; got.b != b || got.down {
			t.Fatalf("click %d on %v: then the Control got %+v, want a release of %v", i, b, got, b)
		}
	}
	t.Logf("press latency (pointerdown → Control.Press): %v", lat)
	if browsertest.Race {
		t.Log("not judged in the race build: the race detector slows the server's goroutines")
	} else if m := lat.Median(); m > 20*time.Millisecond {
		t.Errorf("press latency median %v, want ≤ 20 ms (%v)", m, lat)
	}
	rtt := browsertest.Eval[[]float64](p, "gridbox.pressLatency")
	t.Logf("the page's POST round trips (ms): %v", rtt)
}

// testMultiTouch holds two pads with two fingers at once: the
// Control gets both presses before either release, then the releases in
// the order the fingers lift.
func testMultiTouch(t *testing.T, br *browsertest.Browser) {
	_, c, p := openView(t, br, browsertest.Options{Width: 480, Height: 900, Touch: true}, "")
	a, b := grid.Button{X: 1, Y: 1}, grid.Button{X: 6, Y: 4}
	pa, pb := p.Center(padSel(a)), p.Center(padSel(b))
	pa.ID, pb.ID = 1, 2
	p.TouchDown(pa)
	p.TouchDown(pb)
	c.waitPresses(t, 2) // both down before either finger lifts
	p.Wait("both held", `document.querySelectorAll("#grid .held").length == 2`, "", time.Second)
	p.TouchUp(1)
	c.waitPresses(t, 3)
	p.TouchUp(2)
	ps := c.waitPresses(t, 4)
	want := []timedPress{{b: a, down: true, vel: 100}, {b: b, down: true, vel: 100}, {b: a}, {b: b}}
	for i, w := range want {
		if g := ps[i]; g.b != w.b || g.down != w.down || g.vel != w.vel {
			t.Errorf("call %d: %v down %v vel %d, want %v down %v vel %d", i, g.b, g.down, g.vel, w.b, w.down, w.vel)
		}
	}
	if len(ps) != 4 {
		t.Errorf("%d calls, want 4: %v", len(ps), ps)
	}
}

// testFlashAndPulse: with the transport running at 120 BPM, a
// flashing pad is lit in the first half of each beat and dark in the
// second, and a pulsing pad's brightness changes over the beat.
func testFlashAndPulse(t *testing.T, br *browsertest.Browser) {
	s, _, p := openView(t, br, browsertest.Options{}, "")
	flash, pulse := grid.Button{X: 0, Y: 0}, grid.Button{X: 1, Y: 0}
	orange := grid.Color{R: 0xff, G: 0x80}
	s.Lights([]grid.Button{flash, pulse}, []grid.Light{{Color: orange, Mode: grid.Flash}, {Color: orange, Mode: grid.Pulse}})
	p.Wait("lights", fmt.Sprintf(`document.querySelector(%q).dataset.light == "ff8000/flash"`, padSel(flash)), "", 5*time.Second)
	// Sample both pads every animation frame for one beat (500 ms) from
	// the status that puts the beat at 10.0; the page's beat runs on from
	// when that status came. Samples within 40 ms of a half beat are left
	// out (the first frame after the status may come up to a frame late).
	probe := fmt.Sprintf(`new Promise(resolve => {
		const f = document.querySelector(%q), pu = document.querySelector(%q);
		const out = {first: [], second: [], pulse: []};
		let t0 = null;
		function look(now) {
			if (t0 === null) {
				if (!gridbox.status || gridbox.status.beats !== 10) { requestAnimationFrame(look); return; }
				t0 = now;
			}
			const d = now - t0;
			const cs = getComputedStyle(f);
			const c = cs.backgroundColor + " " + cs.opacity;
			if (d > 40 && d < 210) out.first.push(c);
			if (d > 290 && d < 460) out.second.push(c);
			out.pulse.push(getComputedStyle(pu).opacity);
			if (d < 500) requestAnimationFrame(look); else resolve(out);
		}
		requestAnimationFrame(look);
	})`, padSel(flash), padSel(pulse))
	done := make(chan struct{})
	var got struct{ First, Second, Pulse []string }
	go func() {
		defer close(done)
		got = browsertest.Eval[struct{ First, Second, Pulse []string }](p, probe)
	}()
	time.Sleep(50 * time.Millisecond) // the probe is waiting for the status
	s.Status(Status{Bar: 3, Beat: 3, Tempo: 120, Beats: 10, Running: true, Device: "null", Health: "playing"})
	<-done
	if len(got.First) < 3 || len(got.Second) < 3 {
		t.Fatalf("too few animation frames sampled: %d in the first half, %d in the second", len(got.First), len(got.Second))
	}
	lit, dark := got.First[0], got.Second[0]
	for _, c := range got.First {
		if c != lit {
			t.Errorf("the flashing pad changed within the first half beat: %q", got.First)
			break
		}
	}
	for _, c := range got.Second {
		if c != dark {
			t.Errorf("the flashing pad changed within the second half beat: %q", got.Second)
			break
		}
	}
	if lit == dark {
		t.Errorf("the flashing pad looks the same in both halves of the beat: %q", lit)
	}
	if !strings.HasPrefix(lit, "rgb(255, 128, 0)") {
		t.Errorf("the flashing pad is %q in the first half of the beat, want its colour rgb(255, 128, 0)", lit)
	}
	distinct := map[string]bool{}
	for _, o := range got.Pulse {
		distinct[o] = true
	}
	if len(distinct) < 3 {
		t.Errorf("the pulsing pad's opacity took %d values over a beat, want it to breathe: %q", len(distinct), got.Pulse)
	}
	t.Logf("flash: %q in the first half beat, %q in the second; pulse: %d opacities", lit, dark, len(distinct))
}

// testStatusViewAndSets: the status bar, the track and scene names,
// the window, the set's errors and the list of sets render; a switch
// button calls Control.Switch with the set's path; a screenshot is
// written.
func testStatusViewAndSets(t *testing.T, br *browsertest.Browser) {
	dir := t.TempDir()
	for _, name := range []string{"live.toml", "rehearsal.toml"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("name = \"x\"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, c, p := openView(t, br, browsertest.Options{Width: 640, Height: 1000}, dir)
	s.Status(Status{Bar: 12, Beat: 3, Tempo: 123.5, Beats: 47.2, Running: true, Playing: 3, DSP: 0.12, MaxDSP: 0.31,
		Voices: 14, Underruns: 2, Late: 1, Device: "null", Health: "lost", Controllers: []string{"launchpad-x on hw:1"},
		Warnings: []string{"TAKES NOT SAVED"}})
	s.View(View{Set: "Live", File: "live.toml", Mode: "session", Track0: 0, Scene0: 0,
		Tracks: []Track{{"Drums", grid.Color{R: 255}}, {"Bass", grid.Color{G: 255}}},
		Scenes: []string{"Intro", "", "Verse"},
		Errors: []string{`live.toml:3:7: unknown key "tempoo" (did you mean tempo?)`}})
	s.Lights([]grid.Button{{X: 0, Y: 0}, {X: 1, Y: 2}, {X: 8, Y: 0}}, []grid.Light{
		{Color: grid.Color{R: 255}, Mode: grid.Pulse}, {Color: grid.Color{G: 255}}, {Color: grid.Color{G: 200}, Mode: grid.Flash}})
	p.Wait("the view", `gridbox.view && gridbox.view.set == "Live" && gridbox.status && gridbox.status.bar == 12`, "document.body.innerText", 5*time.Second)

	status := browsertest.Eval[string](p, `document.querySelector("#status").innerText`)
	for _, want := range []string{"12.3", "123.5 BPM", "3 playing", "DSP 12%", "max 31%", "14 voices", "2 underruns", "1 late", "null: lost", "launchpad-x on hw:1"} {
		if !strings.Contains(status, want) {
			t.Errorf("the status bar %q does not say %q", status, want)
		}
	}
	if cl := p.Attr("#device", "class"); !strings.Contains(cl, "bad") {
		t.Errorf("a lost device shows with class %q, want it red (bad)", cl)
	}
	if w := browsertest.Eval[string](p, `document.querySelector("#warnings").innerText`); !strings.Contains(w, "TAKES NOT SAVED") {
		t.Errorf("warnings %q", w)
	}
	tracks := browsertest.Eval[[]string](p, `Array.from(document.querySelectorAll("#grid .track"), e => e.textContent)`)
	if len(tracks) != 8 || tracks[0] != "Drums" || tracks[1] != "Bass" || tracks[2] != "" {
		t.Errorf("track names %q", tracks)
	}
	scenes := browsertest.Eval[[]string](p, `Array.from(document.querySelectorAll("#grid .scenename"), e => e.textContent)`)
	if len(scenes) != 8 || scenes[0] != "Intro" || scenes[1] != "2" || scenes[2] != "Verse" || scenes[3] != "" {
		t.Errorf("scene names %q", scenes)
	}
	head := browsertest.Eval[string](p, `document.querySelector("header").innerText`)
	for _, want := range []string{"Live", "session", "tracks 1–2 of 2", "scenes 1–3 of 3"} {
		if !strings.Contains(head, want) {
			t.Errorf("the header %q does not say %q", head, want)
		}
	}
	if hidden := browsertest.Eval[bool](p, `document.querySelector("#errors").hidden`); hidden {
		t.Error("the set's errors are hidden")
	}
	errs := browsertest.Eval[[]string](p, `Array.from(document.querySelectorAll("#errlist li"), e => e.textContent)`)
	if len(errs) != 1 || errs[0] != `live.toml:3:7: unknown key "tempoo" (did you mean tempo?)` {
		t.Errorf("errors %q", errs)
	}
	sets := browsertest.Eval[[]string](p, `Array.from(document.querySelectorAll("#setlist li"), e => e.innerText.replace(/\s+/g, " "))`)
	if !slices.Equal(sets, []string{"live.toml playing", "rehearsal.toml switch"}) {
		t.Errorf("sets %q", sets)
	}
	p.Wait("the lights", `gridbox.lights["1,2"] == "00ff00"`, "gridbox.lights", 5*time.Second)
	p.Screenshot("web-test-view")

	p.Click(`#setlist button[data-set="rehearsal.toml"]`)
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.mu.Lock()
		sw := slices.Clone(c.switches)
		c.mu.Unlock()
		if len(sw) > 0 {
			if want := filepath.Join(dir, "rehearsal.toml"); len(sw) != 1 || sw[0] != want {
				t.Errorf("Switch(%q), want Switch(%q) once", sw, want)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("clicking rehearsal.toml's switch did not call Control.Switch in 5 s")
		}
		time.Sleep(time.Millisecond)
	}
	p.Wait("the switch said", `document.querySelector("#setmsg").textContent.includes("rehearsal.toml")`, `document.querySelector("#setmsg").textContent`, 5*time.Second)
}
