package show

import (
	"errors"
	"fmt"
	"math"
	"net"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"gridbox/config"
	"gridbox/grid"
	"gridbox/grid/virtual"
	"gridbox/internal/spell"
	"gridbox/surface"
	"gridbox/web"
)

// webView is play's browser view: the web server, the virtual controller
// its page plays (the Show's virt, a mirror of the first controller's
// columns) and what the session goroutine told it last.
type webView struct {
	srv *web.Server
	// switches carries the set files the page asks to play, to the
	// session goroutine; pads, the virtual controller's presses.
	switches chan string
	pads     <-chan grid.Pad

	backend string // the audio backend, "null", "portaudio", …
	token   string // "" for none
	port    string // the port it serves on, when the network reaches it; "": this machine only

	// The session goroutine's.
	view   web.View
	viewOf *loaded // the version view's tracks and scenes are from
	errsOf []error // the set errors view's are of
	ctrls  map[string]string

	// controllers is the list the status goroutine shows: written by the
	// session goroutine.
	controllers atomic.Pointer[[]string]
}

// webControl is the page's side of the show: it presses the virtual
// controller and asks for sets. HTTP handler goroutines call it; neither
// method blocks.
type webControl struct {
	v        *virtual.Controller
	switches chan<- string
	safe     bool // safe mode: no set is loaded, none can be switched to
}

func (c webControl) Press(b grid.Button, down bool, vel uint8) bool {
	if down {
		return c.v.Press(b, vel)
	}
	return c.v.Release(b)
}

func (c webControl) Switch(path string) error {
	if c.safe {
		return errors.New("gridbox runs in safe mode (the set crashed it several times): restart it to play a set")
	}
	select {
	case c.switches <- path:
		return nil
	default:
		return errors.New("another set is being switched to; try again in a moment")
	}
}

// CheckListen says what is wrong with an address for the browser view
// ("host:port"), or "".
func CheckListen(addr string) string { return config.CheckListen(addr) }

// startWeb starts the browser view cfg asks for on listen ("" or "off":
// none), with its virtual controller p.virt, for a show of the set file
// set on backend (safe: in safe mode). A failure to serve (the port
// taken) is said and the show plays on without it. Session goroutine,
// before the controllers are attached.
func startWeb(e *Env, p *Show, cfg *config.Config, listen, backend, set string, safe bool) *webView {
	if listen == "" || strings.EqualFold(listen, config.ListenOff) {
		return nil
	}
	token := cfg.HTTP.Token
	made := false
	if token == "" && !web.Loopback(listen) {
		token, made = web.NewToken(), true
	}
	dir := cfg.HTTP.Sets
	if dir == "" {
		dir = filepath.Dir(set)
	}
	v := virtual.New()
	w := &webView{backend: backend, switches: make(chan string, 1), pads: v.Pads(), ctrls: map[string]string{}}
	srv, err := web.Start(web.Config{
		Listen: listen, Token: token, SetsDir: dir,
		Control: webControl{v: v, switches: w.switches, safe: safe},
		Logf: func(format string, args ...any) {
			fmt.Fprintf(e.Stderr, "gridbox: browser view: "+format+"\n", args...)
		},
	})
	if err != nil {
		fmt.Fprintf(e.Stderr, "gridbox: no browser view: %v\n", err)
		v.Close()
		return nil
	}
	w.srv, w.token = srv, token
	if !web.Loopback(listen) {
		_, w.port, _ = net.SplitHostPort(strings.TrimSuffix(strings.TrimPrefix(srv.URL(), "http://"), "/"))
	}
	p.virt = v
	url := srv.URL()
	if token != "" {
		url += "?token=" + token
	}
	fmt.Fprintf(e.Stderr, "gridbox: browser view on %s\n", url)
	if made {
		fmt.Fprintf(e.Stderr, "gridbox: the config has no http.token, so this run's is %s (gridbox install writes one)\n", token)
	}
	w.controllers.Store(&[]string{})
	return w
}

// padsOf and switchesOf are the page's presses and set switches for the
// session goroutine's select: nil channels (never ready) without a view.
func (w *webView) padsOf() <-chan grid.Pad {
	if w == nil {
		return nil
	}
	return w.pads
}

func (w *webView) switchesOf() <-chan string {
	if w == nil {
		return nil
	}
	return w.switches
}

// reachable returns the port and the token of a browser view the network
// reaches, or "" for none.
func (w *webView) reachable() (port, token string) {
	if w == nil {
		return "", ""
	}
	return w.port, w.token
}

// close stops serving and drops every client.
func (w *webView) close() {
	if w != nil {
		w.srv.Close()
	}
}

// press hands a press or release of the page to the surface. Session
// goroutine.
func (w *webView) press(p *Show, l *live, pad grid.Pad) {
	now := p.player.Position()
	p.logAt = now
	p.clog.logText(virtual.Model, "in", padText(pad))
	if pad.Down {
		l.leds.StopText() // the musician wants the session
	}
	p.surface.Handle(virtualID, pad, now)
	l.dirty = true
}

// attached and detached keep the list of controllers connected for the
// status bar. Session goroutine.
func (w *webView) attached(id string, in grid.Info) {
	if w == nil {
		return
	}
	w.ctrls[id] = in.Model + " on " + in.Port
	w.storeControllers()
}

func (w *webView) detached(id string) {
	if w == nil {
		return
	}
	delete(w.ctrls, id)
	w.storeControllers()
}

func (w *webView) storeControllers() {
	list := make([]string, 0, len(w.ctrls))
	for _, c := range w.ctrls {
		list = append(list, c)
	}
	sort.Strings(list)
	w.controllers.Store(&list)
}

// publish sends the page the set, the window and the errors when they
// changed. Session goroutine, once per LED frame.
func (w *webView) publish(p *Show) {
	if w == nil {
		return
	}
	v := w.view
	fresh := w.viewOf != p.loaded
	if fresh {
		w.viewOf = p.loaded
		s := p.loaded.Set
		v.Set, v.File = s.Name, filepath.Base(p.loaded.path)
		v.Tracks = make([]web.Track, len(s.Tracks))
		for i, t := range s.Tracks {
			v.Tracks[i] = web.Track{Name: t.Name, Color: grid.Color{R: t.Color.R, G: t.Color.G, B: t.Color.B}}
		}
		v.Scenes = make([]string, len(s.Scenes))
		for i, sc := range s.Scenes {
			v.Scenes[i] = sc.Name
		}
	}
	v.Track0, v.Scene0 = p.surface.Window()
	v.Mode = modeNames[p.surface.Mode()]
	if !slices.Equal(p.setErrors, w.errsOf) { // a new list each time: compared by element
		w.errsOf = p.setErrors
		v.Errors = make([]string, len(p.setErrors))
		for i, err := range p.setErrors {
			v.Errors[i] = err.Error()
		}
		fresh = true
	}
	if !fresh && sameView(v, w.view) {
		return
	}
	w.view = v
	w.srv.View(v)
}

// modeNames names the surface's modes for the page.
var modeNames = map[surface.Mode]string{
	surface.Session: "session", surface.Mixer: "mixer", surface.Volume: "volume",
	surface.Note: "note", surface.Drum: "drum", surface.Step: "step",
}

// sameView reports whether the page already shows v (tracks, scenes and
// errors are compared by what they came from: viewOf, errsOf).
func sameView(a, b web.View) bool {
	return a.Track0 == b.Track0 && a.Scene0 == b.Scene0 && a.Mode == b.Mode
}

// status builds the status bar's state from s's snapshot; the status
// goroutine calls it.
func (w *webView) status(s *status) web.Status {
	ds, es := s.dev.Stats(), s.p.player.Stats()
	h := s.dev.Health()
	st := web.Status{
		Bar: int(s.bar.Load()), Beat: int(s.beat.Load()),
		Tempo: math.Float64frombits(s.tempo.Load()), Beats: math.Float64frombits(s.beats.Load()), Running: true,
		Playing: int(s.playing.Load()), DSP: ds.Load, MaxDSP: ds.MaxLoad, Voices: es.Voices,
		Underruns: ds.Underruns, Late: es.Late,
		Device: h.Device, Health: h.State.String(), Controllers: *w.controllers.Load(),
	}
	if st.Device == "" || strings.HasPrefix(st.Device, "*") { // lost, or a device with no name of its own
		st.Device = w.backend
	}
	if pin := s.p.player.Input(); pin != nil {
		st.Input = spell.Count(pin.Channels(), "input channel")
	}
	if n := int(s.errors.Load()); n > 0 {
		st.Warnings = append(st.Warnings, "set: "+spell.Count(n, "error")+" (playing the last good version)")
	}
	if s.unsaved.Load() {
		st.Warnings = append(st.Warnings, "TAKES NOT SAVED")
	}
	if n := es.StreamUnderruns + es.StreamsFull; n > 0 {
		st.Warnings = append(st.Warnings, fmt.Sprintf("disk late %d times", n))
	}
	return st
}

// webLights is the virtual controller as the surface sees it when the
// browser view runs: each Flush hands the page the frame the controller
// shows. The LED goroutine calls Flush.
type webLights struct {
	grid.Controller // the virtual controller, perhaps logged
	v               *virtual.Controller
	srv             *web.Server
	order           []grid.Button
	frame           []grid.Light
}

func newWebLights(c grid.Controller, v *virtual.Controller, srv *web.Server) *webLights {
	order := v.Info().Buttons
	return &webLights{Controller: c, v: v, srv: srv, order: order, frame: make([]grid.Light, len(order))}
}

func (c *webLights) Flush() error {
	if err := c.Controller.Flush(); err != nil {
		return err
	}
	for i, b := range c.order {
		c.frame[i] = c.v.Light(b)
	}
	c.srv.Lights(c.order, c.frame)
	return nil
}
