package web

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gridbox/grid"
)

// do sends req with no redirects followed and returns the response with
// its body read.
func do(t testing.TB, req *http.Request) (*http.Response, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

func request(t testing.TB, method, u, body string, header ...string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if method == "POST" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

func TestStartRefusesTheNetworkWithoutAToken(t *testing.T) {
	for _, listen := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "example.com:0"} {
		if _, err := Start(Config{Listen: listen, Control: &fakeControl{}}); !errors.Is(err, ErrNoToken) {
			t.Errorf("Start(%q) without a token: %v, want ErrNoToken", listen, err)
		}
	}
	for _, listen := range []string{"127.0.0.1:0", "localhost:0"} {
		s, err := Start(Config{Listen: listen, Control: &fakeControl{}})
		if err != nil {
			t.Errorf("Start(%q): %v", listen, err)
			continue
		}
		s.Close()
	}
}

// Bound to every address, the server answers nothing without the token:
// 401 without the cookie or with a wrong one, the cookie (HttpOnly,
// SameSite=Strict, Path=/) for the right one by /?token= or the form.
func TestTokenRequired(t *testing.T) {
	const token = "abcd2345efgh"
	s, fc := start(t, Config{Listen: "0.0.0.0:0", Token: token})
	u := s.URL()
	for _, req := range []*http.Request{
		request(t, "GET", u, ""),
		request(t, "GET", u+"api/events", ""),
		request(t, "GET", u+"api/sets", ""),
		request(t, "GET", u+"static/app.js", ""),
		request(t, "POST", u+"api/press", `{"e":[[0,0,true,100]]}`),
		request(t, "POST", u+"api/switch", `{"set":"a.toml"}`),
		request(t, "GET", u+"?token=abcd2345efgk", ""),
		request(t, "GET", u+"?token=", ""),
		request(t, "GET", u+"?token="+token+"x", ""),
		request(t, "GET", u, "", "Cookie", "gridbox=abcd2345efgk"),
		request(t, "GET", u, "", "Cookie", "gridbox="),
		request(t, "GET", u, "", "Cookie", "gridbox="+token), // the cookie holds its digest, not the token
		request(t, "GET", u, "", "Cookie", "gridbox="+strings.ToUpper(tokenCookie(token))),
		request(t, "GET", u, "", "Authorization", "Bearer "+token),
		request(t, "POST", u+"login", "token=wrong", "Content-Type", "application/x-www-form-urlencoded"),
	} {
		resp, body := do(t, req)
		if resp.StatusCode != 401 {
			t.Errorf("%s %s %v: %s, want 401", req.Method, req.URL, req.Header, resp.Status)
		}
		if len(resp.Cookies()) > 0 {
			t.Errorf("%s %s: a cookie without the token", req.Method, req.URL)
		}
		if req.Method == "GET" && req.URL.Path == "/" && !strings.Contains(body, `<form method="post" action="/login">`) {
			t.Errorf("GET %s: no login form in %q", req.URL, body)
		}
	}
	if ps, _ := fc.calls(); len(ps) > 0 {
		t.Errorf("Control pressed without the token: %v", ps)
	}

	for _, req := range []*http.Request{
		request(t, "GET", u+"?token="+token, ""),
		request(t, "POST", u+"login", "token="+token, "Content-Type", "application/x-www-form-urlencoded"),
	} {
		resp, _ := do(t, req)
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/" {
			t.Errorf("%s %s: %s to %q, want 303 to /", req.Method, req.URL, resp.Status, resp.Header.Get("Location"))
		}
		cs := resp.Cookies()
		if len(cs) != 1 {
			t.Fatalf("%s %s: cookies %v, want one", req.Method, req.URL, cs)
		}
		c := cs[0]
		if c.Name != "gridbox" || c.Value != tokenCookie(token) || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
			t.Errorf("cookie %s, want gridbox=%s; Path=/; HttpOnly; SameSite=Strict", c, tokenCookie(token))
		}
	}

	cookie := "gridbox=" + tokenCookie(token)
	if resp, _ := do(t, request(t, "GET", u, "", "Cookie", cookie)); resp.StatusCode != 200 {
		t.Errorf("GET / with the cookie: %s", resp.Status)
	}
	if resp, _ := do(t, request(t, "POST", u+"api/press", `{"e":[[1,2,true,100]]}`, "Cookie", cookie)); resp.StatusCode != 204 {
		t.Errorf("POST /api/press with the cookie: %s", resp.Status)
	}
	if ps, _ := fc.calls(); len(ps) != 1 || ps[0].b != (grid.Button{X: 1, Y: 2}) {
		t.Errorf("presses %v, want 1,2", ps)
	}
	c := subscribe(t, s, http.Header{"Cookie": {cookie}})
	if m := c.lights(t); !m.Full {
		t.Errorf("events with the cookie: %+v", m)
	}
}

// tokenCookie is the cookie's value for token: its SHA-256 in hex.
func tokenCookie(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// A token may hold characters a cookie cannot (; " \ , space): it still
// logs in, by /?token= and by the form, and net/http logs nothing of it.
func TestTokensACookieCannotHold(t *testing.T) {
	var logged bytes.Buffer
	log.SetOutput(&logged) // net/http says "invalid byte" here for a cookie it mangles
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	for _, token := range []string{`abc;defgh12`, `abc"defgh12`, `abc\defgh12`, `a b,cdefgh`} {
		s, _ := start(t, Config{Listen: "0.0.0.0:0", Token: token})
		for _, req := range []*http.Request{
			request(t, "GET", s.URL()+"?token="+url.QueryEscape(token), ""),
			request(t, "POST", s.URL()+"login", "token="+url.QueryEscape(token), "Content-Type", "application/x-www-form-urlencoded"),
		} {
			resp, _ := do(t, req)
			cs := resp.Cookies()
			if resp.StatusCode != 303 || len(cs) != 1 {
				t.Errorf("token %q: %s %s: %s with cookies %v, want 303 and the cookie", token, req.Method, req.URL.Path, resp.Status, cs)
				continue
			}
			page, _ := do(t, request(t, "GET", s.URL(), "", "Cookie", cs[0].Name+"="+cs[0].Value))
			if page.StatusCode != 200 {
				t.Errorf("token %q: the page with the cookie it got: %s, want 200", token, page.Status)
			}
		}
	}
	if logged.Len() > 0 {
		t.Errorf("logged: %s", logged.String())
	}
}

// A POST from another origin is refused before it reaches the show.
func TestCrossOriginRefused(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.toml"), nil, 0o644)
	s, fc := start(t, Config{SetsDir: dir})
	u := s.URL()
	host := strings.TrimSuffix(strings.TrimPrefix(u, "http://"), "/")
	for _, h := range [][]string{
		{"Origin", "http://evil.example"},
		{"Origin", "http://evil.example:" + strings.Split(host, ":")[1]},
		{"Origin", "null"},
		{"Origin", "http://" + host + ".evil.example"},
		{"Origin", "file://"},
		{"Sec-Fetch-Site", "cross-site"},
	} {
		for _, p := range []struct{ path, body string }{
			{"api/press", `{"e":[[0,0,true,100]]}`},
			{"api/switch", `{"set":"a.toml"}`},
		} {
			resp, _ := do(t, request(t, "POST", u+p.path, p.body, h...))
			if resp.StatusCode != 403 {
				t.Errorf("POST %s with %s: %s, want 403", p.path, h, resp.Status)
			}
		}
	}
	if ps, sw := fc.calls(); len(ps)+len(sw) > 0 {
		t.Fatalf("Control called from another origin: %v %v", ps, sw)
	}
	// Another site's EventSource takes no client's place.
	for _, h := range [][]string{{"Origin", "http://evil.example"}, {"Sec-Fetch-Site", "cross-site"}} {
		for _, path := range []string{"api/events", "api/sets"} {
			if resp, _ := do(t, request(t, "GET", u+path, "", h...)); resp.StatusCode != 403 {
				t.Errorf("GET %s with %s: %s, want 403", path, h, resp.Status)
			}
		}
	}
	if n, _ := s.hub.clientCount(); n != 0 {
		t.Errorf("%d clients from another origin", n)
	}
	for _, h := range [][]string{nil, {"Origin", "http://" + host}, {"Sec-Fetch-Site", "same-origin"}} {
		if resp, _ := do(t, request(t, "POST", u+"api/press", `{"e":[[0,0,true,100]]}`, h...)); resp.StatusCode != 204 {
			t.Errorf("POST with %s: %s, want 204", h, resp.Status)
		}
	}
	if ps, _ := fc.calls(); len(ps) != 3 {
		t.Errorf("%d presses from this origin, want 3", len(ps))
	}
}

// Without a token only loopback names are answered: a name rebound to
// 127.0.0.1 by another site's DNS is refused.
func TestHostRebindingRefused(t *testing.T) {
	s, fc := start(t, Config{})
	for _, host := range []string{"evil.example", "evil.example:8080", "127.0.0.1.nip.io", "192.168.1.2:8080", "localhost.evil.example"} {
		for _, req := range []*http.Request{
			request(t, "GET", s.URL(), ""),
			request(t, "GET", s.URL()+"api/events", ""),
			request(t, "POST", s.URL()+"api/press", `{"e":[[0,0,true,100]]}`),
		} {
			req.Host = host
			if resp, _ := do(t, req); resp.StatusCode != 403 {
				t.Errorf("%s %s with Host %q: %s, want 403", req.Method, req.URL.Path, host, resp.Status)
			}
		}
	}
	if ps, _ := fc.calls(); len(ps) > 0 {
		t.Errorf("Control pressed through a rebound name: %v", ps)
	}
	for _, host := range []string{"localhost", "localhost:8080", "LOCALHOST:1", "127.0.0.1", "127.1.2.3:9", "[::1]:8080", "[::1]"} {
		req := request(t, "GET", s.URL(), "")
		req.Host = host
		if resp, _ := do(t, req); resp.StatusCode != 200 {
			t.Errorf("GET / with Host %q: %s, want 200", host, resp.Status)
		}
	}
}

// No name from a request reaches Switch unless it is a regular *.toml
// file directly in SetsDir.
func TestSetNamesStayInTheFolder(t *testing.T) {
	top := t.TempDir()
	dir := filepath.Join(top, "sets")
	os.Mkdir(dir, 0o755)
	write := func(p string) {
		if err := os.WriteFile(p, []byte("tempo = 120\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "a.toml"))
	write(filepath.Join(top, "secret.toml"))
	os.Mkdir(filepath.Join(dir, "x.toml"), 0o755)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	write(filepath.Join(dir, "sub", "b.toml"))
	if err := syscall.Mkfifo(filepath.Join(dir, "y.toml"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Symlink(filepath.Join(top, "secret.toml"), filepath.Join(dir, "out.toml"))
	os.Symlink("../secret.toml", filepath.Join(dir, "rel.toml"))
	os.Symlink("a.toml", filepath.Join(dir, "in.toml"))
	write(filepath.Join(dir, ".hidden.toml"))
	write(filepath.Join(dir, "a.takes.toml"))
	write(filepath.Join(dir, "a.takes.1.toml"))
	write(filepath.Join(dir, "a.takes.12.toml"))
	write(filepath.Join(dir, "b.takes.toml"))
	write(filepath.Join(dir, "notes.txt"))
	s, fc := start(t, Config{SetsDir: dir})

	for _, name := range []string{
		"../secret.toml", "../sets/a.toml", "/etc/passwd", "/etc/passwd.toml", "sub/b.toml", "a/b.toml",
		`sub\b.toml`, "%2e%2e", "%2e%2e%2fsecret.toml", "..", ".", "", ".toml", "x.toml", "y.toml",
		"out.toml", "rel.toml", ".hidden.toml", "notes.txt", "a.toml\x00", "a.toml/", "./a.toml",
		"nope.toml", "a.TOML", "a.takes.toml", "a.takes.1.toml", "a.takes.12.toml", "b.takes.toml", strings.Repeat("a", 300) + ".toml", filepath.Join(dir, "a.toml"),
	} {
		body := fmt.Sprintf(`{"set":%q}`, name)
		resp, _ := do(t, request(t, "POST", s.URL()+"api/switch", body))
		if resp.StatusCode != 400 && resp.StatusCode != 404 {
			t.Errorf("switch to %q: %s, want 400 or 404", name, resp.Status)
		}
	}
	for _, path := range []string{"api/switch/../../secret.toml", "static/", "static/..%2f..%2fsecret.toml", "static/%2e%2e/handlers.go", "static/../handlers.go", "page/app.js", "static/page"} {
		resp, body := do(t, request(t, "GET", s.URL()+path, ""))
		if resp.StatusCode == 200 || strings.Contains(body, "tempo") || strings.Contains(body, "package web") {
			t.Errorf("GET %s: %s %q", path, resp.Status, body)
		}
	}
	if _, sw := fc.calls(); len(sw) > 0 {
		t.Fatalf("Switch reached with %q", sw)
	}

	if resp, _ := do(t, request(t, "POST", s.URL()+"api/switch", `{"set":"a.toml"}`)); resp.StatusCode != 204 {
		t.Errorf("switch to a.toml: %s", resp.Status)
	}
	if _, sw := fc.calls(); len(sw) != 1 || sw[0] != filepath.Join(dir, "a.toml") {
		t.Errorf("switches %q, want the one to a.toml", sw)
	}
	_, body := do(t, request(t, "GET", s.URL()+"api/sets", ""))
	if body != `["a.toml","in.toml"]` {
		t.Errorf("sets %s, want the regular *.toml files a.toml and in.toml (a link to it), no takes files", body)
	}
}

// Bodies and headers are limited; a 10 MB body is refused at once and the
// server goes on serving.
func TestSizeLimits(t *testing.T) {
	s, fc := start(t, Config{})
	big := bytes.Repeat([]byte("x"), 10<<20)
	t0 := time.Now()
	resp, err := http.Post(s.URL()+"api/press", "application/json", bytes.NewReader(big))
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 413 {
			t.Errorf("10 MB press: %s, want 413", resp.Status)
		}
	} else if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
		t.Errorf("10 MB press: %v, want 413 (or the connection closed)", err)
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("10 MB press took %v", d)
	}
	for _, c := range []struct {
		path string
		size int
		want int
	}{
		{"api/press", 4 << 10, 400}, // within the limit: bad JSON
		{"api/press", 4<<10 + 1, 413},
		{"api/switch", 1 << 10, 400},
		{"api/switch", 1<<10 + 1, 413},
	} {
		if code := post(t, s, c.path, strings.Repeat(" ", c.size)); code != c.want {
			t.Errorf("%s with %d bytes: %d, want %d", c.path, c.size, code, c.want)
		}
	}
	req := request(t, "GET", s.URL(), "", "X-Big", strings.Repeat("a", 16<<10))
	if resp, _ := do(t, req); resp.StatusCode != 431 {
		t.Errorf("16 KiB header: %s, want 431", resp.Status)
	}
	if resp, _ := do(t, request(t, "POST", s.URL()+"api/press", `{"e":[]}`, "Content-Type", "text/plain")); resp.StatusCode != 415 {
		t.Errorf("press as text/plain: %s, want 415", resp.Status)
	}
	if ps, _ := fc.calls(); len(ps) > 0 {
		t.Errorf("presses %v", ps)
	}
	if resp, _ := do(t, request(t, "GET", s.URL(), "")); resp.StatusCode != 200 {
		t.Errorf("GET / afterwards: %s", resp.Status)
	}

	ts, _ := start(t, Config{Token: "abcd2345efgh"})
	resp, _ = do(t, request(t, "POST", ts.URL()+"login", "token="+strings.Repeat("a", 2<<10), "Content-Type", "application/x-www-form-urlencoded"))
	if resp.StatusCode != 413 {
		t.Errorf("2 KiB login: %s, want 413", resp.Status)
	}
}

func TestGarbageRefused(t *testing.T) {
	s, fc := start(t, Config{})
	for _, body := range []string{
		``, `x`, `[[`, `null`, `[]`, `{"e":[[0,0,true,100]]}x`, `{"e":[]}{"e":[]}`,
		`{"e":[[0,0,true,100]],"x":1}`, `{"E":[[0,0,true,100]],"t":1,"z":0}`,
		`{"e":[[0,0,true]]}`, `{"e":[[0,0,true,100,1]]}`, `{"e":[[9,0,true,100]]}`, `{"e":[[0,-2,true,100]]}`,
		`{"e":[[0,0,true,128]]}`, `{"e":[[0,0,true,-1]]}`, `{"e":[[1.5,0,true,100]]}`, `{"e":[[0,0,"yes",100]]}`,
		`{"e":[[0,0,2,100]]}`, `{"e":[["0",0,true,100]]}`, `{"e":{"0":1}}`, `{"e":[[0,0,true,1e2]]}`,
		`{"e":[` + strings.Repeat(`[0,0,true,1],`, 64) + `[0,0,true,1]]}`,
	} {
		resp, text := do(t, request(t, "POST", s.URL()+"api/press", body))
		if resp.StatusCode != 400 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
			t.Errorf("press %q: %s %q, want 400", body, resp.Status, text)
		}
	}
	for _, body := range []string{`{"set":1}`, `{"set":"a.toml","x":1}`, `{}`, `{"set":"a.toml"} 1`} {
		if code := post(t, s, "api/switch", body); code != 400 {
			t.Errorf("switch %q: %d, want 400", body, code)
		}
	}
	if ps, sw := fc.calls(); len(ps)+len(sw) > 0 {
		t.Errorf("Control called: %v %v", ps, sw)
	}
	if code := post(t, s, "api/press", `{"e":[]}`); code != 204 {
		t.Errorf("no events: %d, want 204", code)
	}
}

// waitFor polls cond every few ms for up to 5 s.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); !cond(); {
		if time.Now().After(end) {
			t.Fatalf("after 5 s: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// 500 connections opened and dropped (bare, with half a request, with an
// events request whose reader goes away) leave nothing behind.
func TestConnectionsOpenedAndDropped(t *testing.T) {
	s, _ := start(t, Config{})
	addr := strings.TrimSuffix(strings.TrimPrefix(s.URL(), "http://"), "/")
	http.DefaultClient.CloseIdleConnections()
	base := runtime.NumGoroutine()
	var wg sync.WaitGroup
	for g := range 10 {
		wg.Go(func() {
			for i := range 50 {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Error(err)
					return
				}
				switch (g*50 + i) % 4 {
				case 1:
					io.WriteString(c, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: ")
				case 2:
					io.WriteString(c, "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
				case 3:
					io.WriteString(c, "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
					c.(*net.TCPConn).CloseWrite() // half-open: it still reads
					c.Read(make([]byte, 1))
				}
				c.Close()
			}
		})
	}
	wg.Wait()
	waitFor(t, "the events clients are gone", func() bool { n, _ := s.hub.clientCount(); return n == 0 })
	waitFor(t, fmt.Sprintf("goroutines back near %d", base), func() bool { return runtime.NumGoroutine() <= base+3 })
	c := subscribe(t, s, nil)
	s.Lights([]grid.Button{{X: 1, Y: 1}}, []grid.Light{{Color: grid.Color{G: 9}}})
	c.lights(t)
	if m := c.lights(t); m.L["1,1"] != "000900" {
		t.Errorf("after the storm: %+v", m)
	}
}

// A client that never reads is dropped; meanwhile publishing returns at
// once every time and a client that reads is sent everything.
func TestClientThatNeverReads(t *testing.T) {
	s, _ := start(t, Config{})
	addr := strings.TrimSuffix(strings.TrimPrefix(s.URL(), "http://"), "/")
	d := net.Dialer{Control: func(network, address string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) {
			syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048)
		})
	}}
	slow, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	io.WriteString(slow, "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	waitFor(t, "the slow client subscribed", func() bool { n, _ := s.hub.clientCount(); return n == 1 })
	c := subscribe(t, s, nil)
	c.lights(t)

	// Every light changes in every frame: about 2.5 kB a message.
	ls := make([]grid.Light, len(layoutButtons))
	var worst time.Duration
	for i := 1; ; i++ {
		for j := range ls {
			ls[j] = grid.Light{Color: grid.Color{R: uint8(i), G: uint8(j), B: 1}}
		}
		t0 := time.Now()
		s.Lights(layoutButtons, ls)
		s.Status(Status{Bar: i})
		worst = max(worst, time.Since(t0))
		if m := c.lights(t); m.L["0,0"] != ls[frameIndexOf(grid.Button{})].String() {
			t.Fatalf("frame %d: the reading client was sent %q for 0,0", i, m.L["0,0"])
		}
		if n, drops := s.hub.clientCount(); n == 1 {
			t.Logf("the slow client was dropped after %d frames (queue full: %d); the slowest publish took %v", i, drops, worst)
			break
		}
		if i == 20000 {
			t.Fatal("the client that never reads was never dropped")
		}
	}
	// A publish that waited for the slow client would take its write
	// deadline (2 s); a loaded machine may delay one by some ms.
	if worst > writeTimeout/2 {
		t.Errorf("a publish took %v", worst)
	}
	s.Lights([]grid.Button{{X: 0, Y: 0}}, []grid.Light{grid.Off})
	if m := c.lights(t); m.L["0,0"] != "off" {
		t.Errorf("after the drop: %+v", m)
	}
}

// frameIndexOf returns b's place in layoutButtons.
func frameIndexOf(b grid.Button) int {
	for i, lb := range layoutButtons {
		if lb == b {
			return i
		}
	}
	return -1
}

func TestClientCap(t *testing.T) {
	s, _ := startWith(t, Config{}, limits{conns: maxConns, clients: 2, read: readTimeout})
	subscribe(t, s, nil)
	subscribe(t, s, nil)
	if resp, _ := do(t, request(t, "GET", s.URL()+"api/events", "")); resp.StatusCode != 503 {
		t.Errorf("a third client: %s, want 503", resp.Status)
	}
	if resp, _ := do(t, request(t, "GET", s.URL(), "")); resp.StatusCode != 200 {
		t.Errorf("the page while full: %s", resp.Status)
	}
}

// Close ends every events stream and returns once the handlers have.
func TestCloseEndsStreams(t *testing.T) {
	s, err := Start(Config{Listen: "127.0.0.1:0", Control: &fakeControl{}})
	if err != nil {
		t.Fatal(err)
	}
	c := subscribe(t, s, nil)
	c.lights(t)
	done := make(chan error)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	for range c.events {
	}
	if _, err := http.Get(s.URL()); err == nil {
		t.Error("served after Close")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := NewToken()
		if len(tok) != 12 || strings.Trim(tok, tokenAlphabet) != "" || strings.ContainsAny(tok, "l1o0") {
			t.Errorf("token %q", tok)
		}
		if seen[tok] {
			t.Errorf("token %q twice", tok)
		}
		seen[tok] = true
	}
	if _, err := url.Parse("http://x/?token=" + NewToken()); err != nil {
		t.Error(err)
	}
}

// Connections beyond the limit are closed at once; those within it are
// served, and a closed one gives its place back.
func TestConnectionCap(t *testing.T) {
	s, _ := startWith(t, Config{}, limits{conns: 4, clients: maxClients, read: readTimeout})
	addr := strings.TrimSuffix(strings.TrimPrefix(s.URL(), "http://"), "/")
	var held []net.Conn
	for range 4 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		held = append(held, c)
	}
	// The server takes the four in turn; the fifth is closed unread.
	for _, c := range held {
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Read(make([]byte, 1)); err != nil {
			t.Fatalf("a connection within the limit: %v", err)
		}
	}
	extra, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(extra, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	extra.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := extra.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a fifth connection: read %d bytes, %v; want it closed unanswered", n, err)
	}
	extra.Close()
	held[0].Close()
	http.DefaultClient.CloseIdleConnections()
	waitFor(t, "a place given back", func() bool {
		resp, err := http.Get(s.URL())
		if err != nil {
			return false
		}
		resp.Body.Close()
		http.DefaultClient.CloseIdleConnections()
		return resp.StatusCode == 200
	})
}

func TestTakesFilesAreNoSets(t *testing.T) {
	for name, want := range map[string]bool{
		"a.takes.toml": true, "a.takes.1.toml": true, "live set.takes.23.toml": true,
		"takes.toml": false, "a.takes.x.toml": false, "a.takes..toml": false, "a.1.toml": false, "a.toml": false, "mytakes.toml": false,
	} {
		if got := takesFile(name); got != want {
			t.Errorf("takesFile(%q) = %v, want %v", name, got, want)
		}
	}
}

// A refused request (401 without the token, 403 from another origin or
// host) closes its connection: idle keep-alive connections without the
// token cannot fill the connection slots.
func TestRefusedConnectionsClose(t *testing.T) {
	ts, _ := start(t, Config{Token: "abcd2345efgh"})
	ls, _ := start(t, Config{})
	for _, c := range []struct {
		s   *Server
		req string
	}{
		{ts, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"},
		{ts, "GET /api/sets HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: gridbox=x\r\n\r\n"},
		{ts, "GET /?token=wrong HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"},
		{ls, "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n"},
		{ls, "GET /api/sets HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\n\r\n"},
	} {
		conn, err := net.Dial("tcp", strings.TrimSuffix(strings.TrimPrefix(c.s.URL(), "http://"), "/"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, c.req)
		conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		r := bufio.NewReader(conn)
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatalf("%q: %v", c.req, err)
		}
		io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != 401 && resp.StatusCode != 403 {
			t.Errorf("%q: %s, want 401 or 403", c.req, resp.Status)
		}
		if !resp.Close {
			t.Errorf("%q: no Connection: close", c.req)
		}
		if _, err := r.ReadByte(); err != io.EOF {
			t.Errorf("%q: the connection stays open after %s (%v)", c.req, resp.Status, err)
		}
	}
}

func TestLoopback(t *testing.T) {
	for listen, want := range map[string]bool{
		"127.0.0.1:8080": true, "127.9.9.9:0": true, "localhost:80": true, "[::1]:8080": true, "LOCALHOST:1": true,
		"0.0.0.0:8080": false, ":8080": false, "[::]:8080": false, "192.168.1.2:8080": false, "stage.local:8080": false, "8080": false,
	} {
		if got := Loopback(listen); got != want {
			t.Errorf("Loopback(%q) = %v, want %v", listen, got, want)
		}
	}
}
