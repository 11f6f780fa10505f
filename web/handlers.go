package web

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"gridbox/grid"
)

const cookieName = "gridbox"

// keepAlive is an SSE comment: it keeps an idle stream (and a proxy on its
// way) open, and finds a client that went away.
var keepAlive = []byte(": \n\n")

// handler returns every route behind the checks every request passes:
// the Host (without a token), the token, and the Origin of a POST.
func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.page)
	mux.HandleFunc("GET /static/{name}", s.static)
	mux.HandleFunc("GET /api/events", s.events)
	mux.HandleFunc("POST /api/press", s.press)
	mux.HandleFunc("POST /api/switch", s.switchSet)
	mux.HandleFunc("GET /api/sets", s.sets)
	mux.HandleFunc("POST /login", s.login)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.closeMu.Lock() // no Add once Close waits
		if s.closed {
			s.closeMu.Unlock()
			http.Error(w, "503 closing", http.StatusServiceUnavailable)
			return
		}
		s.handlers.Add(1)
		s.closeMu.Unlock()
		defer s.handlers.Done()
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer") // the login URL holds the token
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		// A request refused (403 here, 401 below) closes its connection,
		// so that idle keep-alive connections without the token cannot
		// fill the connection slots.
		if s.cfg.Token == "" && !loopbackHost(hostOnly(r.Host)) {
			// Without a token only this machine may ask, by a loopback
			// name: a DNS-rebound name of another site is refused.
			h.Set("Connection", "close")
			http.Error(w, "403 forbidden: not a loopback host", http.StatusForbidden)
			return
		}
		// Every POST, and the API's GETs too: another site's page cannot
		// read them, but its EventSource could take the clients' places.
		if (r.Method == http.MethodPost || strings.HasPrefix(r.URL.Path, "/api/")) && !sameOrigin(r) {
			h.Set("Connection", "close")
			http.Error(w, "403 forbidden: cross-origin request", http.StatusForbidden)
			return
		}
		if s.cfg.Token != "" && !s.authorized(r) {
			switch {
			case r.Method == http.MethodPost && r.URL.Path == "/login":
				s.login(w, r)
			case r.Method == http.MethodGet && r.URL.Path == "/" && r.URL.Query().Has("token"):
				s.loginWith(w, r, r.URL.Query().Get("token"))
			default:
				s.unauthorized(w, r)
			}
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// hostOnly returns host without its port.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

// sameOrigin reports whether a request comes from this server's own page:
// no Origin or one naming the request's Host, and not a cross-site fetch.
func sameOrigin(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	return strings.EqualFold(u.Host, r.Host)
}

// authorized reports whether r carries the token's digest in its cookie
// (compared in constant time; its length, 64, tells nothing). The cookie
// holds the digest in hex, not the token, so that a token with a
// character a cookie cannot hold (; " \ , space) still logs in.
func (s *Server) authorized(r *http.Request) bool {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(c.Value), []byte(s.cookie)) == 1
}

func (s *Server) tokenIs(t string) bool {
	sum := sha256.Sum256([]byte(t))
	return subtle.ConstantTimeCompare(sum[:], s.tokenSum[:]) == 1
}

// loginWith sets the cookie and sends the browser to the page when t is
// the token; otherwise it answers 401.
func (s *Server) loginWith(w http.ResponseWriter, r *http.Request, t string) {
	if !s.tokenIs(t) {
		if now := time.Now().UnixNano(); now-s.lastWrongToken.Swap(now) > int64(10*time.Second) {
			s.logf("web: wrong token from %s", r.RemoteAddr) // at most one a 10 s: a guesser does not fill the journal
		}
		s.unauthorized(w, r)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name:     cookieName,
		Value:    s.cookie,
		Path:     "/",
		MaxAge:   30 * 24 * 3600,
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
	})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// login takes the login form's token.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Token == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, loginBodyMax)
	if err := r.ParseForm(); err != nil {
		bodyError(w, err)
		return
	}
	s.loginWith(w, r, r.PostForm.Get("token"))
}

const loginPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>gridbox: log in</title></head>
<body><form method="post" action="/login"><p>gridbox: the token is shown on the grid and in the journal.</p>
<input name="token" autocomplete="off" autocapitalize="none" autofocus> <button>Log in</button></form></body></html>
`

// unauthorized answers 401: the login form for the page, plain text for
// the rest.
func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close")
	if r.Method == http.MethodGet && (r.URL.Path == "/" || r.URL.Path == "/login") {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, loginPage)
		return
	}
	http.Error(w, "401 unauthorized: log in at /", http.StatusUnauthorized)
}

func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(indexHTML)
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	a, ok := assets[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.typ)
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(a.data)
}

// events streams the snapshot and then every update to one client (see
// the package doc). It is the client's only writer; every write has a
// deadline.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead { // a HEAD would hold a place writing into nothing
		w.Header().Set("Content-Type", "text/event-stream")
		return
	}
	id := r.URL.Query().Get("c")
	if id != "" && !validID(id) {
		http.Error(w, "400 c: want 1..32 of a-z and 0-9", http.StatusBadRequest)
		return
	}
	s.hub.setSets(s.listSets())
	c, snap, ok := s.hub.subscribe()
	if !ok {
		http.Error(w, "503 too many clients", http.StatusServiceUnavailable)
		return
	}
	defer s.hub.unsubscribe(c)
	if id != "" {
		// The page's holds last as long as one of its streams: when the
		// last ends, what it held is released.
		s.holds.open(id)
		defer s.holds.end(id)
	}
	rc := http.NewResponseController(w)
	// No read deadline for the stream (ReadTimeout is for requests and
	// their bodies); net/http lifts it already for a request without a
	// body, and the stream must not depend on that.
	rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// send writes b and whatever else is queued, under one deadline, and
	// flushes them together.
	send := func(b []byte) bool {
		rc.SetWriteDeadline(time.Now().Add(writeTimeout))
		if _, err := w.Write(b); err != nil {
			return false
		}
		for n := len(c.ch); n > 0; n-- {
			if _, err := w.Write(<-c.ch); err != nil {
				return false
			}
		}
		return rc.Flush() == nil
	}
	if !send(snap) {
		return
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case m := <-c.ch:
			if !send(m) {
				return
			}
		case <-tick.C:
			if !send(keepAlive) {
				return
			}
		case <-c.gone:
			s.logf("web: %s dropped: it read too slowly", r.RemoteAddr)
			return
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
}

// A press is one button event of POST /api/press.
type press struct {
	b    grid.Button
	down bool
	vel  uint8
}

// parsePress reads POST /api/press's body:
// {"c":"id","e":[[x,y,down,vel],…],"t":ms} with at most maxPressBatch
// events, x and y −1..8, down true or false (or 1 or 0) and vel 0..127. c,
// the page's id (1..32 of [a-z0-9]), and t, the page's clock when it sent
// the body, may be left out.
func parsePress(body []byte) (string, []press, error) {
	var m struct {
		C json.RawMessage     `json:"c"`
		E [][]json.RawMessage `json:"e"`
		T float64             `json:"t"`
	}
	if err := decodeStrict(body, &m); err != nil {
		return "", nil, err
	}
	var id string
	if m.C != nil {
		if json.Unmarshal(m.C, &id) != nil || !validID(id) { // null too
			return "", nil, errors.New("c: want 1..32 of a-z and 0-9")
		}
	}
	ps, err := pressEvents(m.E)
	return id, ps, err
}

func pressEvents(es [][]json.RawMessage) ([]press, error) {
	if len(es) > maxPressBatch {
		return nil, fmt.Errorf("more than %d events", maxPressBatch)
	}
	ps := make([]press, 0, len(es))
	for i, e := range es {
		if len(e) != 4 {
			return nil, fmt.Errorf("event %d: want [x,y,down,vel]", i+1)
		}
		var p press
		var err error
		if p.b.X, err = intIn(e[0], -1, 8); err != nil {
			return nil, fmt.Errorf("event %d: x: %w", i+1, err)
		}
		if p.b.Y, err = intIn(e[1], -1, 8); err != nil {
			return nil, fmt.Errorf("event %d: y: %w", i+1, err)
		}
		switch string(e[2]) {
		case "true", "1":
			p.down = true
		case "false", "0":
		default:
			return nil, fmt.Errorf("event %d: down: want true or false", i+1)
		}
		v, err := intIn(e[3], 0, 127)
		if err != nil {
			return nil, fmt.Errorf("event %d: vel: %w", i+1, err)
		}
		p.vel = uint8(v)
		ps = append(ps, p)
	}
	return ps, nil
}

// intIn reads a JSON integer lo..hi.
func intIn(raw json.RawMessage, lo, hi int) (int, error) {
	n, err := strconv.Atoi(string(raw))
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("want an integer %d..%d", lo, hi)
	}
	return n, nil
}

// parseSwitch reads POST /api/switch's body, {"set":"name.toml"}, and
// returns the name if it is a plain base name ending in ".toml".
func parseSwitch(body []byte) (string, error) {
	var m struct {
		Set string `json:"set"`
	}
	if err := decodeStrict(body, &m); err != nil {
		return "", err
	}
	if !validSetName(m.Set) {
		return "", errors.New("set: want a file name ending in .toml")
	}
	return m.Set, nil
}

// validSetName reports whether name is a plain file name ending in
// ".toml": no separators, not hidden, printable, and not a takes file.
func validSetName(name string) bool {
	if len(name) <= len(".toml") || len(name) > 255 || !strings.HasSuffix(name, ".toml") ||
		strings.HasPrefix(name, ".") || strings.ContainsAny(name, `/\`) || !filepath.IsLocal(name) ||
		takesFile(name) {
		return false
	}
	for _, r := range name {
		if r < ' ' || r == 0x7f || r == 0xfffd {
			return false
		}
	}
	return true
}

// takesFile reports whether name is a set's takes file (sets.TakesPath):
// NAME.takes.toml, or NAME.takes.N.toml where the show saved takes it
// could not put in the first. Neither is a set to play.
func takesFile(name string) bool {
	base := strings.TrimSuffix(name, ".toml")
	if strings.HasSuffix(base, ".takes") {
		return true
	}
	i := strings.LastIndexByte(base, '.')
	n := base[i+1:]
	return i >= 0 && n != "" && strings.Trim(n, "0123456789") == "" && strings.HasSuffix(base[:i], ".takes")
}

// decodeStrict decodes one JSON object with no unknown fields and nothing
// after it.
func decodeStrict(body []byte, v any) error {
	if b := bytes.TrimSpace(body); len(b) == 0 || b[0] != '{' {
		return errors.New("bad JSON: want an object")
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("bad JSON: %w", err)
	}
	if _, err := d.Token(); err != io.EOF {
		return errors.New("bad JSON: more after the object")
	}
	return nil
}

// readBody reads a body of at most max bytes; it answers 413 or 415 and
// returns false when it cannot.
func readBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, bool) {
	if ct := r.Header.Get("Content-Type"); ct != "application/json" && !strings.HasPrefix(ct, "application/json;") {
		http.Error(w, "415 want application/json", http.StatusUnsupportedMediaType)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		bodyError(w, err)
		return nil, false
	}
	return body, true
}

func bodyError(w http.ResponseWriter, err error) {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		http.Error(w, "413 request too large", http.StatusRequestEntityTooLarge)
		return
	}
	http.Error(w, "400 bad request", http.StatusBadRequest)
}

func (s *Server) press(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r, pressBodyMax)
	if !ok {
		return
	}
	id, ps, err := parsePress(body)
	if err != nil {
		http.Error(w, "400 "+err.Error(), http.StatusBadRequest)
		return
	}
	s.holds.press(id, ps)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) switchSet(w http.ResponseWriter, r *http.Request) {
	body, ok := readBody(w, r, switchBodyMax)
	if !ok {
		return
	}
	name, err := parseSwitch(body)
	if err != nil {
		http.Error(w, "400 "+err.Error(), http.StatusBadRequest)
		return
	}
	if !s.isSet(name) {
		http.Error(w, "404 no such set", http.StatusNotFound)
		return
	}
	s.logf("web: switch to %s from %s", name, r.RemoteAddr)
	if err := s.cfg.Control.Switch(filepath.Join(s.cfg.SetsDir, name)); err != nil {
		http.Error(w, "409 "+err.Error(), http.StatusConflict)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) sets(w http.ResponseWriter, r *http.Request) {
	sets := s.listSets()
	s.hub.setSets(sets)
	js, _ := json.Marshal(nonNil(sets))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(js)
}

// isSet reports whether name (a valid set name) is a regular file directly
// in SetsDir, looked up through os.Root: a symbolic link may not lead out
// of it.
func (s *Server) isSet(name string) bool {
	if s.cfg.SetsDir == "" || !validSetName(name) {
		return false
	}
	root, err := os.OpenRoot(s.cfg.SetsDir)
	if err != nil {
		return false
	}
	defer root.Close()
	fi, err := root.Stat(name)
	return err == nil && fi.Mode().IsRegular()
}

// listSets returns the sets in SetsDir, sorted: the valid names of regular
// files (through os.Root, as isSet).
func (s *Server) listSets() []string {
	if s.cfg.SetsDir == "" {
		return nil
	}
	root, err := os.OpenRoot(s.cfg.SetsDir)
	if err != nil {
		return nil
	}
	defer root.Close()
	d, err := root.Open(".")
	if err != nil {
		return nil
	}
	defer d.Close()
	names, err := d.Readdirnames(1024)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil
	}
	var sets []string
	for _, n := range names {
		if !validSetName(n) {
			continue
		}
		if fi, err := root.Stat(n); err == nil && fi.Mode().IsRegular() {
			sets = append(sets, n)
		}
	}
	slices.Sort(sets)
	return sets
}
