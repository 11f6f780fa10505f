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
window.fingers = 0; // the most touches down at once
document.addEventListener("touchstart", ev => { fingers = Math.max(fingers, ev.touches.length) });
for (const e of document.querySelectorAll("div")) {
	for (const type of ["pointerdown", "pointerup"]) {
		e.addEventListener(type, ev => {
			log.push(e.id + ":" + type + ":" + ev.pointerType);
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

// TestMouse: a press and a release reach the page as separate steps, and
// what the page does meanwhile (a held square) can be read in between.
func TestMouse(t *testing.T) {
	p := Open(t, Options{})
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
	p.MouseDown(at)
	p.Wait("#a held", `document.querySelector("#a").className === "held"`, "log", time.Second)
	if got := Eval[[]string](p, "log"); !slices.Equal(got, []string{"a:pointerdown:mouse"}) {
		t.Fatalf("after the press: %q", got)
	}
	p.MouseUp(at)
	p.Click("#b")
	want := []string{"a:pointerdown:mouse", "a:pointerup:mouse", "b:pointerdown:mouse", "b:pointerup:mouse"}
	if got := Eval[[]string](p, "log"); !slices.Equal(got, want) {
		t.Fatalf("log %q\nwant %q", got, want)
	}
}

// TestMultiTouch: two fingers down at once, then lifted one at a time,
// reach the page as two downs then two ups; and the screenshot shows the
// held square red.
func TestMultiTouch(t *testing.T) {
	p := Open(t, Options{Width: 400, Height: 200, Touch: true})
	p.Navigate(serve(t))
	a, b := p.Center("#a"), p.Center("#b")
	a.ID, b.ID = 1, 2
	p.TouchDown(a)
	p.TouchDown(b)
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

// TestPageErrorsFail: an exception the page throws is caught (the test
// checks the record, as a failure of its own would end this test).
func TestPageErrorsFail(t *testing.T) {
	p := Open(t, Options{})
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
