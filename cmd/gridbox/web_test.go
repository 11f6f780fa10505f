package main

import (
	"bufio"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"gridbox/config"
	"gridbox/show"
	"gridbox/show/showtest"
)

// sseEvent is one Server-Sent Event of the browser view.
type sseEvent struct{ name, data string }

// readEvents reads url's event stream into the channel returned until the
// response ends; the caller closes it through the test's cleanup.
func readEvents(t *testing.T, url string) <-chan sseEvent {
	t.Helper()
	resp, err := http.Get(url + "api/events")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/events: %s", resp.Status)
	}
	t.Cleanup(func() { resp.Body.Close() })
	events := make(chan sseEvent, 1024)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data += strings.TrimPrefix(line, "data: ")
			case line == "" && ev.name != "":
				select {
				case events <- ev:
				default: // the test stopped listening
				}
				ev = sseEvent{}
			}
		}
	}()
	return events
}

// awaitEvent returns the first event called name for which ok holds,
// within limit.
func awaitEvent(t *testing.T, events <-chan sseEvent, name string, limit time.Duration, ok func(data string) bool) string {
	t.Helper()
	deadline := time.After(limit)
	for {
		select {
		case ev, open := <-events:
			if !open {
				t.Fatalf("the event stream ended before a %s event", name)
			}
			if ev.name == name && ok(ev.data) {
				return ev.data
			}
		case <-deadline:
			t.Fatalf("no such %s event within %v", name, limit)
		}
	}
}

func post(t *testing.T, url, path, body string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", strings.TrimSuffix(url, "/"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// gridbox play serves the browser view: the page's presses reach the
// session through the virtual controller (a clip launches on the next
// bar, the controller log says the press came), its lights, status and
// view stream to the page, and a set switched to from the page is loaded
// as a reload is and remembered as the set played last.
func TestPlayServesTheBrowserView(t *testing.T) {
	isolate(t)
	set := showtest.ClickSet(t, "")
	dir := filepath.Dir(set)
	other := strings.Replace(string(must(os.ReadFile(set))), `name = "Click"`, `name = "Other"`, 1)
	showtest.WriteFile(t, filepath.Join(dir, "other.toml"), other)
	showtest.WriteFile(t, filepath.Join(dir, "broken.toml"), "tempo = \"fast\"\n")
	log := filepath.Join(t.TempDir(), "ctrl.log")
	var stderr syncBuffer
	stop := make(chan chan<- os.Signal, 1)
	e := &env{stdout: &syncBuffer{}, stderr: &stderr, hooks: show.Hooks{Notify: func(c chan<- os.Signal, sig ...os.Signal) {
		if len(sig) > 0 && sig[0] == syscall.SIGINT {
			stop <- c
		}
	}}}
	code := make(chan int, 1)
	go func() {
		code <- run([]string{"play", set, "--audio", "null", "--http", "127.0.0.1:0", "--seconds", "30", "--controller-log", log}, e)
	}()
	var url string
	waitUntil(t, "the browser view's address", 10*time.Second, func() bool {
		m := regexp.MustCompile(`browser view on (http://\S+/)`).FindStringSubmatch(stderr.String())
		if m != nil {
			url = m[1]
		}
		return m != nil
	})
	events := readEvents(t, url)
	awaitEvent(t, events, "view", 5*time.Second, func(d string) bool { return strings.Contains(d, `"set":"Click"`) })

	// Pad (0,0) is track 0's clip in scene 0: it starts on the next bar.
	if c := post(t, url, "api/press", `{"e":[[0,0,1,100],[0,0,0,0]]}`); c != http.StatusNoContent {
		t.Fatalf("POST /api/press: %d", c)
	}
	awaitEvent(t, events, "status", 5*time.Second, func(d string) bool { return strings.Contains(d, `"playing":1`) })

	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("stderr:\n%s", stderr.String())
		}
	})
	// A set with errors switched to is reported; the one playing plays on,
	// and is still the one watched: saving it reloads it.
	if c := post(t, url, "api/switch", `{"set":"broken.toml"}`); c != http.StatusNoContent {
		t.Fatalf("POST /api/switch broken.toml: %d", c)
	}
	awaitEvent(t, events, "view", 10*time.Second, func(d string) bool {
		return strings.Contains(d, `"set":"Click"`) && strings.Contains(d, `broken.toml:1:9: tempo: expected a number`)
	})
	showtest.WriteFile(t, set, strings.Replace(string(must(os.ReadFile(set))), `name = "Click"`, `name = "Click again"`, 1))
	awaitEvent(t, events, "view", 10*time.Second, func(d string) bool {
		return strings.Contains(d, `"set":"Click again"`) && strings.Contains(d, `"errors":[]`)
	})

	// Switch to the other set: loaded as a reload, shown, remembered.
	if c := post(t, url, "api/switch", `{"set":"other.toml"}`); c != http.StatusNoContent {
		t.Fatalf("POST /api/switch: %d", c)
	}
	awaitEvent(t, events, "view", 10*time.Second, func(d string) bool {
		return strings.Contains(d, `"set":"Other"`) && strings.Contains(d, `"file":"other.toml"`)
	})
	want, _ := filepath.Abs(filepath.Join(dir, "other.toml"))
	waitUntil(t, "the set switched to remembered as the last", 5*time.Second, func() bool {
		last, err := config.Last(config.LastDir(false))
		return err == nil && last == want
	})
	(<-stop) <- syscall.SIGINT
	if c := <-code; c != 0 {
		t.Fatalf("play exited %d:\n%s", c, stderr.String())
	}
	if l := string(must(os.ReadFile(log))); !strings.Contains(l, "virtual in 0,0 down 100") || !strings.Contains(l, "virtual in 0,0 up") {
		t.Errorf("the controller log has no press and release of pad 0,0 from the page:\n%.2000s", l)
	}
	if s := stderr.String(); !strings.Contains(s, "the browser view asks for") || !strings.Contains(s, `reloaded "Other"`) {
		t.Errorf("stderr does not say the switch:\n%s", s)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// A browser view reachable from the network needs a token: without one in
// the config, play makes one for the run and says it (with the address a
// phone opens, when the machine has one); a request without it gets 401,
// the token's link logs in.
func TestPlayMakesATokenForTheNetwork(t *testing.T) {
	isolate(t)
	set := showtest.ClickSet(t, "")
	var stderr syncBuffer
	code := make(chan int, 1)
	go func() {
		code <- run([]string{"play", set, "--audio", "null", "--http", "0.0.0.0:0", "--seconds", "1.5", "--no-watch"}, &env{stdout: &syncBuffer{}, stderr: &stderr})
	}()
	var url, token string
	waitUntil(t, "the browser view's address and token", 10*time.Second, func() bool {
		m := regexp.MustCompile(`browser view on (http://\S+/)\?token=(\S+)`).FindStringSubmatch(stderr.String())
		if m != nil {
			url, token = m[1], m[2]
		}
		return m != nil
	})
	if !strings.Contains(stderr.String(), "this run's is "+token) {
		t.Errorf("play does not say the token it made:\n%s", stderr.String())
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for path, want := range map[string]int{"": http.StatusUnauthorized, "api/events": http.StatusUnauthorized, "?token=" + token: http.StatusSeeOther} {
		resp, err := noRedirect.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET /%s: %s, want %d", path, resp.Status, want)
		}
	}
	if c := <-code; c != 0 {
		t.Fatalf("play exited %d:\n%s", c, stderr.String())
	}
	if s := stderr.String(); strings.Contains(s, "on the network at ") && !strings.Contains(s, " token "+token) {
		t.Errorf("play does not give the address and token a phone opens:\n%s", s)
	}
}
