package show

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gridbox/engine"
	"gridbox/grid/launchpad"
	"gridbox/grid/midiport"
	"gridbox/grid/scan"
	"gridbox/internal/spell"
)

// printMIDIPorts lists this machine's MIDI inputs and outputs on
// e.Stdout, after the audio devices (gridbox devices), or says why there
// are none.
func printMIDIPorts(e *Env) {
	ins, outs, err := scan.MIDIPorts()
	switch {
	case err != nil:
		fmt.Fprintf(e.Stdout, "no MIDI ports: %v\n", err)
		return
	case len(ins) == 0 && len(outs) == 0:
		fmt.Fprintln(e.Stdout, "no MIDI ports")
		return
	}
	fmt.Fprintln(e.Stdout, "MIDI ports:")
	for _, n := range ins {
		fmt.Fprintf(e.Stdout, "  in   %s\n", n)
	}
	for _, n := range outs {
		fmt.Fprintf(e.Stdout, "  out  %s\n", n)
	}
}

// portNames numbers the MIDI output ports a show's sets name (a midi
// instrument's port, by its name substring as written), for the engine's
// MIDI instruments (engine.MIDIOut.Port): a number once given stays that
// name's for the whole run, whatever sets a reload brings, so that the
// note-offs of notes a version before started go where their note-ons
// went. Safe from any goroutine (a reload loads on a goroutine of its own).
type portNames struct {
	mu    sync.Mutex
	names []string
}

// number returns name's port number, giving it the next one the first
// time. Past 32767 names (never in practice) it returns -1: no port.
func (n *portNames) number(name string) int16 {
	if n == nil {
		return -1
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for i, s := range n.names {
		if s == name {
			return int16(i)
		}
	}
	if len(n.names) >= 1<<15-1 {
		return -1
	}
	n.names = append(n.names, name)
	return int16(len(n.names) - 1)
}

// name returns port number i's name ("" for none).
func (n *portNames) name(i int16) string {
	if n == nil {
		return ""
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if i < 0 || int(i) >= len(n.names) {
		return ""
	}
	return n.names[i]
}

// midiPorts is the show's MIDI port manager: the outputs its MIDI
// instruments (and the clock) send to, and the inputs it listens to, each
// known by the name substring the set gives it.
//
// The session goroutine owns it: it calls send for every message (the
// engine's notes, drained each turn; the clock's), input for a
// performance script's midi-in lines, and receive every turn, which hands
// what the input ports received to the handlers (onInput), each message
// logged. In a render nothing is opened: messages are only logged (and
// their notes kept, for the note-offs at the end).
//
// In play (live):
//
//	session goroutine ──send: frame → wall time heard──▶ per output: queue ──sender goroutine: waits, writes──▶ port
//	port watcher goroutine (every 250 ms): finds each name's port, re-finds it after an unplug
//	input port ──driver's goroutine──▶ arrived (stamped with the time) ──receive: the frame heard then──▶ handlers
//
// A message is written when its frame reaches the listener: the audio
// clock (outClock) says when the frame is heard, output latency included,
// so MIDI and audio sound together. Each output has its own queue and
// sender, so a slow port holds up only itself; a full queue, or a port
// that is absent, drops the message and counts it (never blocking the
// session). Ports are opened by the first name, in the driver's order,
// that holds the substring (case-insensitively), leaving out Launchpads
// (the controller scan's).
type midiPorts struct {
	log   *midiLog
	names *portNames
	outs  map[string]*midiOut // by name substring
	order []*midiOut          // in the order they were first named
	ins   map[string]*midiIn
	// chans is, per output, the channels (bit c: channel c+1) a MIDI
	// instrument plays on: All Notes Off goes to each at start and exit.
	chans map[string]uint16
	// sounding counts the notes on per output, channel and key, as sent:
	// the note-offs the end sends.
	sounding map[noteKey]int
	handlers []func(port string, frame engine.Frame, msg []byte)
	last     engine.Frame // the latest frame sent

	live bool
	// driver gives the MIDI driver, asked for the first time a port is
	// looked for (a set without MIDI opens no ALSA sequencer client); the
	// watcher owns drv and drvErr (start, then the watcher goroutine).
	driver  func() (midiport.Driver, error)
	drv     midiport.Driver
	drvErr  error // the driver's last failure, said once
	clock   *outClock
	arrived chan arrival
	logf    func(format string, args ...any)
	lost    atomic.Uint64 // inputs dropped: the session did not keep up
	stop    chan struct{}
	kick    chan struct{} // a port was named: scan now
	done    chan struct{}
	period  time.Duration
	started bool // the watcher runs
	closed  bool
	// watching is what the watcher goroutine watches (publish).
	watching atomic.Pointer[watched]
}

type noteKey struct {
	port         string
	channel, key uint8
}

// An arrival is one message an input port received, at wall time at.
type arrival struct {
	port string
	at   time.Time
	msg  []byte
}

// newMIDIPorts returns a render's port manager: it logs to log (may be
// nil) and opens nothing.
func newMIDIPorts(log *midiLog, names *portNames) *midiPorts {
	return &midiPorts{
		log: log, names: names, outs: map[string]*midiOut{}, ins: map[string]*midiIn{},
		chans: map[string]uint16{}, sounding: map[noteKey]int{},
	}
}

// startMIDIPorts returns play's port manager: driver's driver is watched
// for the ports named, every period (0: 250 ms), from start on;
// clock says when a frame is heard (the frames of MIDI out, and of
// inputs: the frame heard as each arrived). It reports ports found and
// lost with logf.
func startMIDIPorts(log *midiLog, names *portNames, driver func() (midiport.Driver, error), clock *outClock, period time.Duration, logf func(string, ...any)) *midiPorts {
	m := newMIDIPorts(log, names)
	if period <= 0 {
		period = 250 * time.Millisecond
	}
	m.live, m.driver, m.clock, m.logf, m.period = true, driver, clock, logf, period
	m.arrived = make(chan arrival, 1024)
	m.stop, m.done, m.kick = make(chan struct{}), make(chan struct{}), make(chan struct{}, 1)
	return m
}

// start looks for the ports named so far, on the calling goroutine (so
// that the All Notes Off sent at the start finds them), says which are
// missing, then starts the watcher. Session goroutine, once.
func (m *midiPorts) start() {
	m.publish()
	m.scan()
	for _, o := range m.order {
		if _, ok := o.port.connected(); !ok {
			m.logf("MIDI out %q: no such port now; its messages are dropped until it appears (gridbox devices lists the ports)", o.name)
		}
	}
	m.started = true
	go m.watch()
}

// output returns the output named name, made on first use (its sender
// started, live). Session goroutine.
func (m *midiPorts) output(name string) *midiOut {
	o := m.outs[name]
	if o == nil {
		o = &midiOut{name: name}
		if m.live {
			o.q = make(chan outMsg, outQueue)
			o.done = make(chan struct{})
			go o.run()
		}
		m.outs[name] = o
		m.order = append(m.order, o)
		m.changed()
	}
	return o
}

// listen makes the port named name an input whose messages reach the
// handlers. Session goroutine.
func (m *midiPorts) listen(name string) {
	if m.ins[name] == nil {
		m.ins[name] = &midiIn{name: name}
		m.changed()
	}
}

// changed tells the watcher of a port named. Session goroutine.
func (m *midiPorts) changed() {
	if !m.live {
		return
	}
	m.publish()
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

// onInput adds a handler for every message received. Session goroutine.
func (m *midiPorts) onInput(h func(port string, frame engine.Frame, msg []byte)) {
	m.handlers = append(m.handlers, h)
}

// playOn records that a MIDI instrument plays on port's channel (1..16):
// All Notes Off goes there at start and at the end. Session goroutine.
func (m *midiPorts) playOn(port string, channel int) {
	o := m.output(port)
	m.chans[port] |= 1 << (channel - 1)
	o.chans.Store(uint32(m.chans[port]))
}

// allNotesOff sends All Notes Off (CC 123) on every channel a MIDI
// instrument plays on, at frame: at the start, since a gridbox that
// crashed may have left notes on. Session goroutine.
func (m *midiPorts) allNotesOff(frame engine.Frame) {
	for _, o := range m.order {
		for c := range 16 {
			if m.chans[o.name]&(1<<c) != 0 {
				m.send(o.name, frame, []byte{0xB0 | byte(c), 123, 0})
			}
		}
	}
}

// end sends a note-off for every note still on, then All Notes Off on
// every channel played (a synthesizer that ignores CC 123 still gets its
// note-offs), at frame or after the last message sent, whichever is
// later. Session goroutine.
func (m *midiPorts) end(frame engine.Frame) {
	frame = max(frame, m.last)
	for _, o := range m.order {
		for c := range uint8(16) {
			for k := range uint8(128) {
				key := noteKey{port: o.name, channel: c, key: k}
				if m.sounding[key] > 0 {
					m.send(o.name, frame, []byte{0x80 | c, k, 0})
					delete(m.sounding, key)
				}
			}
		}
	}
	m.allNotesOff(frame)
}

// send logs msg (one complete MIDI message) for port at frame and, live,
// hands it to the port's sender, to be written when frame is heard. It
// never blocks: a message that finds the port absent or its queue full is
// dropped and counted. Session goroutine; msg is not retained.
func (m *midiPorts) send(port string, frame engine.Frame, msg []byte) {
	if len(msg) == 0 {
		return
	}
	m.log.add(frame, port, true, msg)
	m.last = max(m.last, frame)
	if st := msg[0] & 0xF0; (st == 0x80 || st == 0x90) && len(msg) == 3 {
		k := noteKey{port: port, channel: msg[0] & 0x0F, key: msg[1]}
		if st == 0x90 && msg[2] > 0 {
			m.sounding[k]++
		} else if m.sounding[k] > 0 {
			if m.sounding[k]--; m.sounding[k] == 0 {
				delete(m.sounding, k)
			}
		}
	}
	o := m.output(port)
	if !m.live {
		return
	}
	var om outMsg
	om.due = m.clock.heard(frame)
	om.n = uint8(copy(om.b[:], msg))
	if len(msg) > len(om.b) {
		om.long = append([]byte(nil), msg...)
	}
	select {
	case o.q <- om:
	default:
		o.full.Add(1)
	}
}

// input logs msg as received from port at frame and hands it to the
// handlers: a performance script's midi-in line, or (receive) a message
// an input port received. Session goroutine.
func (m *midiPorts) input(port string, frame engine.Frame, msg []byte) {
	if len(msg) == 0 {
		return
	}
	m.log.add(frame, port, false, msg)
	for _, h := range m.handlers {
		h(port, frame, msg)
	}
}

// receive hands what the input ports received since the last call to
// the handlers (input). Session goroutine, every turn.
func (m *midiPorts) receive() {
	if !m.live {
		return
	}
	for {
		select {
		case a := <-m.arrived:
			// The frame heard as it arrived, not the player's position
			// (the frames rendered, heard the output's latency later): a
			// followed clock's beats then sound with the source's, not a
			// latency behind them.
			m.input(a.port, m.clock.frame(a.at), a.msg)
		default:
			return
		}
	}
}

// Stats are what a port manager dropped.
type midiStats struct {
	Absent uint64 // messages for an output that was not there
	Full   uint64 // messages that found an output's queue full
	Late   uint64 // messages written more than 5 ms after their time
	Lost   uint64 // inputs the session did not take in time
	// Engine is the engine's Stats.MIDILost: messages its MIDI ring had
	// no room for, or notes past its limit of notes on (a lost note-off
	// is a hung note).
	Engine uint64
}

// String says what was dropped and why, "" for nothing.
func (s midiStats) String() string {
	var parts []string
	for _, c := range []struct {
		n         uint64
		what, why string
	}{
		{s.Engine, "message", "lost in the engine (its MIDI ring full, or too many notes on)"},
		{s.Absent, "message", "dropped (port not there)"},
		{s.Full, "message", "dropped (queue full)"},
		{s.Late, "message", "written over 5 ms late"},
		{s.Lost, "input", "dropped (not taken in in time)"},
	} {
		if c.n > 0 {
			parts = append(parts, spell.Count(c.n, c.what)+" "+c.why)
		}
	}
	return strings.Join(parts, "; ")
}

func (m *midiPorts) stats() midiStats {
	s := midiStats{Lost: m.lost.Load()}
	for _, o := range m.order {
		s.Absent += o.absent.Load()
		s.Full += o.full.Load()
		s.Late += o.late.Load()
	}
	return s
}

// Close ends the show's MIDI: the senders write what is queued (waiting
// at most wait for it), the watcher stops, every port closes (waiting at
// most closeWait more), and the log is written. Session goroutine, after
// end; a second Close does nothing.
//
// A port whose write never returns (a synthesizer's USB stalled) holds
// its sender, its port's Close (which waits for the write) and possibly
// the watcher (listing ports in the same driver): those are left to the
// process's end, so that an exit, or a crash's note-offs on other ports,
// never waits on them.
func (m *midiPorts) Close(wait time.Duration) error {
	if m.closed {
		return nil
	}
	m.closed = true
	if m.live {
		close(m.stop)
		deadline := time.After(wait)
		outs := slices.Clone(m.order)
		for _, o := range outs {
			close(o.q)
		}
		for _, o := range outs {
			select {
			case <-o.done:
			case <-deadline:
			}
		}
		ins, drv, started := m.inList(), m.drv, m.started
		closed := make(chan struct{})
		go func() {
			defer close(closed)
			if started {
				<-m.done // the driver is the watcher's until then
				drv = m.drv
			}
			for _, o := range outs {
				o.port.set(nil)
			}
			for _, in := range ins {
				in.port.set(nil)
			}
			if drv != nil {
				drv.Close()
			}
		}()
		select {
		case <-closed:
		case <-time.After(closeWait):
			m.logf("MIDI: a port did not close within %v (a write that does not return); left open", closeWait)
		}
	}
	return m.log.Close()
}

// closeWait is how long Close waits for the ports to close.
const closeWait = time.Second

// outQueue is how many messages an output's sender holds: a few seconds
// of dense playing.
const outQueue = 4096

// lateBound is how late a written message may be before it counts as late.
const lateBound = 5 * time.Millisecond

// An outMsg is one message for a sender, due at a wall time.
type outMsg struct {
	due  time.Time
	seq  uint64 // send order, for messages with the same time
	n    uint8
	b    [3]byte
	long []byte // a message longer than b
}

func (om *outMsg) bytes() []byte {
	if om.long != nil {
		return om.long
	}
	return om.b[:om.n]
}

// midiOut is one output port by its name substring: its sender goroutine
// writes the queue to the port the watcher found (nil: absent).
type midiOut struct {
	name string
	q    chan outMsg
	done chan struct{}

	port portSlot[*midiport.Output]

	absent, full, late atomic.Uint64
	// chans is playOn's channels for the port (bit c: channel c+1), for
	// the watcher's All Notes Off when it finds the port.
	chans atomic.Uint32
}

// run is the sender goroutine: each message written at its time, the
// earliest first (messages with the same time in the order sent). The
// queue is not in time order: the clock's ticks are sent as the session
// commits them, ahead of the engine's notes for earlier frames, which
// come as their blocks are rendered; a note must not wait behind a tick.
// Once the queue is closed, what is held is written at its time.
func (o *midiOut) run() {
	defer close(o.done)
	const spin = 300 * time.Microsecond
	var h outHeap
	var seq uint64
	open := true
	take := func(om outMsg) {
		seq++
		om.seq = seq
		h.push(om)
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for open || len(h) > 0 {
		if len(h) == 0 {
			om, ok := <-o.q
			if open = ok; ok {
				take(om)
			}
			continue
		}
		if d := time.Until(h[0].due); d > spin && open {
			timer.Reset(d - spin)
			select {
			case om, ok := <-o.q:
				timer.Stop()
				if open = ok; ok {
					take(om)
				}
				continue // an earlier one may have come
			case <-timer.C:
			}
		}
		for more := open; more; { // what came meanwhile may be due first
			select {
			case om, ok := <-o.q:
				if open = ok; ok {
					take(om)
				}
				more = ok
			default:
				more = false
			}
		}
		if d := time.Until(h[0].due); d > spin && open {
			continue
		}
		om := h.pop()
		waitUntil(om.due)
		if time.Since(om.due) > lateBound {
			o.late.Add(1)
		}
		o.write(om.bytes())
	}
}

// outHeap is a sender's messages, a binary min-heap by time, then by
// send order (typed, so that it allocates only as it grows).
type outHeap []outMsg

func (h outHeap) less(i, j int) bool {
	if !h[i].due.Equal(h[j].due) {
		return h[i].due.Before(h[j].due)
	}
	return h[i].seq < h[j].seq
}

func (h *outHeap) push(m outMsg) {
	*h = append(*h, m)
	a := *h
	for i := len(a) - 1; i > 0; {
		p := (i - 1) / 2
		if !a.less(i, p) {
			break
		}
		a[i], a[p] = a[p], a[i]
		i = p
	}
}

func (h *outHeap) pop() outMsg {
	a := *h
	top := a[0]
	last := len(a) - 1
	a[0] = a[last]
	a = a[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(a) && a.less(l, m) {
			m = l
		}
		if r < len(a) && a.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		a[i], a[m] = a[m], a[i]
		i = m
	}
	*h = a
	return top
}

// waitUntil returns at t: it sleeps until shortly before, then yields
// until t (a sleep alone wakes up to a millisecond late), a bounded
// number of times: a clock that does not move while it yields (a test's
// synctest bubble) ends in a sleep.
func waitUntil(t time.Time) {
	const spin = 300 * time.Microsecond
	if d := time.Until(t); d > spin {
		time.Sleep(d - spin)
	}
	for i := 0; i < 10000 && time.Now().Before(t); i++ {
		runtime.Gosched()
	}
	if d := time.Until(t); d > 0 {
		time.Sleep(d)
	}
}

func (o *midiOut) write(msg []byte) {
	p := o.port.get()
	if p == nil {
		o.absent.Add(1)
		return
	}
	if err := p.Write(msg); err != nil {
		o.absent.Add(1)
	}
}

// A portSlot holds the port a name was found on (nil: none): set by the
// watcher goroutine, read by any (a sender, the status line).
type portSlot[P interface {
	comparable
	Name() string
	Close() error
}] struct {
	mu   sync.Mutex
	port P
}

func (s *portSlot[P]) get() P {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.port
}

// set makes p the port (the zero P: none), closing the one before.
func (s *portSlot[P]) set(p P) {
	s.mu.Lock()
	old := s.port
	s.port = p
	s.mu.Unlock()
	var none P
	if old != none && old != p {
		old.Close()
	}
}

// connected returns the port's name, if there is one.
func (s *portSlot[P]) connected() (string, bool) {
	var none P
	if p := s.get(); p != none {
		return p.Name(), true
	}
	return "", false
}

// midiIn is one input port by its name substring.
type midiIn struct {
	name string
	port portSlot[*midiport.Input]
}

// watched is what the watcher goroutine watches: the ports named so far,
// published by the session goroutine as sets name them.
type watched struct {
	outs []*midiOut
	ins  []*midiIn
}

// publish hands the ports named so far to the watcher. Session goroutine.
func (m *midiPorts) publish() {
	w := &watched{outs: append([]*midiOut(nil), m.order...)}
	for _, in := range m.ins {
		w.ins = append(w.ins, in)
	}
	m.watching.Store(w)
}

// inList returns the inputs named so far.
func (m *midiPorts) inList() []*midiIn {
	if w := m.watching.Load(); w != nil {
		return w.ins
	}
	return nil
}

// watch is the watcher goroutine: it opens each named port that is not
// open (the first port, in the driver's order, whose name holds the
// substring, case-insensitively, and is not a Launchpad's), and closes
// those whose port has gone from the driver's list, so that they are
// found again when they come back.
func (m *midiPorts) watch() {
	defer close(m.done)
	tick := time.NewTicker(m.period)
	defer tick.Stop()
	for {
		m.scan()
		select {
		case <-m.stop:
			return
		case <-tick.C:
		case <-m.kick:
		}
	}
}

// scan is one pass of the watcher.
func (m *midiPorts) scan() {
	w := m.watching.Load()
	if w == nil || len(w.outs)+len(w.ins) == 0 {
		return
	}
	if m.drv == nil {
		// Asked again at every scan (the sequencer may come up after
		// gridbox at boot), said once.
		drv, err := m.driver()
		if err != nil {
			if m.drvErr == nil {
				m.logf("no MIDI ports: %v; the set's MIDI ports stay silent until there are", err)
			}
			m.drvErr = err
			return
		}
		m.drv = drv
	}
	ins, outs, err := midiport.Names(m.drv)
	if err != nil {
		return
	}
	for _, o := range w.outs {
		if name, ok := o.port.connected(); ok {
			if !slices.Contains(outs, name) {
				o.port.set(nil)
				m.logf("MIDI out %q disconnected (%s)", o.name, name)
			}
			continue
		}
		name, ok := findPort(outs, o.name)
		if !ok {
			continue
		}
		p, err := midiport.OpenOutput(m.drv, name)
		if err != nil {
			continue
		}
		if m.started {
			// Found after the start's All Notes Off, or again after an
			// unplug: the note-offs sent meanwhile were dropped, and a
			// synthesizer that stayed on (its USB cable pulled) would
			// drone on. Before any message of the sender's.
			ch := o.chans.Load()
			for c := range byte(16) {
				if ch&(1<<c) != 0 {
					p.Write([]byte{0xB0 | c, 123, 0})
				}
			}
		}
		o.port.set(p)
		m.logf("MIDI out %q connected on %s", o.name, name)
	}
	for _, in := range w.ins {
		if name, ok := in.port.connected(); ok {
			if !slices.Contains(ins, name) {
				in.port.set(nil)
				m.logf("MIDI in %q disconnected (%s)", in.name, name)
			}
			continue
		}
		name, ok := findPort(ins, in.name)
		if !ok {
			continue
		}
		port := in.name
		p, err := midiport.OpenInput(m.drv, name, func(msg []byte) {
			a := arrival{port: port, at: time.Now(), msg: append([]byte(nil), msg...)}
			select {
			case m.arrived <- a:
			default:
				m.lost.Add(1)
			}
		})
		if err != nil {
			continue
		}
		in.port.set(p)
		m.logf("MIDI in %q connected on %s", in.name, name)
	}
}

// findPort returns the first of names that holds sub, case-insensitively,
// and is not a Launchpad's port (the controller scan drives those).
func findPort(names []string, sub string) (string, bool) {
	sub = strings.ToLower(sub)
	for _, n := range names {
		if _, lp := launchpad.Detect(n); lp {
			continue
		}
		if strings.Contains(strings.ToLower(n), sub) {
			return n, true
		}
	}
	return "", false
}
