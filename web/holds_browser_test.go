package web

// The page's side of "Held buttons" (doc.go) in a real browser.

import (
	"slices"
	"testing"
	"time"

	"gridbox/grid"
	"gridbox/internal/browsertest"
)

// testHolds, in one tab (each opens in about a second):
//   - a press whose POST fails on the way is sent again, before the
//     release;
//   - when the page's stream is dropped while a pad is held, the server
//     releases it, and the page, once it has a new snapshot, holds nothing
//     either: lifting the mouse sends nothing the Control takes, and the
//     next press of the pad is taken;
//   - a pad held with the mouse is the page's (by its id) on the server,
//     and it is released when the page goes away.
func testHolds(t *testing.T, br *browsertest.Browser) {
	s, c, p := openView(t, br, browsertest.Options{}, "")
	want := func(n int, b grid.Button, down bool, what string) {
		t.Helper()
		ps := c.waitPresses(t, n)
		if g := ps[n-1]; g.b != b || g.down != down {
			t.Fatalf("%s: the Control got %+v, want %v down %v as call %d", what, ps, b, down, n)
		}
	}

	// Retried.
	browsertest.Eval[bool](p, `(() => {
		const real = window.fetch;
		let failed = 0;
		window.fetch = (u, o) => u === '/api/press' && failed++ < 2 ? Promise.reject(new TypeError('offline')) : real(u, o);
		return true;
	})()`)
	b := grid.Button{X: 2, Y: 6}
	at := p.Center(padSel(b))
	p.MouseDown(at)
	p.MouseUp(at)
	want(1, b, true, "the press after two failed POSTs")
	want(2, b, false, "its release")

	// Reconnected.
	b = grid.Button{X: 3, Y: 4}
	at = p.Center(padSel(b))
	p.MouseDown(at)
	want(3, b, true, "the press")
	browsertest.Eval[bool](p, "gridbox.connected = false, true")
	s.hub.mu.Lock()
	for len(s.hub.clients) > 0 {
		s.hub.removeLocked(0) // as for a client that reads too slowly
	}
	s.hub.mu.Unlock()
	want(4, b, false, "the stream dropped")
	p.Wait("the page reconnected", "gridbox.connected", "gridbox.seq", 5*time.Second)
	if held := browsertest.Eval[int](p, `document.querySelectorAll("#grid .held").length`); held != 0 {
		t.Errorf("after the reconnect %d buttons show held", held)
	}
	p.MouseUp(at)
	p.MouseDown(at)
	want(5, b, true, "the press after the reconnect")

	// Gone.
	id := browsertest.Eval[string](p, "gridbox.id")
	if !validID(id) || !slices.Equal(s.holds.held(id), []grid.Button{b}) {
		t.Fatalf("page %q holds %v on the server, want %v", id, s.holds.held(id), b)
	}
	p.Navigate("about:blank") // the mouse never comes up
	want(6, b, false, "the page gone")
	waitFor(t, "the page forgotten", func() bool { return s.holds.tracked() == 0 })
	if ps := c.waitPresses(t, 6); len(ps) != 6 {
		t.Errorf("the Control got %d calls, want 6: %+v", len(ps), ps)
	}
}
