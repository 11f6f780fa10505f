package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gridbox/grid"
)

// Config says where and how the server listens and whom it serves.
type Config struct {
	Listen  string // host:port ("127.0.0.1:8080"; port 0: any)
	Token   string // required (Start fails) unless Listen's host is loopback
	SetsDir string // folder whose *.toml sets are listed and may be switched to; "": none
	Control Control
	Logf    func(format string, args ...any) // may be nil
}

// Control is the show's side. Called on HTTP handler goroutines (and
// Press on web's lease timers too, one Press at a time); must not block.
type Control interface {
	// Press presses (down) or releases a button of the virtual controller
	// (grid/virtual coordinates: pads 0..7, scene column X=8, top row Y=-1,
	// left column X=-1, bottom row Y=8); false: refused (see virtual.Press).
	// web releases only what a page pressed, and releases it when the
	// page goes (see "Held buttons" in the package doc).
	Press(b grid.Button, down bool, velocity uint8) bool
	// Switch asks the show to play the set file path (SetsDir joined with a
	// name web has validated through os.Root: a regular *.toml file directly
	// in SetsDir). It returns at once; the load happens off the realtime
	// path.
	Switch(path string) error
}

// Status is the state of the audio and the transport, for the status bar.
type Status struct {
	Bar, Beat int
	Tempo     float64 // BPM
	// Beats is the transport's position in beats (quarter notes) now: with
	// Tempo and Running the page animates Flash (on in the first half of
	// each beat) and Pulse (breathes once every two beats, starting on the
	// beat) as grid.Follower says.
	Beats       float64
	Running     bool     // the transport moves
	Playing     int      // clips playing
	DSP         float64  // load 0..1
	MaxDSP      float64  // the worst single block since play started
	Voices      int      //
	Underruns   uint64   //
	Late        uint64   //
	Device      string   // the audio device ("null", "portaudio: USB Audio")
	Health      string   // "playing", "lost", "reopening", …; anything but "playing" shows red
	Controllers []string // models connected ("launchpad-x on hw:1")
	Input       string   // e.g. "2 channels" or ""
	Warnings    []string // "TAKES NOT SAVED", "disk late 3", …
}

// View is what the session shows: the set, its tracks and scenes, the
// window of the grid on them and the set's errors.
type View struct {
	Set, File      string   // the set's name and its file (base name)
	Tracks         []Track  // all of the set's tracks
	Scenes         []string // all scene names ("": unnamed → "1", "2", …)
	Track0, Scene0 int      // the window: the virtual grid's column 0 is track Track0, row 0 scene Scene0
	Mode           string   // "session", "mixer", "volume", "note", "drum", "step"
	Errors         []string // the edited set's errors, "file:line:col: message" (empty: none)
	Sets           []string // filled in by web itself from SetsDir (the show leaves it nil)
}

// A Track is a column's header: its name and colour.
type Track struct {
	Name  string
	Color grid.Color
}

// Limits.
const (
	maxConns      = 1024             // connections open at once; beyond: closed at once
	maxClients    = 256              // SSE subscribers at once; beyond: 503
	queueLen      = 64               // messages a client may have unsent before it is dropped
	writeTimeout  = 2 * time.Second  // one SSE write
	readTimeout   = 10 * time.Second // a request with its body
	pressBodyMax  = 4 << 10          // POST /api/press
	switchBodyMax = 1 << 10          // POST /api/switch
	loginBodyMax  = 1 << 10          // POST /login
	maxPressBatch = 64               // events in one POST /api/press
	heartbeat     = 15 * time.Second // an SSE comment keeps idle streams (and their proxies) alive
	leaseTime     = 2 * time.Second  // a page's holds without an events stream
	maxHolders    = 1024             // page ids whose holds are tracked at once
	maxIDLen      = 32               // a page's id: 1..32 of [a-z0-9]
)

// ErrNoToken is returned by Start for a Listen address that is not
// loopback when Config.Token is empty.
var ErrNoToken = errors.New("web: listening beyond this machine needs a token")

// A Server is the running browser view. Its methods are safe from any
// goroutine.
type Server struct {
	cfg      Config
	tokenSum [32]byte // sha256 of cfg.Token
	cookie   string   // the cookie's value: hex of tokenSum
	srv      *http.Server
	ln       net.Listener
	url      string
	done     chan struct{} // closed by Close: every handler returns
	handlers sync.WaitGroup
	hub      hub
	holds    holds
	// lastWrongToken is when a wrong token was last logged (UnixNano).
	lastWrongToken atomic.Int64
	closeMu        sync.Mutex // closed, and handlers.Add against Close's Wait
	closed         bool
}

// Start listens on cfg.Listen and serves on its own goroutines until
// Close. It refuses a Listen host that is not loopback without a Token
// (ErrNoToken).
func Start(cfg Config) (*Server, error) {
	return listen(cfg, defaultLimits)
}

// limits are the most connections and events clients a server takes at
// once, how long a request may take to read, a page's lease and how many
// page ids are tracked; tests lower them (0: the default).
type limits struct {
	conns, clients int
	read           time.Duration
	lease          time.Duration
	holders        int
}

var defaultLimits = limits{conns: maxConns, clients: maxClients, read: readTimeout, lease: leaseTime, holders: maxHolders}

func listen(cfg Config, lim limits) (*Server, error) {
	if cfg.Control == nil {
		return nil, errors.New("web: no Control")
	}
	host, _, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("web: listen %q: %w", cfg.Listen, err)
	}
	if cfg.Token == "" && !loopbackHost(host) {
		return nil, fmt.Errorf("%w: %q is reachable from the network (set a token, or listen on 127.0.0.1)", ErrNoToken, cfg.Listen)
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s := &Server{
		cfg:      cfg,
		tokenSum: sha256.Sum256([]byte(cfg.Token)),
		ln:       ln,
		done:     make(chan struct{}),
	}
	s.cookie = hex.EncodeToString(s.tokenSum[:])
	s.hub.init(lim.clients)
	if lim.lease == 0 {
		lim.lease = leaseTime
	}
	if lim.holders == 0 {
		lim.holders = maxHolders
	}
	s.holds.init(cfg.Control, lim.lease, lim.holders)
	s.hub.sets = s.listSets()
	s.hub.setView(View{})

	addr := ln.Addr().(*net.TCPAddr)
	urlHost := host
	if urlHost == "" || addr.IP.IsUnspecified() {
		urlHost = "127.0.0.1" // every address: this machine's is one of them
	}
	s.url = "http://" + net.JoinHostPort(urlHost, strconv.Itoa(addr.Port)) + "/"

	s.srv = &http.Server{
		Handler:           s.handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       lim.read,         // bodies; the events stream lifts it
		WriteTimeout:      10 * time.Second, // the events stream moves it per write
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    8 << 10,
	}
	go s.srv.Serve(&limitListener{Listener: ln, slots: make(chan struct{}, lim.conns)}) //nolint:errcheck // returns ErrServerClosed after Close
	return s, nil
}

// URL returns the server's address for a browser on this machine:
// "http://127.0.0.1:PORT/".
func (s *Server) URL() string { return s.url }

// Close closes the listener and every client's connection, and waits for
// the handlers to return. A second Close returns nil.
func (s *Server) Close() error {
	s.closeMu.Lock()
	if s.closed {
		s.closeMu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	s.closeMu.Unlock()
	err := s.srv.Close()
	s.handlers.Wait()
	s.holds.close()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.Logf != nil {
		s.cfg.Logf(format, args...)
	}
}

// tokenAlphabet is lower-case letters and digits without l, 1, o and 0,
// which a scrolling text makes hard to tell apart: 32 symbols, 5 bits each.
const tokenAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"

// NewToken returns a random token of 12 symbols (60 bits) from
// tokenAlphabet, easy to type from a scrolling text.
func NewToken() string {
	var b [12]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	for i := range b {
		b[i] = tokenAlphabet[b[i]&31]
	}
	return string(b[:])
}

// Loopback reports whether a listen address ("host:port") is reachable
// from this machine only: Start needs no token for it.
func Loopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	return err == nil && loopbackHost(host)
}

// loopbackHost reports whether host (without a port) names this machine
// only: "localhost", 127.x.y.z, ::1.
func loopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// A limitListener closes at once a connection accepted beyond as many open
// as slots holds, so that a flood of connections cannot take every file
// descriptor (the show needs some).
type limitListener struct {
	net.Listener
	slots chan struct{}
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.slots <- struct{}{}:
			return &limitConn{TCPConn: c.(*net.TCPConn), slots: l.slots}, nil
		default:
			c.Close()
		}
	}
}

// A limitConn gives its slot back when it is closed.
type limitConn struct {
	*net.TCPConn
	once  sync.Once
	slots chan struct{}
}

func (c *limitConn) Close() error {
	err := c.TCPConn.Close()
	c.once.Do(func() { <-c.slots })
	return err
}
