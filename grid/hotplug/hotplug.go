package hotplug

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"gridbox/grid"
	"gridbox/internal/spell"
)

// A Device is a controller a Scan found.
type Device struct {
	// ID names the device while it stays plugged in: a MIDI port name, a
	// serial device path. Two devices of one model have different IDs. The
	// same ID found again after it went away is a replug.
	ID string
	// Model is the model as performance scripts name it ("launchpad-x",
	// "monome-128"), or "" when it is known only once the device is open.
	Model string
	// Port says where the device is attached, for people.
	Port string
	// Why says how the scan recognised the device, for `gridbox
	// controllers`: "port name", "inquiry 00 20 29 …", "usb serial m1000285".
	Why string
	// Open opens the device; it may take up to about a second (a monome
	// handshake). The watcher calls it on a goroutine of its own, never
	// twice at once for one ID, and owns the controller it returns: the
	// watcher closes it.
	Open func() (grid.Controller, error)
}

// A Scan lists the devices present now, in a stable order. The watcher
// calls it on its own goroutine, once per period, so it must return well
// within the period and must not talk to devices (Open does that). An error
// means the scan could not look, not that nothing is plugged in: the
// watcher keeps what that scan found last, so a transient error does not
// unplug everything.
type Scan func() ([]Device, error)

// Kind is what an Event reports.
type Kind uint8

// The kinds start at 1 so that the zero Event, received from the closed
// channel, is not mistaken for an Attached.
const (
	Attached Kind = iota + 1 // a controller was opened
	Input                    // a press or a release on it
	Detached                 // it is gone and closed; nothing of it follows
)

func (k Kind) String() string {
	switch k {
	case Attached:
		return "attached"
	case Input:
		return "input"
	case Detached:
		return "detached"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// An Event is one entry of the stream Events delivers.
type Event struct {
	Kind Kind
	ID   string // the Device's ID
	// C is the controller. On Attached the consumer may start to Set and
	// Flush it (from its LED goroutine) until the matching Detached; it is
	// set on Input and Detached too, to tell replugs of one ID apart.
	C   grid.Controller
	Pad grid.Pad // Input: the press or release
	// Err says why a Detached happened: ErrGone (the device went away),
	// ErrVanished (its scan no longer lists it), nil after Watcher.Close;
	// joined with the controller's Close error, if it had one.
	Err error
}

// Errors in a Detached event's Err; check them with errors.Is.
var (
	ErrGone     = errors.New("hotplug: device went away")
	ErrVanished = errors.New("hotplug: device no longer found by its scan")
)

// Config tunes a Watcher. The zero Config is ready to use.
type Config struct {
	// Period is how often the scans run; default 250 ms. A device that
	// appears is opened at the next scan.
	Period time.Duration
	// Retry is the least time between two opens of one device while it
	// stays listed: after a failed open it counts from the failure, else
	// from the start of the last open, so a device that keeps dropping out
	// right after opening is not reopened every period. Default 1 s. A
	// device that leaves its scan and comes back is opened at once.
	Retry time.Duration
	// Logf, if set, reports scan and open errors, each distinct one once
	// (again only after it changed or the device came back). It is called
	// from the watcher's goroutines, one call at a time.
	Logf func(format string, args ...any)
	// EventBuffer is the capacity of Events; default 1024.
	EventBuffer int
}

// State is where a device a scan found stands.
type State uint8

const (
	Found   State = iota // listed, not open: waiting for an open or its retry
	Opening              // Open is running
	Opened               // open; its events are flowing
	Failed               // the last open failed; retried after Retry
)

func (s State) String() string {
	switch s {
	case Found:
		return "found"
	case Opening:
		return "opening"
	case Opened:
		return "open"
	case Failed:
		return "failed"
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// Status is what Devices reports for one device.
type Status struct {
	Device // as the scan reported it, with Model filled in once open
	State  State
	Err    error // why the last open failed, until one succeeds
}

// A Watcher watches for controllers; see the package documentation for its
// goroutines and the order of its events.
type Watcher struct {
	cfg      Config
	scans    []Scan
	events   chan Event
	results  chan *opening    // open goroutines → watcher goroutine
	detached chan *attachment // forwarders → watcher goroutine, before their Detached
	stop     chan struct{}    // closed by the first Close
	stopOnce sync.Once
	stopped  chan struct{} // closed once every controller is closed
	closeErr error         // written before stopped is closed
	status   atomic.Pointer[[]Status]
	logMu    sync.Mutex

	// The rest belongs to the watcher goroutine.
	entries   map[string]*entry
	order     []string      // IDs the last scan found, in scan order
	last      [][]Device    // what each scan found when it last worked
	scanErr   []string      // each scan's last logged error; "" while it works
	opening   []*opening    // opens not yet announced, in the order they started
	batch     int           // counts scans; the opens one scan starts share it
	announced chan struct{} // closed once the newest Attached or Detached is sent
	live      int           // forwarders that have not yet reported on detached
	closers   sync.WaitGroup
}

// entry is the watcher's record of one ID.
type entry struct {
	dev     Device
	state   State
	err     error     // why the last open failed
	logged  string    // the last open error logged
	next    time.Time // no open starts before this
	listed  bool      // in the last scan
	att     *attachment
	closing bool // att's device vanished; its close is under way
}

// opening is one call of Device.Open. The open goroutine sets c and err
// before it sends the opening on results; done is the watcher goroutine's.
type opening struct {
	id    string
	batch int
	c     grid.Controller
	err   error
	done  bool
}

// attachment is one open controller.
type attachment struct {
	id    string
	c     grid.Controller
	model string
	once  sync.Once
	why   error // why it was closed: ErrGone, ErrVanished, or nil for Close
	err   error // what c.Close returned

	// Set by the watcher goroutine before it closes unlisted: the
	// forwarder's Detached is a link in the announced chain, so an Attached
	// announced after the device left the table comes after its Detached.
	unlisted   chan struct{}
	prev, next chan struct{}
}

// close closes the controller once, recording why. Concurrent callers wait
// until the first has finished, so why and err are set when close returns.
func (a *attachment) close(why error) {
	a.once.Do(func() { a.why, a.err = why, a.c.Close() })
}

// reason is the Detached event's Err; call it after close.
func (a *attachment) reason() error {
	if a.err == nil {
		return a.why
	}
	return errors.Join(a.why, a.err)
}

var errNoController = errors.New("hotplug: Open returned no controller and no error")

// Watch starts a watcher over scans and returns it; Close stops it. The
// scans run at once and then every Period; their lists are merged in
// argument order, the first listing of an ID winning. Each device listed
// and not open is opened (failures retried as Config.Retry says). For each
// controller opened, Events delivers one Attached, the controller's pads as
// Input in order, and, once its Pads channel has closed, one Detached. A
// device that leaves its scan while open is closed, which restores its
// normal mode and releases its held pads, so those releases arrive before
// its Detached.
func Watch(cfg Config, scans ...Scan) *Watcher {
	if cfg.Period <= 0 {
		cfg.Period = 250 * time.Millisecond
	}
	if cfg.Retry <= 0 {
		cfg.Retry = time.Second
	}
	if cfg.EventBuffer <= 0 {
		cfg.EventBuffer = 1024
	}
	w := &Watcher{
		cfg:       cfg,
		scans:     slices.Clone(scans),
		events:    make(chan Event, cfg.EventBuffer),
		results:   make(chan *opening),
		detached:  make(chan *attachment),
		stop:      make(chan struct{}),
		stopped:   make(chan struct{}),
		entries:   map[string]*entry{},
		last:      make([][]Device, len(scans)),
		scanErr:   make([]string, len(scans)),
		announced: make(chan struct{}),
	}
	close(w.announced) // the first forwarder waits for nobody
	w.publish()
	go w.run()
	return w
}

// Events returns the watcher's event stream (one channel for its life).
// One goroutine receives from it until it is closed; while nobody
// receives, pads queue up to EventBuffer and then in the drivers, which
// drop presses when full.
func (w *Watcher) Events() <-chan Event { return w.events }

// Devices reports, for `gridbox controllers` and status lines, what the
// last scans found, in scan order, and where each device stands. A device
// shows as open before its Attached is delivered and no longer does by the
// time its Detached is delivered. It is safe from any goroutine; after
// Close it is empty.
func (w *Watcher) Devices() []Status { return slices.Clone(*w.status.Load()) }

// Close stops the scans, waits for opens under way (an Open returns within
// about a second) and closes every controller, which restores each
// device's normal mode. It returns once all are closed, with the errors
// their Close returned, and does not wait for the consumer: the releases
// and the Detached events follow on Events, which is closed after the last
// Detached. A second Close returns nil. Close is safe from any goroutine,
// the consumer's included.
func (w *Watcher) Close() error {
	first := false
	w.stopOnce.Do(func() {
		first = true
		close(w.stop)
	})
	<-w.stopped
	if !first {
		return nil
	}
	return w.closeErr
}

// List runs each scan once and returns what they found, merged as Watch
// merges them, without opening anything: for `gridbox controllers`. The
// error joins every scan's error; the devices of the other scans are still
// returned.
func List(scans ...Scan) ([]Device, error) {
	var all []Device
	var errs []error
	seen := map[string]bool{}
	for i, scan := range scans {
		devs, err := scan()
		if err != nil {
			errs = append(errs, fmt.Errorf("hotplug: scan %d: %w", i+1, err))
		}
		all = appendNew(all, seen, devs)
	}
	return all, errors.Join(errs...)
}

// appendNew appends the devices whose ID is not yet in seen.
func appendNew(all []Device, seen map[string]bool, devs []Device) []Device {
	for _, d := range devs {
		if !seen[d.ID] {
			seen[d.ID] = true
			all = append(all, d)
		}
	}
	return all
}

// run is the watcher goroutine.
func (w *Watcher) run() {
	tick := time.NewTicker(w.cfg.Period)
	defer tick.Stop()
	w.scan()
	for {
		select {
		case <-tick.C:
			w.scan()
		case o := <-w.results:
			o.done = true
			w.announce()
		case a := <-w.detached:
			w.gone(a)
		case <-w.stop:
			w.shutdown()
			return
		}
	}
}

// scan runs the scans, closes what vanished and starts the opens due.
func (w *Watcher) scan() {
	found := w.runScans()
	for _, e := range w.entries {
		e.listed = false
	}
	w.order = w.order[:0]
	for _, d := range found {
		e := w.entries[d.ID]
		if e == nil {
			e = &entry{}
			w.entries[d.ID] = e
		}
		e.dev, e.listed = d, true
		w.order = append(w.order, d.ID)
	}
	for id, e := range w.entries {
		if !e.listed {
			w.vanish(id, e)
		}
	}
	now := time.Now()
	w.batch++
	for _, id := range w.order {
		e := w.entries[id]
		if (e.state == Found || e.state == Failed) && !now.Before(e.next) {
			w.start(e, now)
		}
	}
	w.publish()
}

// runScans runs every scan, keeping a failing scan's last good list.
func (w *Watcher) runScans() []Device {
	var all []Device
	seen := map[string]bool{}
	for i, scan := range w.scans {
		devs, err := scan()
		switch {
		case err != nil:
			if msg := err.Error(); msg != w.scanErr[i] {
				w.scanErr[i] = msg
				w.logf("hotplug: scan %d: %v (keeping the %s it found before)", i+1, err, spell.Count(len(w.last[i]), "device"))
			}
			devs = w.last[i]
		case w.scanErr[i] != "":
			w.scanErr[i] = ""
			w.logf("hotplug: scan %d works again", i+1)
			fallthrough
		default:
			w.last[i] = slices.Clone(devs)
		}
		all = appendNew(all, seen, devs)
	}
	return all
}

// vanish handles an ID its scan no longer lists.
func (w *Watcher) vanish(id string, e *entry) {
	switch {
	case e.att != nil:
		// Close restores the device's normal mode and closes Pads, so the
		// forwarder delivers the releases and then the Detached. It runs
		// apart from the watcher goroutine: writing to a half-gone device
		// may be slow.
		if !e.closing {
			e.closing = true
			a := e.att
			w.closers.Go(func() { a.close(ErrVanished) })
		}
		e.next = time.Time{} // if it comes back, that is a replug: open it at once
	case e.state == Opening:
		// announce closes it when its Open returns.
	default:
		delete(w.entries, id)
	}
}

// start starts opening e's device on a goroutine of its own.
func (w *Watcher) start(e *entry, now time.Time) {
	e.state = Opening
	e.next = now.Add(w.cfg.Retry)
	o := &opening{id: e.dev.ID, batch: w.batch}
	w.opening = append(w.opening, o)
	open := e.dev.Open
	go func() {
		if open == nil {
			o.err = errNoController
		} else if o.c, o.err = open(); o.c == nil && o.err == nil {
			o.err = errNoController
		}
		w.results <- o
	}()
}

// announce takes the finished opens in the order they started, except that
// a successful open waits for the unfinished opens started before it by
// the same scan: Attached events of one scan come in scan order, and a slow
// open holds up only the devices listed after it in the same scan. A failed
// open has no event to order and is taken at once.
func (w *Watcher) announce() {
	held := -1 // a batch with an unfinished open
	rest := w.opening[:0]
	for _, o := range w.opening {
		switch {
		case !o.done:
			held = o.batch
		case o.err == nil && o.batch == held:
		default:
			w.finish(o)
			continue
		}
		rest = append(rest, o)
	}
	clear(w.opening[len(rest):])
	w.opening = rest
	w.publish()
}

// finish records the outcome of an open and starts its forwarder.
func (w *Watcher) finish(o *opening) {
	e := w.entries[o.id] // entries are kept while their open runs
	if o.err != nil {
		e.state, e.err = Failed, o.err
		e.next = time.Now().Add(w.cfg.Retry)
		if msg := o.err.Error(); msg != e.logged {
			e.logged = msg
			w.logf("hotplug: open %s: %v", o.id, o.err)
		}
		if !e.listed {
			delete(w.entries, o.id)
		}
		return
	}
	if !e.listed {
		// It vanished while opening: close it; nobody was told of it.
		delete(w.entries, o.id)
		c := o.c
		w.closers.Go(func() {
			if err := c.Close(); err != nil {
				w.logf("hotplug: close %s: %v", o.id, err)
			}
		})
		return
	}
	a := &attachment{id: o.id, c: o.c, model: o.c.Info().Model, unlisted: make(chan struct{})}
	e.state, e.err, e.logged, e.att = Opened, nil, "", a
	prev, mine := w.announced, make(chan struct{})
	w.announced = mine
	w.live++
	w.publish() // so Devices says open by the time Attached arrives
	go w.forward(a, prev, mine)
}

// forward is a controller's forwarder goroutine. Its Attached follows the
// previous forwarder's (prev), so Attached events come in the order the
// watcher announced them. The sends block: a full Events holds pads back
// rather than losing a release.
func (w *Watcher) forward(a *attachment, prev <-chan struct{}, mine chan<- struct{}) {
	<-prev
	w.events <- Event{Kind: Attached, ID: a.id, C: a.c}
	close(mine)
	for p := range a.c.Pads() {
		w.events <- Event{Kind: Input, ID: a.id, C: a.c, Pad: p}
	}
	// The device went away, unless the watcher closed it: then this waits
	// for that Close to finish and keeps its reason.
	a.close(ErrGone)
	w.detached <- a
	<-a.unlisted
	<-a.prev
	w.events <- Event{Kind: Detached, ID: a.id, C: a.c, Err: a.reason()}
	close(a.next)
}

// gone handles a closed controller whose forwarder is about to deliver its
// Detached: the device leaves the table Devices shows first. An ID still
// listed is opened again at the next scan its Retry allows.
func (w *Watcher) gone(a *attachment) {
	e := w.entries[a.id] // kept while att is set
	e.att, e.closing = nil, false
	if e.listed {
		e.state = Found
	} else {
		delete(w.entries, a.id)
	}
	w.publish()
	w.unlist(a) // only now: its Detached must find the table published
}

// unlist lets a's forwarder deliver its Detached, after the newest Attached
// or Detached before it, and makes later ones wait for it.
func (w *Watcher) unlist(a *attachment) {
	w.live--
	a.prev, a.next = w.announced, make(chan struct{})
	w.announced = a.next
	close(a.unlisted)
}

// shutdown is Close's work on the watcher goroutine.
func (w *Watcher) shutdown() {
	// Opens under way finish (an Open returns within about a second); what
	// they opened was never announced and is closed with the rest.
	var all []*attachment
	for _, o := range w.opening {
		for !o.done {
			(<-w.results).done = true
		}
		if o.c != nil {
			all = append(all, &attachment{id: o.id, c: o.c})
		}
	}
	w.opening = nil
	for _, id := range slices.Sorted(maps.Keys(w.entries)) {
		if a := w.entries[id].att; a != nil {
			all = append(all, a)
		}
	}
	for _, a := range all {
		w.closers.Go(func() { a.close(nil) })
	}
	w.closers.Wait()
	var errs []error
	for _, a := range all {
		if a.why == nil && a.err != nil { // else its Detached reported it
			errs = append(errs, a.err)
		}
	}
	w.closeErr = errors.Join(errs...)
	w.entries, w.order = nil, nil
	w.publish()
	close(w.stopped)
	// The forwarders finish as the consumer drains Events.
	for w.live > 0 {
		w.unlist(<-w.detached)
	}
	<-w.announced // the chain's last link: every event has been sent
	close(w.events)
}

// publish makes the device table visible to Devices.
func (w *Watcher) publish() {
	st := make([]Status, 0, len(w.order))
	for _, id := range w.order {
		e := w.entries[id]
		s := Status{Device: e.dev, State: e.state, Err: e.err}
		if e.att != nil && s.Model == "" {
			s.Model = e.att.model
		}
		st = append(st, s)
	}
	w.status.Store(&st)
}

func (w *Watcher) logf(format string, args ...any) {
	if w.cfg.Logf == nil {
		return
	}
	w.logMu.Lock()
	defer w.logMu.Unlock()
	w.cfg.Logf(format, args...)
}
