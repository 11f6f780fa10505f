// Package browsertest drives a real browser in tests: headless Chromium
// (Debian's chromium package) through the DevTools protocol (chromedp).
// Start starts one browser with a fresh profile for a test (and its
// subtests), Tab opens a page in it, and each closes when its test ends.
// A Page's methods navigate, evaluate JavaScript, read attributes, press
// and release the mouse and touch points as separate steps (so a test sees
// what happens while a pad is held, and holds two at once), tell the
// page's clock against ours (for latencies) and write screenshots for a
// person to look at.
//
// Where no browser is installed, Start skips the test and says why; in CI
// (CI=true) it fails instead, since scripts/setup.sh --test installs
// chromium there. With -short (pi-test runs the arm64 tests under qemu) the
// browser tests skip: they measure wall-clock latencies.
//
// A Page is for the test's goroutine (one tab: its actions run in order).
// It imports nothing of gridbox, so any package's tests may use it.
package browsertest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gridbox/internal/testlock"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// docs makes Screenshot also write into the module's docs/ folder, for the
// README: go test ./web -run TestPageScreenshot -args -browsertest.docs
var docs = flag.Bool("browsertest.docs", false, "also write screenshots into the module's docs/ folder")

// OutputEnv names a folder where Screenshot also writes, under the test's
// name, so that a CI run can keep the pictures.
const OutputEnv = "GRIDBOX_TEST_OUTPUT"

// ExecEnv names the browser to run instead of chromium (a path or a name on
// PATH).
const ExecEnv = "GRIDBOX_CHROMIUM"

// actionTimeout bounds every action, so that a browser that hangs fails the
// test instead of stalling the run.
const actionTimeout = 15 * time.Second

// A Page is one tab of a headless browser that Open started for a test.
type Page struct {
	t   testing.TB
	ctx context.Context

	mu         sync.Mutex
	exceptions []string      // uncaught exceptions of the page, until the test ends
	touches    []Point       // the touch points held now
	offset     time.Duration // the page's clock ahead of ours; see ClockOffset
	synced     bool
}

// A Point is a place on the page in CSS pixels from the viewport's top
// left, and for a touch its identifier.
type Point struct {
	X, Y float64
	ID   int
}

// Options for Open.
type Options struct {
	Width, Height int  // the viewport in CSS pixels; 0: 1024×768
	Touch         bool // emulate a touch screen (needed for Touch to reach the page)
}

// Find returns the browser to run: $GRIDBOX_CHROMIUM, chromium on PATH or
// /usr/bin/chromium; "" when there is none.
func Find() string {
	for _, name := range []string{os.Getenv(ExecEnv), "chromium", "/usr/bin/chromium"} {
		if name == "" {
			continue
		}
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	return ""
}

// A Browser is a headless browser that Start started for a test and its
// subtests; each Tab is a page of its own.
type Browser struct {
	ctx context.Context // the first tab's: its browser's
}

// Start starts a headless browser with a fresh profile in a temporary
// folder, for t and its subtests; it ends with t. Tests that share one
// (as subtests) save the second or so a browser takes to start.
func Start(t testing.TB) *Browser {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests measure wall-clock latencies and do not run with -short (as under qemu); make unit runs them")
	}
	testlock.Exclusive(t) // not beside a JACK server held to real time
	path := Find()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no browser: chromium is not installed, and in CI scripts/setup.sh --test installs it")
		}
		t.Skip("no browser: install Debian's chromium (scripts/setup.sh --test does) to run the browser tests")
	}
	flags := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1024, 768),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // as root in CI; the page is the test's own
		chromedp.Flag("disable-gpu", true),
		// Nothing but the page under test on the network, and nothing
		// installed or synced behind its back.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		// Timers and animation frames at full rate: the tests measure
		// latencies and watch lights flash in tempo.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("force-color-profile", "srgb"),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), flags...)
	ctx, cancel := chromedp.NewContext(actx)
	start := time.Now()
	// The first action starts the browser and binds its life to the
	// context it is given: ctx, which a timer cancels if it hangs.
	hung := time.AfterFunc(2*actionTimeout, cancel)
	err := chromedp.Do(ctx)
	if !hung.Stop() {
		err = fmt.Errorf("not started in %v", 2*actionTimeout)
	}
	if err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("browsertest: starting %s: %v", path, err)
	}
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	t.Logf("browsertest: %s started in %v", filepath.Base(path), time.Since(start).Round(time.Millisecond))
	return &Browser{ctx: ctx}
}

// Open starts a browser for t and opens a tab in it (Start, then Tab).
func Open(t testing.TB, opt Options) *Page {
	t.Helper()
	return Start(t).Tab(t, opt)
}

// Tab opens a blank tab for t, which may be a subtest of Start's test; it
// closes when t ends, and an exception its page threw meanwhile fails t.
func (b *Browser) Tab(t testing.TB, opt Options) *Page {
	t.Helper()
	if opt.Width == 0 {
		opt.Width, opt.Height = 1024, 768
	}
	ctx, cancel := chromedp.NewContext(b.ctx)
	p := &Page{t: t, ctx: ctx}
	console := chromedp.Console(ctx) // subscribes: opens the tab
	var wg sync.WaitGroup
	wg.Go(func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.IsException() {
				p.mu.Lock()
				p.exceptions = append(p.exceptions, m.String())
				p.mu.Unlock()
			}
		}
	})
	t.Cleanup(func() {
		p.mu.Lock()
		threw := p.exceptions
		p.mu.Unlock()
		cancel()
		wg.Wait()
		for _, e := range threw {
			t.Errorf("browsertest: the page threw: %s", e)
		}
	})
	var vopts []chromedp.EmulateViewportOption
	if opt.Touch {
		vopts = append(vopts, chromedp.EmulateTouch)
	}
	p.do("open a tab", chromedp.EmulateViewport(int64(opt.Width), int64(opt.Height), vopts...))
	return p
}

// do runs actions in the tab, failing the test on an error.
func (p *Page) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("browsertest: %s: %v", what, err)
	}
}

// Context returns the tab's context, for chromedp actions the Page has no
// method for.
func (p *Page) Context() context.Context { return p.ctx }

// Navigate loads url and waits for its load event.
func (p *Page) Navigate(url string) {
	p.t.Helper()
	p.do("navigate to "+url, chromedp.Navigate(url))
}

// Eval evaluates the JavaScript expression js in the page (awaiting a
// promise) and decodes its value into a T, failing the test on an
// exception or a value that does not decode.
func Eval[T any](p *Page, js string) T {
	p.t.Helper()
	v, err := TryEval[T](p, js)
	if err != nil {
		p.t.Fatalf("browsertest: %s: %v", js, err)
	}
	return v
}

// TryEval is Eval returning the error.
func TryEval[T any](p *Page, js string) (T, error) {
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
}

// Wait waits until the JavaScript expression cond is true (checked every
// animation frame), for at most timeout; on a timeout it fails the test,
// saying what, and the value of show (a JavaScript expression, "" for
// none) for the failure message.
func (p *Page) Wait(what, cond, show string, timeout time.Duration) {
	p.t.Helper()
	if err := p.TryWait(cond, timeout); err != nil {
		msg := fmt.Sprintf("browsertest: waiting %v for %s (%s): %v", timeout, what, cond, err)
		if show != "" {
			v, err := TryEval[any](p, show)
			msg += fmt.Sprintf("\n%s = %v (%v)", show, v, err)
		}
		p.t.Fatal(msg)
	}
}

// Poll waits until the JavaScript expression js has a truthy value
// (checked every animation frame) and returns that value decoded into a
// T, failing the test after timeout, saying what. The value is read in the
// same evaluation that finds it truthy, so it cannot have moved on.
func Poll[T any](p *Page, what, js string, timeout time.Duration) T {
	p.t.Helper()
	v, err := TryPoll[T](p, js, timeout)
	if err != nil {
		p.t.Fatalf("browsertest: waiting %v for %s (%s): %v", timeout, what, js, err)
	}
	return v
}

// TryPoll is Poll returning the error.
func TryPoll[T any](p *Page, js string, timeout time.Duration) (T, error) {
	ctx, cancel := context.WithTimeout(p.ctx, timeout+time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Poll[T](js, chromedp.WithPollingTimeout(timeout)))
}

// TryWait is Wait returning the error (a context.DeadlineExceeded one on
// a timeout).
func (p *Page) TryWait(cond string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(p.ctx, timeout+time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(timeout)))
	return err
}

// Attr returns attribute name of the first element matching the CSS
// selector sel, failing the test when there is none.
func (p *Page) Attr(sel, name string) string {
	p.t.Helper()
	return Eval[string](p, fmt.Sprintf(`(() => {
		const e = document.querySelector(%q);
		if (!e) throw new Error("no element " + %q);
		return e.getAttribute(%q) ?? "";
	})()`, sel, sel, name))
}

// Attrs returns attribute name of every element matching sel, in document
// order ("" where one has none).
func (p *Page) Attrs(sel, name string) []string {
	p.t.Helper()
	return Eval[[]string](p, fmt.Sprintf(`Array.from(document.querySelectorAll(%q), e => e.getAttribute(%q) ?? "")`, sel, name))
}

// Center scrolls the first element matching sel into view and returns
// its centre, failing the test when there is none.
func (p *Page) Center(sel string) Point {
	p.t.Helper()
	xy := Eval[[2]float64](p, fmt.Sprintf(`(() => {
		const e = document.querySelector(%q);
		if (!e) throw new Error("no element " + %q);
		e.scrollIntoView({block: "nearest", inline: "nearest"});
		const r = e.getBoundingClientRect();
		return [r.left + r.width / 2, r.top + r.height / 2];
	})()`, sel, sel))
	return Point{X: xy[0], Y: xy[1]}
}

// MouseDown presses the left mouse button at pt (the page sees
// pointerdown and mousedown).
func (p *Page) MouseDown(pt Point) {
	p.t.Helper()
	p.mouse("mouse down", input.DispatchMouseEventTypeMousePressed, pt)
}

// MouseUp releases the left mouse button at pt.
func (p *Page) MouseUp(pt Point) {
	p.t.Helper()
	p.mouse("mouse up", input.DispatchMouseEventTypeMouseReleased, pt)
}

func (p *Page) mouse(what string, typ input.DispatchMouseEventType, pt Point) {
	p.t.Helper()
	p.do(what, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if typ == input.DispatchMouseEventTypeMousePressed {
			// Move there first, as a hand would: hover, then press.
			if _, err := cdp.Call(ctx, t, input.DispatchMouseEvent, input.DispatchMouseEventParams{
				Type: input.DispatchMouseEventTypeMouseMoved, X: pt.X, Y: pt.Y,
			}); err != nil {
				return err
			}
		}
		_, err := cdp.Call(ctx, t, input.DispatchMouseEvent, input.DispatchMouseEventParams{
			Type: typ, X: pt.X, Y: pt.Y, Button: input.MouseButtonLeft, ClickCount: 1,
		})
		return err
	}))
}

// Click presses and releases the left mouse button at the centre of the
// first element matching sel.
func (p *Page) Click(sel string) {
	p.t.Helper()
	pt := p.Center(sel)
	p.MouseDown(pt)
	p.MouseUp(pt)
}

// TouchDown puts a finger down at pt, beside those already down; pt.ID
// names the finger (unique among those down). The page sees touchstart and
// pointerdown (pointerType "touch"). Open needs Options.Touch.
func (p *Page) TouchDown(pt Point) {
	p.t.Helper()
	p.mu.Lock()
	for _, q := range p.touches {
		if q.ID == pt.ID {
			p.mu.Unlock()
			p.t.Fatalf("browsertest: touch %d is already down", pt.ID)
		}
	}
	p.touches = append(p.touches, pt)
	p.mu.Unlock()
	// A touchStart with the new finger alone: Chromium keeps the ones down
	// before as they are (stationary points of the same event).
	points := touchPoints([]Point{pt})
	p.touch(fmt.Sprintf("touch %d down", pt.ID), input.DispatchTouchEventTypeTouchStart, points)
}

// TouchUp lifts finger id; the others stay down.
func (p *Page) TouchUp(id int) {
	p.t.Helper()
	p.mu.Lock()
	i := -1
	for j, q := range p.touches {
		if q.ID == id {
			i = j
		}
	}
	if i < 0 {
		p.mu.Unlock()
		p.t.Fatalf("browsertest: touch %d is not down", id)
	}
	gone := p.touches[i : i+1]
	p.touches = slices.Delete(slices.Clone(p.touches), i, i+1)
	points := touchPoints(gone)
	p.mu.Unlock()
	// The protocol's touchEnd with a point lifts that finger only (Chromium
	// keeps the others down); one without points would lift them all.
	p.touch(fmt.Sprintf("touch %d up", id), input.DispatchTouchEventTypeTouchEnd, points)
}

// touchPoints returns fingers as the protocol's points.
func touchPoints(pts []Point) []*input.TouchPoint {
	points := []*input.TouchPoint{}
	for _, q := range pts {
		one, id := 1.0, float64(q.ID)
		points = append(points, &input.TouchPoint{X: q.X, Y: q.Y, RadiusX: &one, RadiusY: &one, Force: &one, ID: &id})
	}
	return points
}

func (p *Page) touch(what string, typ input.DispatchTouchEventType, points []*input.TouchPoint) {
	p.t.Helper()
	p.do(what, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: points})
		return err
	}))
}

// ClockOffset returns how far the page's clock (performance.timeOrigin +
// performance.now(), which event time stamps count on) is ahead of this
// process's wall clock: the reading with the shortest round trip of 7,
// within half that round trip (well under a millisecond here). It is
// measured once per Page.
func (p *Page) ClockOffset() time.Duration {
	p.t.Helper()
	p.mu.Lock()
	if p.synced {
		defer p.mu.Unlock()
		return p.offset
	}
	p.mu.Unlock()
	best := time.Duration(-1)
	var offset time.Duration
	for range 7 {
		t0 := time.Now()
		ms := Eval[float64](p, `performance.timeOrigin + performance.now()`)
		t1 := time.Now()
		if rtt := t1.Sub(t0); best < 0 || rtt < best {
			best = rtt
			mid := t0.Add(rtt / 2)
			offset = time.UnixMicro(int64(ms * 1000)).Sub(mid)
		}
	}
	p.mu.Lock()
	p.offset, p.synced = offset, true
	p.mu.Unlock()
	p.t.Logf("browsertest: the page's clock is %v ahead of ours (± %v)", offset, best/2)
	return offset
}

// PageTime converts a time on the page's clock (ms since the epoch, as
// performance.timeOrigin + event.timeStamp) to this process's clock.
func (p *Page) PageTime(ms float64) time.Time {
	p.t.Helper()
	return time.UnixMicro(int64(ms * 1000)).Add(-p.ClockOffset())
}

// Screenshot writes what the viewport shows as name.png (name: a file name
// without a folder) and returns the first path written. It writes into the
// test's artifact folder (go test -artifacts keeps it in -outputdir; else
// it goes with the test), into $GRIDBOX_TEST_OUTPUT/TESTNAME/ when that is
// set, and into the module's docs/ folder with -args -browsertest.docs.
func (p *Page) Screenshot(name string) string {
	p.t.Helper()
	if name == "" || filepath.Base(name) != name || strings.HasPrefix(name, ".") {
		p.t.Fatalf("browsertest: screenshot name %q: want a plain file name", name)
	}
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("browsertest: screenshot: %v", err)
	}
	var dirs []string
	if t, ok := p.t.(interface{ ArtifactDir() string }); ok {
		dirs = append(dirs, t.ArtifactDir())
	} else {
		dirs = append(dirs, p.t.TempDir())
	}
	if out := os.Getenv(OutputEnv); out != "" {
		dirs = append(dirs, filepath.Join(out, strings.ReplaceAll(p.t.Name(), "/", "_")))
	}
	if *docs {
		root, err := moduleRoot()
		if err != nil {
			p.t.Fatalf("browsertest: -browsertest.docs: %v", err)
		}
		dirs = append(dirs, filepath.Join(root, "docs"))
	}
	var first string
	for _, dir := range dirs {
		file := filepath.Join(dir, name+".png")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			p.t.Fatal(err)
		}
		if err := os.WriteFile(file, png, 0o644); err != nil {
			p.t.Fatal(err)
		}
		p.t.Logf("browsertest: screenshot %s (%d bytes)", file, len(png))
		if first == "" {
			first = file
		}
	}
	return first
}

// moduleRoot returns the folder of the go.mod above the working directory
// (a test runs in its package's folder).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = up
	}
}
