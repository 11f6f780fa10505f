package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gridbox/grid"
)

// holdControl holds buttons as the virtual controller does: a press of a
// held button and a release of a free one are refused. It records every
// call it takes.
type holdControl struct {
	mu    sync.Mutex
	held  map[grid.Button]bool
	calls []press
}

func (c *holdControl) Press(b grid.Button, down bool, vel uint8) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.held == nil {
		c.held = map[grid.Button]bool{}
	}
	if c.held[b] == down {
		return false
	}
	c.held[b] = down
	c.calls = append(c.calls, press{b, down, vel})
	return true
}

func (c *holdControl) Switch(string) error { return nil }

// isHeld reports whether b is held.
func (c *holdControl) isHeld(b grid.Button) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.held[b]
}

func (c *holdControl) taken() []press {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.calls)
}

// pressAs posts one press or release of b for page id ("": none).
func pressAs(t *testing.T, s *Server, id string, b grid.Button, down bool) {
	t.Helper()
	c := ""
	if id != "" {
		c = fmt.Sprintf(`"c":%q,`, id)
	}
	if code := post(t, s, "api/press", fmt.Sprintf(`{%s"e":[[%d,%d,%v,100]]}`, c, b.X, b.Y, down)); code != 204 {
		t.Fatalf("press %v %v as %q: %d", b, down, id, code)
	}
}

// subscribeAs opens page id's events stream and waits for its snapshot;
// close ends it.
func subscribeAs(t *testing.T, s *Server, id string) (close func()) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL()+"api/events?c="+id, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		resp.Body.Close()
		t.Fatalf("events as %q: %s", id, resp.Status)
	}
	resp.Body.Read(make([]byte, 1)) // the snapshot is coming: the handler has counted the stream
	t.Cleanup(func() { resp.Body.Close() })
	return func() { resp.Body.Close() }
}

// Rules 2–4 of "Held buttons": when a page's events stream ends, what it
// held is released; another page's release does not end its hold.
func TestStreamEndReleasesHolds(t *testing.T) {
	hc := &holdControl{}
	s, _ := start(t, Config{Control: hc})
	shift, pad := grid.Button{X: -1, Y: 7}, grid.Button{X: 3, Y: 3}
	closeA := subscribeAs(t, s, "a1")
	closeB := subscribeAs(t, s, "b2")
	pressAs(t, s, "a1", shift, true)
	pressAs(t, s, "a1", pad, true)
	pressAs(t, s, "b2", shift, false) // not B's: ignored
	pressAs(t, s, "", shift, false)   // nor a script's
	pressAs(t, s, "b2", shift, true)  // refused: A holds it
	pressAs(t, s, "b2", shift, false) // so still not B's
	if !hc.isHeld(shift) || !hc.isHeld(pad) {
		t.Fatalf("after B's releases: shift held %v, pad held %v; want both still A's", hc.isHeld(shift), hc.isHeld(pad))
	}
	closeB()
	time.Sleep(50 * time.Millisecond)
	if !hc.isHeld(shift) {
		t.Fatal("B's stream ended and A's hold went with it")
	}
	closeA()
	waitFor(t, "A's buttons released when its stream ended", func() bool { return !hc.isHeld(shift) && !hc.isHeld(pad) })
	want := []press{{shift, true, 100}, {pad, true, 100}}
	if got := hc.taken(); len(got) != 4 || !slices.Equal(got[:2], want) {
		t.Errorf("the Control took %v, want %v and the two releases", got, want)
	}
	waitFor(t, "no page tracked", func() bool { return s.holds.tracked() == 0 })
}

// Rule 4: a page with two streams (a reconnect not yet seen as one) keeps
// its holds until the last ends.
func TestHoldsLastAsLongAsTheLastStream(t *testing.T) {
	hc := &holdControl{}
	s, _ := start(t, Config{Control: hc})
	b := grid.Button{X: 0, Y: 8}
	close1 := subscribeAs(t, s, "p")
	close2 := subscribeAs(t, s, "p")
	pressAs(t, s, "p", b, true)
	close1()
	time.Sleep(50 * time.Millisecond)
	if !hc.isHeld(b) {
		t.Fatal("released while the page still had a stream open")
	}
	close2()
	waitFor(t, "released with the last stream", func() bool { return !hc.isHeld(b) })
}

// Rule 5: presses from a page with no stream are released after the
// lease, unless a stream with its id opens in time.
func TestPressWithoutAStreamIsLeased(t *testing.T) {
	hc := &holdControl{}
	s, _ := startWith(t, Config{Control: hc}, limits{conns: maxConns, clients: maxClients, read: readTimeout, lease: 150 * time.Millisecond})
	a, b, c := grid.Button{X: 1, Y: 1}, grid.Button{X: 2, Y: 2}, grid.Button{X: 4, Y: 4}
	t0 := time.Now()
	pressAs(t, s, "x", a, true)
	pressAs(t, s, "", c, true)
	pressAs(t, s, "y", b, true)
	closeY := subscribeAs(t, s, "y")
	waitFor(t, "x's and the script's presses released after the lease", func() bool { return !hc.isHeld(a) && !hc.isHeld(c) })
	if d := time.Since(t0); d < 150*time.Millisecond {
		t.Errorf("released after %v, before the lease's 150 ms", d)
	}
	time.Sleep(200 * time.Millisecond)
	if !hc.isHeld(b) {
		t.Fatal("y's press was released though its stream opened within the lease")
	}
	closeY()
	waitFor(t, "y's press released with its stream", func() bool { return !hc.isHeld(b) })
}

// Rule 5: at most so many page ids are tracked; a new one forgets the
// oldest without a stream, releasing its buttons.
func TestHoldersBounded(t *testing.T) {
	hc := &holdControl{}
	s, _ := startWith(t, Config{Control: hc}, limits{conns: maxConns, clients: maxClients, read: readTimeout, lease: time.Hour, holders: 3})
	subscribeAs(t, s, "s")
	pressAs(t, s, "s", grid.Button{X: 0, Y: 0}, true)
	pressAs(t, s, "p1", grid.Button{X: 1, Y: 0}, true)
	pressAs(t, s, "p2", grid.Button{X: 2, Y: 0}, true)
	pressAs(t, s, "p3", grid.Button{X: 3, Y: 0}, true)
	if hc.isHeld(grid.Button{X: 1, Y: 0}) || !hc.isHeld(grid.Button{X: 2, Y: 0}) || !hc.isHeld(grid.Button{X: 3, Y: 0}) {
		t.Errorf("held: p1 %v p2 %v p3 %v; want p1 forgotten (the oldest without a stream)",
			hc.isHeld(grid.Button{X: 1, Y: 0}), hc.isHeld(grid.Button{X: 2, Y: 0}), hc.isHeld(grid.Button{X: 3, Y: 0}))
	}
	if !hc.isHeld(grid.Button{X: 0, Y: 0}) {
		t.Error("the page with a stream was forgotten")
	}
	if n := s.holds.tracked(); n != 3 {
		t.Errorf("%d ids tracked, want 3", n)
	}
}

// A page's id is 1..32 of [a-z0-9], in the body and on the stream.
func TestPageIDChecked(t *testing.T) {
	s, fc := start(t, Config{})
	for _, c := range []string{`""`, `"A"`, `"a-b"`, `"a b"`, `"é"`, `1`, `null`, `"` + strings.Repeat("a", 33) + `"`} {
		if code := post(t, s, "api/press", `{"c":`+c+`,"e":[[0,0,true,1]]}`); code != 400 {
			t.Errorf("press with c %s: %d, want 400", c, code)
		}
	}
	for _, c := range []string{"A", "a-b", "%20", strings.Repeat("a", 33)} {
		if resp, _ := do(t, request(t, "GET", s.URL()+"api/events?c="+c, "")); resp.StatusCode != 400 {
			t.Errorf("events with c %q: %s, want 400", c, resp.Status)
		}
	}
	if ps, _ := fc.calls(); len(ps) > 0 {
		t.Errorf("Control called: %v", ps)
	}
	if code := post(t, s, "api/press", `{"c":"`+strings.Repeat("z9", 16)+`","e":[[0,0,true,1]]}`); code != 204 {
		t.Errorf("press with a 32-symbol id: %d", code)
	}
}
