package web

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"gridbox/grid"
	"gridbox/grid/virtual"
)

// layoutButtons is every button of the virtual controller, in layout
// order: what a whole lights frame holds.
var layoutButtons = virtual.New().Info().Buttons

// frameIndex returns b's place in a frame (X and Y −1..8), or −1 for a
// button the virtual controller cannot have.
func frameIndex(b grid.Button) int {
	if b.X < -1 || b.X > 8 || b.Y < -1 || b.Y > 8 {
		return -1
	}
	return (b.Y+1)*10 + b.X + 1
}

// A client is one events stream. The hub offers it messages on ch and
// closes gone when it drops it; its handler goroutine is its only writer.
type client struct {
	ch      chan []byte
	gone    chan struct{}
	dropped bool // gone is closed; under hub.mu
}

// hub holds what a new client is sent first (the latest view and status,
// the lights frame) and the clients. Publishing encodes once and offers
// the bytes to every client without blocking. A view, a status and a
// snapshot are encoded outside mu, so that the show's goroutines never
// wait on mu for an encoding (nor for an HTTP handler's); the messages are
// immutable once made, so mu guards only which is current. A lights delta
// is small and is made under mu, which keeps the frame and seq in step.
type hub struct {
	mu        sync.Mutex
	clients   []*client
	frame     [100]grid.Light // by frameIndex
	in        [100]bool       // frameIndex of a layout button
	seq       uint64          // of the last lights event
	status    []byte          // the last status event
	last      Status          // the last Status; hasStatus: there was one
	hasStatus bool
	view      View     // the last View, without Sets
	viewMsg   []byte   // its event, with sets; immutable
	viewGen   uint64   // grows when view or sets change
	sets      []string // SetsDir's sets as last listed
	scratch   []byte   // a lights event's changes, reused
	drops     uint64   // clients dropped for a full queue
	max       int      // clients at most (maxClients; tests lower it)
}

func (h *hub) init(max int) {
	for _, b := range layoutButtons {
		h.in[frameIndex(b)] = true
	}
	h.status = encodeStatus(Status{})
	h.max = max
}

// Lights publishes what the virtual controller shows: bs[i] shows ls[i].
// It is called on the LED goroutine after each Flush of the virtual
// controller, with the whole frame or what changed; the clients are sent
// only the lights that differ from what they were last sent, as one
// lights event with the next sequence number (none when nothing changed).
// Buttons the virtual controller does not have are ignored. It never
// blocks and allocates one message for every client.
func (s *Server) Lights(bs []grid.Button, ls []grid.Light) {
	s.hub.lights(bs, ls, time.Now().UnixMilli())
}

// Status publishes the state of the audio and the transport. It is called
// on the status goroutine, at most 10 times a second; it never blocks. A
// status equal to the last one is not sent again. st's slices must not
// change after the call.
func (s *Server) Status(st Status) {
	h := &s.hub
	h.mu.Lock()
	same := h.hasStatus && sameStatus(st, h.last)
	h.mu.Unlock()
	if same {
		return
	}
	msg := encodeStatus(st)
	h.mu.Lock()
	h.status, h.last, h.hasStatus = msg, st, true
	h.sendLocked(msg)
	h.mu.Unlock()
}

// sameStatus reports whether a and b show the same.
func sameStatus(a, b Status) bool {
	return a.Bar == b.Bar && a.Beat == b.Beat && a.Tempo == b.Tempo && a.Beats == b.Beats &&
		a.Running == b.Running && a.Playing == b.Playing && a.DSP == b.DSP && a.MaxDSP == b.MaxDSP &&
		a.Voices == b.Voices && a.Underruns == b.Underruns && a.Late == b.Late && a.Device == b.Device &&
		a.Health == b.Health && a.Input == b.Input &&
		slices.Equal(a.Controllers, b.Controllers) && slices.Equal(a.Warnings, b.Warnings)
}

// View publishes what the session shows. It is called on the session
// goroutine when the view changed (the show compares); it never blocks.
// v's slices must not change after the call. v.Sets is ignored: web lists
// SetsDir itself.
func (s *Server) View(v View) {
	s.hub.setView(v)
}

// encodeHook, when set (by a test, before the server starts), is called
// as a view or a snapshot is encoded.
var encodeHook func(*hub)

func (h *hub) encoding() {
	if encodeHook != nil {
		encodeHook(h)
	}
}

// setView sends every client v, with the sets as they are.
func (h *hub) setView(v View) {
	v.Sets = nil
	h.replaceView(func(cur *View, _ *[]string) bool { *cur = v; return true })
}

// setSets records the sets listed from SetsDir; when they changed it sends
// every client the view again.
func (h *hub) setSets(sets []string) {
	h.replaceView(func(_ *View, cur *[]string) bool {
		if slices.Equal(*cur, sets) {
			return false
		}
		*cur = sets
		return true
	})
}

// replaceView applies change to copies of the view and the sets (false:
// nothing changed, nothing is sent), encodes the view outside mu and sends
// it; when another change came meanwhile it starts again from that one.
func (h *hub) replaceView(change func(v *View, sets *[]string) bool) {
	for {
		h.mu.Lock()
		v, sets, gen := h.view, h.sets, h.viewGen
		h.mu.Unlock()
		if !change(&v, &sets) {
			return
		}
		h.encoding()
		msg := encodeView(v, sets)
		h.mu.Lock()
		if h.viewGen == gen {
			h.view, h.sets, h.viewMsg = v, sets, msg
			h.viewGen++
			h.sendLocked(msg)
			h.mu.Unlock()
			return
		}
		h.mu.Unlock()
	}
}

func (h *hub) lights(bs []grid.Button, ls []grid.Light, now int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	b := h.scratch[:0]
	for i := range min(len(bs), len(ls)) {
		k := frameIndex(bs[i])
		if k < 0 || !h.in[k] || h.frame[k] == ls[i] {
			continue
		}
		h.frame[k] = ls[i]
		b = appendLight(b, bs[i], ls[i])
	}
	h.scratch = b
	if len(b) == 0 {
		return
	}
	h.seq++
	msg := make([]byte, 0, len(b)+96)
	msg = appendLightsHead(msg, h.seq, now, false)
	msg = append(msg, b[:len(b)-1]...) // without the last comma
	msg = append(msg, "}}\n\n"...)
	h.sendLocked(msg)
}

// appendFullLights encodes frame as a whole lights event with sequence
// number seq, for a client's snapshot.
func appendFullLights(msg []byte, frame *[100]grid.Light, seq uint64) []byte {
	msg = appendLightsHead(msg, seq, time.Now().UnixMilli(), true)
	n := len(msg)
	for _, b := range layoutButtons {
		msg = appendLight(msg, b, frame[frameIndex(b)])
	}
	if len(msg) > n {
		msg = msg[:len(msg)-1]
	}
	return append(msg, "}}\n\n"...)
}

func appendLightsHead(b []byte, seq uint64, now int64, full bool) []byte {
	b = append(b, "event: lights\ndata: {\"seq\":"...)
	b = strconv.AppendUint(b, seq, 10)
	b = append(b, ",\"t\":"...)
	b = strconv.AppendInt(b, now, 10)
	b = append(b, ",\"full\":"...)
	b = strconv.AppendBool(b, full)
	return append(b, ",\"l\":{"...)
}

// appendLight appends `"x,y":"text",`.
func appendLight(b []byte, btn grid.Button, l grid.Light) []byte {
	b = append(b, '"')
	b = strconv.AppendInt(b, int64(btn.X), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(btn.Y), 10)
	b = append(b, "\":\""...)
	b = l.AppendText(b)
	return append(b, "\","...)
}

// sendLocked offers msg to every client; a client whose queue is full is
// dropped. Call with h.mu held.
func (h *hub) sendLocked(msg []byte) {
	for i := 0; i < len(h.clients); {
		c := h.clients[i]
		select {
		case c.ch <- msg:
			i++
		default:
			h.removeLocked(i)
			h.drops++
		}
	}
}

func (h *hub) removeLocked(i int) {
	c := h.clients[i]
	last := len(h.clients) - 1
	h.clients[i] = h.clients[last]
	h.clients[last] = nil
	h.clients = h.clients[:last]
	c.dropped = true
	close(c.gone)
}

// subscribe adds a client, unless there are h.max already, and returns
// it with its snapshot: the view, the status and the whole lights frame.
// Every event published after it is offered to the client's queue.
// The snapshot is what the hub held when c was added, made after mu is
// let go: the view and status messages are immutable, and the frame
// (400 bytes) is copied.
func (h *hub) subscribe() (*client, []byte, bool) {
	c := &client{ch: make(chan []byte, queueLen), gone: make(chan struct{})}
	var frame [100]grid.Light
	h.mu.Lock()
	if len(h.clients) >= h.max {
		h.mu.Unlock()
		return nil, nil, false
	}
	view, status, seq := h.viewMsg, h.status, h.seq
	frame = h.frame
	h.clients = append(h.clients, c)
	h.mu.Unlock()
	h.encoding()
	snap := make([]byte, 0, 4096)
	snap = append(snap, "retry: 1000\n\n"...)
	snap = append(snap, view...)
	snap = append(snap, status...)
	snap = appendFullLights(snap, &frame, seq)
	return c, snap, true
}

// unsubscribe removes c, unless the hub dropped it already.
func (h *hub) unsubscribe(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if c.dropped {
		return
	}
	if i := slices.Index(h.clients, c); i >= 0 {
		h.removeLocked(i)
	}
}

// clientCount returns how many clients are subscribed, and how many were
// dropped for a full queue.
func (h *hub) clientCount() (n int, drops uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients), h.drops
}

// caughtUp reports whether every client's queue is empty.
func (h *hub) caughtUp() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.clients {
		if len(c.ch) > 0 {
			return false
		}
	}
	return true
}

// The events' JSON: lower-case names, colours as "rrggbb".
type statusJSON struct {
	T           int64    `json:"t"`
	Bar         int      `json:"bar"`
	Beat        int      `json:"beat"`
	Tempo       float64  `json:"tempo"`
	Beats       float64  `json:"beats"`
	Running     bool     `json:"running"`
	Playing     int      `json:"playing"`
	DSP         float64  `json:"dsp"`
	MaxDSP      float64  `json:"maxDSP"`
	Voices      int      `json:"voices"`
	Underruns   uint64   `json:"underruns"`
	Late        uint64   `json:"late"`
	Device      string   `json:"device"`
	Health      string   `json:"health"`
	Controllers []string `json:"controllers"`
	Input       string   `json:"input"`
	Warnings    []string `json:"warnings"`
}

type viewJSON struct {
	T      int64       `json:"t"`
	Set    string      `json:"set"`
	File   string      `json:"file"`
	Tracks []trackJSON `json:"tracks"`
	Scenes []string    `json:"scenes"`
	Track0 int         `json:"track0"`
	Scene0 int         `json:"scene0"`
	Mode   string      `json:"mode"`
	Errors []string    `json:"errors"`
	Sets   []string    `json:"sets"`
}

type trackJSON struct {
	Name  string `json:"name"`
	Color string `json:"color"` // "rrggbb"
}

// finite keeps NaN and infinities (which JSON cannot carry) out.
func finite(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func encodeStatus(st Status) []byte {
	return event("status", statusJSON{
		T: time.Now().UnixMilli(), Bar: st.Bar, Beat: st.Beat,
		Tempo: finite(st.Tempo), Beats: finite(st.Beats), Running: st.Running,
		Playing: st.Playing, DSP: finite(st.DSP), MaxDSP: finite(st.MaxDSP),
		Voices: st.Voices, Underruns: st.Underruns, Late: st.Late,
		Device: st.Device, Health: st.Health, Controllers: nonNil(st.Controllers),
		Input: st.Input, Warnings: nonNil(st.Warnings),
	})
}

func encodeView(v View, sets []string) []byte {
	ts := make([]trackJSON, len(v.Tracks))
	for i, t := range v.Tracks {
		ts[i] = trackJSON{Name: t.Name, Color: grid.Light{Color: t.Color}.String()}
		if t.Color == grid.Black {
			ts[i].Color = "000000"
		}
	}
	return event("view", viewJSON{
		T: time.Now().UnixMilli(), Set: v.Set, File: v.File, Tracks: ts,
		Scenes: nonNil(v.Scenes), Track0: v.Track0, Scene0: v.Scene0, Mode: v.Mode,
		Errors: nonNil(v.Errors), Sets: nonNil(sets),
	})
}

// event frames v's JSON as an SSE event called name.
func event(name string, v any) []byte {
	js, err := json.Marshal(v)
	if err != nil { // cannot happen: plain strings and finite numbers
		js = []byte("{}")
	}
	b := make([]byte, 0, len(js)+len(name)+16)
	b = append(b, "event: "...)
	b = append(b, name...)
	b = append(b, "\ndata: "...)
	b = append(b, js...)
	return append(b, "\n\n"...)
}
