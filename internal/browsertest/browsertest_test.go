package browsertest

import (
	"bytes"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"
	"time"
)

// page logs every pointer event on its two squares as "id:type:pointerType"
// and paints a square red while a pointer holds it.
const page = `<!doctype html>
<html><head><style>
body { margin: 0; }
div { position: absolute; top: 10px; width: 100px; height: 100px; background: #00f; touch-action: none; }
#a { left: 10px; } #b { left: 200px; }
div.held { background: #f00; }
</style></head><body>
<div id="a" data-light="off"></div><div id="b" data-light="ff8000/flash"></div>
<script>
window.log = [];
window.stamps = []; // each event's time stamp on the page's clock
window.fingers = 0; // the most touches down at once
document.addEventListener("touchstart", ev => { fingers = Math.max(fingers, ev.touches.length) });
for (const e of document.querySelectorAll("div")) {
	for (const type of ["pointerdown", "pointerup"]) {
		e.addEventListener(type, ev => {
			log.push(e.id + ":" + type + ":" + ev.pointerType);
			stamps.push(performance.timeOrigin + ev.timeStamp);
			e.classList.toggle("held", type === "pointerdown");
		});
	}
}
</script></body></html>`

func serve(t *testing.T) string {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(page))
	}))
	t.Cleanup(s.Close)
	return s.URL
}

// TestPage runs the page tests in one browser, each in a tab of its own.
func TestPage(t *testing.T) {
	b := Start(t)
	t.Run("Mouse", func(t *testing.T) { testMouse(t, b) })
	t.Run("MultiTouch", func(t *testing.T) { testMultiTouch(t, b) })
	t.Run("PageErrorsFail", func(t *testing.T) { testPageErrorsFail(t, b) })
}

// testMouse: a press and a release reach the page as separate steps, and
// what the page does meanwhile (a held square) can be read in between;
// the press's time stamp, on our clock, is when it was sent.
func testMouse(t *testing.T, b *Browser) {
	p := b.Tab(t, Options{})
	p.Navigate(serve(t))
	if got := p.Attrs("div", "data-light"); !slices.Equal(got, []string{"off", "ff8000/flash"}) {
		t.Fatalf("data-light %q", got)
	}
	if got := p.Attr("#b", "data-light"); got != "ff8000/flash" {
		t.Fatalf("#b data-light %q", got)
	}
	at := p.Center("#a")
	if at.X != 60 || at.Y != 60 {
		t.Fatalf("#a's centre at %v, want 60,60", at)
	}
	p.ClockOffset()
	before := time.Now()
	p.MouseDown(at)
	after := time.Now()
	p.Wait("#a held", `document.querySelector("#a").className === "held"`, "log", time.Second)
	if got := Eval[[]string](p, "log"); !slices.Equal(got, []string{"a:pointerdown:mouse"}) {
		t.Fatalf("after the press: %q", got)
	}
	// The event's time stamp, on our clock, is when the press was sent.
	stamp := p.PageTime(Eval[float64](p, "stamps[0]"))
	if slack := 2 * time.Millisecond; stamp.Before(before.Add(-slack)) || stamp.After(after.Add(slack)) {
		t.Errorf("the press's time stamp is %v after sending began (%v to send; page clock %v ahead)",
			stamp.Sub(before), after.Sub(before), p.ClockOffset())
	}
	t.Logf("press sent in %v; its time stamp %v after sending began; the page's clock is %v ahead", after.Sub(before), stamp.Sub(before), p.ClockOffset())
	p.MouseUp(at)
	p.Click("#b")
	want := []string{"a:pointerdown:mouse", "a:pointerup:mouse", "b:pointerdown:mouse", "b:pointerup:mouse"}
	if got := Eval[[]string](p, "log"); !slices.Equal(got, want) {
		t.Fatalf("log %q\nwant %q", got, want)
	}
}

// testMultiTouch: two fingers down at once, then lifted one at a time,
// reach the page as two downs then two ups; and the screenshot shows the
// held square red.
func testMultiTouch(t *testing.T, b *Browser) {
	p := b.Tab(t, Options{Width: 400, Height: 200, Touch: true})
	p.Navigate(serve(t))
	a, c := p.Center("#a"), p.Center("#b")
	a.ID, c.ID = 1, 2
	p.TouchDown(a)
	p.TouchDown(c)
	p.Wait("both held", `log.length >= 2`, "log", time.Second)
	if got := Eval[[]string](p, "log"); !slices.Equal(got, []string{"a:pointerdown:touch", "b:pointerdown:touch"}) {
		t.Fatalf("with two fingers down: %q", got)
	}
	if n := Eval[int](p, "fingers"); n != 2 {
		t.Fatalf("the page saw at most %d touches down at once, want 2", n)
	}
	p.TouchUp(1)
	p.Wait("a let go", `log.length >= 3`, "log", time.Second)
	file := p.Screenshot("multitouch")
	p.TouchUp(2)
	want := []string{"a:pointerdown:touch", "b:pointerdown:touch", "a:pointerup:touch", "b:pointerup:touch"}
	p.Wait("b let go", `log.length >= 4`, "log", time.Second)
	if got := Eval[[]string](p, "log"); !slices.Equal(got, want) {
		t.Fatalf("log %q\nwant %q", got, want)
	}

	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if sz := img.Bounds().Size(); sz.X != 400 || sz.Y != 200 {
		t.Fatalf("screenshot %v, want 400×200", sz)
	}
	// #a (let go) is blue, #b (held) red.
	for _, c := range []struct {
		x, y    int
		r, g, b uint32
	}{{60, 60, 0, 0, 0xffff}, {250, 60, 0xffff, 0, 0}} {
		r, g, b, _ := img.At(c.x, c.y).RGBA()
		if r != c.r || g != c.g || b != c.b {
			t.Errorf("screenshot at %d,%d: %04x %04x %04x, want %04x %04x %04x", c.x, c.y, r, g, b, c.r, c.g, c.b)
		}
	}
}

// testPageErrorsFail: an exception the page throws is caught (the test
// checks the record, as a failure of its own would end this test).
func testPageErrorsFail(t *testing.T, b *Browser) {
	p := b.Tab(t, Options{})
	p.Navigate(serve(t))
	Eval[bool](p, `setTimeout(() => { throw new Error("boom") }), true`)
	deadline := time.Now().Add(5 * time.Second)
	for {
		p.mu.Lock()
		n := len(p.exceptions)
		if n > 0 {
			p.exceptions = nil // seen: not this test's failure
		}
		p.mu.Unlock()
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the page's exception was not recorded")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestLatencies(t *testing.T) {
	var l Latencies
	for i := 20; i >= 1; i-- {
		l = append(l, time.Duration(i)*time.Millisecond)
	}
	if l.Median() != 10*time.Millisecond || l.Percentile(0.95) != 19*time.Millisecond || l.Percentile(1) != 20*time.Millisecond || l.Percentile(0) != time.Millisecond {
		t.Errorf("median %v p95 %v p100 %v p0 %v", l.Median(), l.Percentile(0.95), l.Percentile(1), l.Percentile(0))
	}
	if got, want := l.String(), "n=20 median 10.0 ms, p95 19.0 ms, min 1.0 ms, max 20.0 ms"; got != want {
		t.Errorf("%s, want %s", got, want)
	}
	if l[0] != 20*time.Millisecond {
		t.Error("Percentile sorted the caller's slice")
	}
}
