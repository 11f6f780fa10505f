package web

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"gridbox/grid"
)

// fakeControl records what the server asks of the show.
type fakeControl struct {
	mu       sync.Mutex
	presses  []press
	switches []string
}

func (f *fakeControl) Press(b grid.Button, down bool, vel uint8) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.presses = append(f.presses, press{b, down, vel})
	return true
}

func (f *fakeControl) Switch(path string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.switches = append(f.switches, path)
	return nil
}

func (f *fakeControl) calls() ([]press, []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]press(nil), f.presses...), append([]string(nil), f.switches...)
}

// start starts a server on 127.0.0.1:0 with a fake Control (unless cfg has
// one) and closes it when the test ends.
func start(t testing.TB, cfg Config) (*Server, *fakeControl) {
	t.Helper()
	return startWith(t, cfg, defaultLimits)
}

// startWith is start with other limits.
func startWith(t testing.TB, cfg Config, lim limits) (*Server, *fakeControl) {
	t.Helper()
	fc := &fakeControl{}
	if cfg.Control == nil {
		cfg.Control = fc
	}
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	s, err := listen(cfg, lim)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s, fc
}

// post sends body as JSON to the server's path and returns the status.
func post(t testing.TB, s *Server, path, body string) int {
	t.Helper()
	resp, err := http.Post(s.URL()+strings.TrimPrefix(path, "/"), "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// An sse is an open events stream.
type sse struct {
	events chan sseEvent
	body   io.Closer
}

type sseEvent struct{ name, data string }

// subscribe opens the server's events stream; it is closed when the test
// ends.
func subscribe(t testing.TB, s *Server, header http.Header) *sse {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL()+"api/events", nil)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		resp.Body.Close()
		t.Fatalf("events: %s", resp.Status)
	}
	c := &sse{events: make(chan sseEvent, 1024), body: resp.Body}
	go func() {
		defer close(c.events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		var e sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if e.name != "" {
					c.events <- e
				}
				e = sseEvent{}
			case strings.HasPrefix(line, "event: "):
				e.name = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				e.data = line[len("data: "):]
			}
		}
	}()
	t.Cleanup(func() { resp.Body.Close() })
	return c
}

// next returns the next event called name, skipping others.
func (c *sse) next(t testing.TB, name string) string {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case e, ok := <-c.events:
			if !ok {
				t.Fatalf("events stream ended waiting for %q", name)
			}
			if e.name == name {
				return e.data
			}
		case <-timeout:
			t.Fatalf("no %q event in 5 s", name)
		}
	}
}

type lightsMsg struct {
	Seq  uint64            `json:"seq"`
	T    int64             `json:"t"`
	Full bool              `json:"full"`
	L    map[string]string `json:"l"`
}

func (c *sse) lights(t testing.TB) lightsMsg {
	t.Helper()
	var m lightsMsg
	if err := json.Unmarshal([]byte(c.next(t, "lights")), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestPressReachesControlInOrder(t *testing.T) {
	s, fc := start(t, Config{})
	if code := post(t, s, "/api/press", `{"e":[[0,0,true,100],[8,3,true,1],[0,0,false,0],[-1,7,1,127]],"t":1700000000000}`); code != 204 {
		t.Fatalf("press: %d, want 204", code)
	}
	got, _ := fc.calls()
	want := []press{
		{grid.Button{X: 0, Y: 0}, true, 100},
		{grid.Button{X: 8, Y: 3}, true, 1},
		{grid.Button{X: 0, Y: 0}, false, 0},
		{grid.Button{X: -1, Y: 7}, true, 127},
	}
	if len(got) != len(want) {
		t.Fatalf("presses %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("press %d: %v, want %v", i, got[i], want[i])
		}
	}
}

// A new client is sent the whole frame; then each Lights call that changes
// something is sent as the changed buttons only, with the next sequence
// number; a call that changes nothing sends nothing.
func TestLightsDeltas(t *testing.T) {
	s, _ := start(t, Config{})
	a, b := grid.Button{X: 0, Y: 0}, grid.Button{X: 8, Y: 7}
	red := grid.Light{Color: grid.Color{R: 255}}
	s.Lights([]grid.Button{a, b}, []grid.Light{red, {Color: grid.Color{R: 0xff, G: 0x80}, Mode: grid.Flash}})

	c := subscribe(t, s, nil)
	snap := c.lights(t)
	if !snap.Full || len(snap.L) != len(layoutButtons) {
		t.Fatalf("snapshot: full %v, %d lights, want the whole frame of %d", snap.Full, len(snap.L), len(layoutButtons))
	}
	for k, v := range snap.L {
		want := "off"
		switch k {
		case "0,0":
			want = "ff0000"
		case "8,7":
			want = "ff8000/flash"
		}
		if v != want {
			t.Errorf("snapshot %s = %q, want %q", k, v, want)
		}
	}

	// The same frame again: nothing. Then one change: only it.
	s.Lights([]grid.Button{a, b}, []grid.Light{red, {Color: grid.Color{R: 0xff, G: 0x80}, Mode: grid.Flash}})
	s.Lights([]grid.Button{a, b, {X: 99, Y: 0}}, []grid.Light{red, {Color: grid.Color{B: 1}, Mode: grid.Pulse}, red})
	d := c.lights(t)
	if d.Full || d.Seq != snap.Seq+1 || len(d.L) != 1 || d.L["8,7"] != "000001/pulse" {
		t.Errorf("delta %+v, want seq %d with only 8,7 = 000001/pulse", d, snap.Seq+1)
	}
	if now := time.Now().UnixMilli(); d.T > now || d.T < now-5000 {
		t.Errorf("delta t = %d, not the server's clock (%d)", d.T, now)
	}
	s.Lights([]grid.Button{a}, []grid.Light{grid.Off})
	if d := c.lights(t); d.Seq != snap.Seq+2 || len(d.L) != 1 || d.L["0,0"] != "off" {
		t.Errorf("delta %+v, want seq %d with only 0,0 = off", d, snap.Seq+2)
	}

	// A second client's snapshot is the frame as it is now.
	c2 := subscribe(t, s, nil)
	snap2 := c2.lights(t)
	if n, _ := s.hub.clientCount(); n != 2 {
		t.Errorf("%d clients, want 2", n)
	}
	if !snap2.Full || snap2.Seq != snap.Seq+2 || snap2.L["0,0"] != "off" || snap2.L["8,7"] != "000001/pulse" {
		t.Errorf("second snapshot seq %d 0,0=%q 8,7=%q", snap2.Seq, snap2.L["0,0"], snap2.L["8,7"])
	}
}

func TestStatusAndViewEvents(t *testing.T) {
	s, _ := start(t, Config{})
	c := subscribe(t, s, nil)
	c.next(t, "status")
	s.Status(Status{Bar: 3, Beat: 2, Tempo: 120, Health: "lost", Controllers: []string{"launchpad-x on hw:1"}})
	var st statusJSON
	json.Unmarshal([]byte(c.next(t, "status")), &st)
	if st.Bar != 3 || st.Beat != 2 || st.Tempo != 120 || st.Health != "lost" || len(st.Controllers) != 1 {
		t.Errorf("status %+v", st)
	}
	// The same status again is not sent; the next that differs is.
	s.Status(Status{Bar: 3, Beat: 2, Tempo: 120, Health: "lost", Controllers: []string{"launchpad-x on hw:1"}})
	s.Status(Status{Bar: 3, Beat: 3, Tempo: 120, Health: "lost", Controllers: []string{"launchpad-x on hw:1"}})
	json.Unmarshal([]byte(c.next(t, "status")), &st)
	if st.Beat != 3 {
		t.Errorf("status %+v after an unchanged one, want beat 3", st)
	}
	s.View(View{Set: "live", Tracks: []Track{{"Drums", grid.Color{R: 255, G: 0x80}}}, Scenes: []string{"", "Verse"}, Errors: []string{"a.toml:1:2: bad"}})
	var v viewJSON
	json.Unmarshal([]byte(c.next(t, "view")), &v)
	if v.Set != "live" || len(v.Tracks) != 1 || v.Tracks[0].Color != "ff8000" || v.Scenes[1] != "Verse" || v.Errors[0] != "a.toml:1:2: bad" {
		t.Errorf("view %+v", v)
	}
}

func TestPage(t *testing.T) {
	s, _ := start(t, Config{})
	resp, err := http.Get(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `data-x="8" data-y="7" data-light="off"`) ||
		!strings.Contains(string(body), `data-name="stopall">stopall<`) {
		t.Errorf("page: %s\n%s", resp.Status, body)
	}
	total := len(indexHTML)
	for name, a := range assets {
		total += len(a.data)
		resp, err := http.Get(s.URL() + "static/" + name)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != a.typ {
			t.Errorf("static %s: %s %s", name, resp.Status, resp.Header.Get("Content-Type"))
		}
	}
	if total > 100_000 {
		t.Errorf("the page weighs %d bytes, more than 100 kB", total)
	}
	t.Logf("page weight %d bytes", total)
}

// sameStatus sees a change in every field of Status.
func TestSameStatusSeesEveryField(t *testing.T) {
	var a Status
	ft := reflect.TypeFor[Status]()
	for i := range ft.NumField() {
		b := a
		f := reflect.ValueOf(&b).Elem().Field(i)
		switch f.Kind() {
		case reflect.Int:
			f.SetInt(1)
		case reflect.Uint64:
			f.SetUint(1)
		case reflect.Float64:
			f.SetFloat(1)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.String:
			f.SetString("x")
		case reflect.Slice:
			f.Set(reflect.ValueOf([]string{"x"}))
		default:
			t.Fatalf("field %s: a %s", ft.Field(i).Name, f.Kind())
		}
		if sameStatus(a, b) {
			t.Errorf("sameStatus does not see %s", ft.Field(i).Name)
		}
	}
}

// An events stream outlasts the server's read timeout (which is for
// requests and their bodies).
func TestEventsOutlastReadTimeout(t *testing.T) {
	s, _ := startWith(t, Config{}, limits{conns: maxConns, clients: maxClients, read: 100 * time.Millisecond})
	c := subscribe(t, s, nil)
	first := c.lights(t)
	time.Sleep(300 * time.Millisecond) // three read timeouts: nothing to wait for but time
	s.Lights([]grid.Button{{X: 2, Y: 2}}, []grid.Light{{Color: grid.Color{B: 7}}})
	if m := c.lights(t); m.Full || m.Seq != first.Seq+1 || m.L["2,2"] != "000007" {
		t.Errorf("after the read timeout: %+v, want the delta on the same stream", m)
	}
	// A request still has to come in time.
	addr := strings.TrimSuffix(strings.TrimPrefix(s.URL(), "http://"), "/")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "POST /api/press HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
	t0 := time.Now()
	conn.SetReadDeadline(t0.Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if d := time.Since(t0); d > 2*time.Second || (err == nil && resp.StatusCode != 400) {
		t.Errorf("a body that never comes: %v, %v after %v; want 400 or the connection closed at once", resp, err, d)
	}
}

// The hub's lock is not held while a view or a snapshot is encoded
// (View on the session goroutine, a changed set list on a handler, a new
// client's snapshot), so that the show's goroutines never wait for an
// encoding.
func TestNoEncodingUnderTheHubLock(t *testing.T) {
	var mu sync.Mutex
	var calls, locked int
	encodeHook = func(h *hub) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if h.mu.TryLock() {
			h.mu.Unlock()
		} else {
			locked++
		}
	}
	t.Cleanup(func() { encodeHook = nil }) // after the server's Close (cleanups run last first)
	dir := t.TempDir()
	s, _ := start(t, Config{SetsDir: dir})
	s.View(View{Set: "x", Tracks: []Track{{"Drums", grid.Color{R: 1}}}})
	c := subscribe(t, s, nil) // a snapshot
	c.lights(t)
	os.WriteFile(filepath.Join(dir, "b.toml"), nil, 0o644)
	if code := getCode(t, s.URL()+"api/sets"); code != 200 {
		t.Fatalf("GET /api/sets: %d", code)
	}
	if v := c.next(t, "view"); !strings.Contains(v, `"sets":["b.toml"]`) {
		t.Errorf("the view after a new set: %s", v)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls < 4 || locked > 0 {
		t.Errorf("%d of %d encodings under the hub's lock (want 0 of at least 4)", locked, calls)
	}
}

func getCode(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}
