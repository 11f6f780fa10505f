package midiclock

import "math"

// The follower's filter (issue 12: within ±0.1 BPM after 2 bars with ±1 ms
// tick jitter, a tempo step followed within 1 bar, beat error ≤ 1 ms).
//
// Ticks are fitted by least squares with a straight line, frame = a + p·n
// for tick n, over a window of the latest ticks: p is the tick period
// (tempo), the line at the latest tick is the phase. A line fit is the
// optimal (Kalman, no process noise) estimate of a constant tempo from
// timestamps with independent jitter, and it does not lag: on a constant
// tempo its error only shrinks as the window fills. With N ticks and
// timestamp noise σ the period's error is σ·√(12/N³) and the phase's about
// 2σ/√N: at ±1 ms uniform jitter (σ = 0.58 ms) and 120 BPM (20.8 ms ticks),
// 2 bars (192 ticks) give 0.004 BPM and 0.08 ms.
//
// A fixed long window would follow a tempo step only once it had filled
// again. So each tick is first predicted from the current line; the
// prediction errors (innovations) of the last stepRun ticks are averaged,
// and when that mean leaves stepSigmas standard errors, the tempo has
// changed: the fit starts again from the tick before. The standard error
// is the jitter's over stepRun ticks plus the line's own error (larger
// while the window is short), and the jitter σ is estimated apart from the
// fit, from second differences of the tick times, which a tempo change
// does not disturb (a fit's residuals would swell with the change itself
// and hide it). A step from 120 to 128 BPM moves each tick 1.3 ms further
// off the old line, so it is seen within a few ticks; a small step later,
// but its error is small meanwhile. After the restart the window grows
// again, one tick at a time: 1 bar after a step it holds most of a bar,
// 0.02 BPM and 0.12 ms of error at ±1 ms jitter.
//
// Measured (go test ./midiclock -run Follow -v -clock-seeds 1000; ±1 ms
// uniform jitter, 60–180 BPM): tempo error after 2 bars at most 0.035 BPM,
// then at most 0.043; beat error from lock on at most 0.82 ms, RMS at most
// 0.14 ms; a 120 → 128 step followed (±0.1 BPM and ±1 ms from then on)
// after 576 ms on average, 1230 ms at worst (1 bar at 128 is 1875 ms).
const (
	// maxWindow is the most ticks fitted: 2 bars of 4/4. Longer windows
	// gain little (0.004 BPM already) and cost O(N) per tick.
	maxWindow = 192
	// stepRun is how many innovations are averaged to find a step: short
	// enough that the window restarts with mostly new-tempo ticks, long
	// enough that the mean's noise (σ/√8) is a third of σ.
	stepRun = 8
	// stepSigmas is the threshold in standard errors of that mean. Uniform
	// jitter summed over 8 ticks is nearly Gaussian: 5 standard errors is
	// a false restart every few million ticks, and a false restart costs
	// only precision.
	stepSigmas = 5
	// minTicks is how many ticks the window needs before Tempo and Beat
	// use the fit (fewer: the last tempo, and the phase of the last tick).
	minTicks = 3
	// lockTicks is how many ticks the window needs for Locked: a beat's
	// worth gives 0.24 ms of phase noise at ±1 ms jitter.
	lockTicks = TicksPerBeat
	// lossSeconds without a tick is a clock loss (issue 12: 500 ms).
	lossSeconds = 0.5
	// MinBPM and MaxBPM bound every estimate.
	MinBPM, MaxBPM = 20, 999
	// DefaultBPM is the tempo before any tick.
	DefaultBPM = 120
)

// minSigma is the least timing noise assumed, in frames: the rounding of
// tick times to frames (uniform ±0.5, σ 0.29), rounded up.
const minSigma = 0.5

// jitterAvg is the jitter estimate's averaging length in ticks (an
// exponential average after the first jitterAvg): 64 samples estimate σ
// within about 10%.
const jitterAvg = 64

// jitter returns the tick jitter's standard deviation estimate in frames.
func (f *Follower) jitter() float64 { return math.Sqrt(math.Max(f.jit2, minSigma*minSigma)) }

// An EventKind is what an Event reports.
type EventKind int

// Events from the source.
const (
	// Started: FA, then this tick at song position 0.
	Started EventKind = iota + 1
	// Continued: FB, then this tick at the song position (SPP or where it
	// stopped).
	Continued
	// Stopped: FC; Beat is where the song will go on from.
	Stopped
	// Located: an SPP while stopped; Beat is the new position.
	Located
	// Lost: no tick for 500 ms; the follower keeps the last tempo.
	Lost
	// Found: a tick after a loss.
	Found
)

// An Event is a change of the source's transport, at frame At, with the
// song position Beat (quarter notes) it gives.
type Event struct {
	Kind EventKind
	At   int64
	Beat float64
}

// A Follower follows a MIDI clock source. It is fed every byte received
// from the source's port (Feed) with the frame at which it takes effect,
// in non-decreasing frame order, and asked for the tempo and song position
// (Tempo, Beat, Running). Poll reports a clock loss between bytes.
//
// A Follower belongs to one goroutine (the session's).
type Follower struct {
	rate float64

	// The fit: the window's ticks, oldest first, in a ring of maxWindow.
	n     [maxWindow]int64 // tick numbers (counted since NewFollower)
	t     [maxWindow]int64 // their frames
	head  int              // index of the oldest
	count int
	ticks int64 // tick number of the next tick

	a, p   float64 // line: frame = a + p·(n - nLast) (a: the last tick's fitted frame)
	nLast  int64
	jit2   float64 // tick jitter variance estimate, frames²
	jitN   int     // samples in it, up to jitterAvg
	inn    [stepRun]float64
	innN   int
	bpm    float64 // the last estimate
	lastAt int64   // frame of the last tick
	any    bool    // a tick was seen
	lost   bool

	// Transport: song position = pos0 + (tick - tick0)/24 while running.
	running bool
	pending byte    // Start or Continue waiting for the next tick, or 0
	pos     float64 // song position: while stopped, where it goes on from
	tick0   int64   // tick number at song position pos
	// SPP parsing
	spp  int // data bytes still expected (0: none)
	sppV int
}

// NewFollower returns a follower at rate frames per second, stopped at
// song position 0, at DefaultBPM until ticks say otherwise.
func NewFollower(rate int) *Follower {
	if rate <= 0 {
		panic("midiclock: NewFollower: rate must be positive")
	}
	return &Follower{rate: float64(rate), bpm: DefaultBPM}
}

// periodOf converts a tempo to a tick period in frames.
func (f *Follower) periodOf(bpm float64) float64 { return f.rate * 60 / (bpm * TicksPerBeat) }

// Tempo returns the estimated tempo in BPM (MinBPM..MaxBPM): from the fit,
// or, before enough ticks and during a loss, the last estimate.
func (f *Follower) Tempo() float64 { return f.bpm }

// Locked reports whether the estimate rests on at least a beat of ticks
// since the start, the last tempo step or the last loss.
func (f *Follower) Locked() bool { return f.count >= lockTicks && !f.lost }

// Running reports whether the source's transport runs: from the tick after
// FA or FB to FC.
func (f *Follower) Running() bool { return f.running }

// tickAt returns the (fractional) tick number at frame at, extrapolated
// from the fit.
func (f *Follower) tickAt(at int64) float64 {
	if !f.any {
		return float64(f.ticks)
	}
	p := f.periodOf(f.bpm)
	return float64(f.nLast) + (float64(at)-f.a)/p
}

// Beat returns the source's song position at frame at, in quarter notes:
// while running, the position of the last tick plus the time since it at
// the estimated tempo (so it goes on at the last tempo through a loss);
// stopped, where it will go on from. at should be at or after the last
// tick fed: between ticks the result is a straight line, and each tick
// moves that line by the fit's correction (at ±1 ms jitter, about 0.1 ms
// once locked), so the session steers its grid to it (Steer) rather than
// jumping to it. Before the tick a Start or Continue waits for, it is the
// position that tick will have.
func (f *Follower) Beat(at int64) float64 {
	if f.pending == Start {
		return 0
	}
	if !f.running {
		return f.pos
	}
	d := f.tickAt(at) - float64(f.tick0)
	return f.pos + math.Max(d, 0)/TicksPerBeat
}

// Steer returns the tempo to give the session's grid from frame at, where
// the grid is at beat, so that it meets the source's position a beat
// later: the estimated tempo corrected by the phase error (so followed
// phase errors decay within a beat instead of being jumped over), within
// ±10% of the estimate and MinBPM..MaxBPM. Stopped, it is Tempo.
func (f *Follower) Steer(at int64, beat float64) float64 {
	if !f.running {
		return f.bpm
	}
	e := f.Beat(at) - beat // beats the grid lags
	e = math.Max(-0.1, math.Min(e, 0.1))
	return clampBPM(f.bpm * (1 + e))
}

func clampBPM(b float64) float64 {
	if !(b >= MinBPM) { // NaN too
		return MinBPM
	}
	return math.Min(b, MaxBPM)
}

// Poll reports a clock loss when frame now is 500 ms past the last tick
// (once per loss), keeping the last tempo; otherwise ok is false.
func (f *Follower) Poll(now int64) (e Event, ok bool) {
	if !f.any || f.lost {
		return Event{}, false
	}
	limit := f.lastAt + int64(lossSeconds*f.rate)
	if now < limit {
		return Event{}, false
	}
	f.lost = true
	return Event{Kind: Lost, At: limit, Beat: f.Beat(limit)}, true
}

// Lost reports whether the clock is lost: Poll reported it and no tick has
// come since.
func (f *Follower) Lost() bool { return f.lost }

// Feed takes byte b received at frame at: F8, FA, FB, FC and F2 with its
// two data bytes are followed, other bytes ignored (a status byte other
// than a real-time one cancels an SPP in progress, as MIDI's running
// status rules say; real-time bytes may come between its bytes). Frames go
// forward: a frame before the last tick's restarts the fit. It returns the
// event b caused, if any (a loss found by Feed is reported by Poll first).
func (f *Follower) Feed(at int64, b byte) (e Event, ok bool) {
	switch {
	case b < 0x80:
		if f.spp == 0 {
			return Event{}, false
		}
		f.sppV |= int(b) << (7 * (2 - f.spp))
		if f.spp--; f.spp > 0 || f.running {
			return Event{}, false // MIDI: SPP is for a stopped transport
		}
		f.pos = float64(f.sppV) / 4
		return Event{Kind: Located, At: at, Beat: f.pos}, true
	case b >= 0xF8:
		// real time: may come inside another message
	default:
		f.spp = 0
	}
	switch b {
	case SongPos:
		f.spp, f.sppV = 2, 0
	case Start:
		f.pending = Start
	case Continue:
		f.pending = Continue
	case Stop:
		f.pending = 0
		if f.running {
			f.running = false
			// where it goes on from: the tick after the last one counted
			f.pos += float64(f.ticks-f.tick0) / TicksPerBeat
		}
		return Event{Kind: Stopped, At: at, Beat: f.pos}, true
	case Clock:
		return f.clock(at)
	}
	return Event{}, false
}

// clock takes a tick at frame at.
func (f *Follower) clock(at int64) (e Event, ok bool) {
	found := false
	if f.any {
		f.Poll(at) // a loss the caller did not poll for is still a loss
		if f.lost {
			// A flywheel through the loss: the tick after it counts as the
			// tick nearest to where the last tempo put the grid, so the
			// position goes on without a jump back; the fit starts over.
			if f.running {
				f.ticks = max(f.ticks, int64(math.Round(f.tickAt(at))))
			}
			f.count, f.innN = 0, 0
			f.lost, found = false, true
		} else if at < f.lastAt {
			f.count, f.innN = 0, 0
		}
	}
	n := f.ticks
	f.ticks++
	f.add(n, at)
	f.any, f.lastAt = true, at

	switch {
	case f.pending == Start:
		f.pending, f.running = 0, true
		f.pos, f.tick0 = 0, n
		return Event{Kind: Started, At: at, Beat: 0}, true
	case f.pending == Continue:
		f.pending, f.running = 0, true
		f.tick0 = n
		return Event{Kind: Continued, At: at, Beat: f.pos}, true
	case found:
		return Event{Kind: Found, At: at, Beat: f.Beat(at)}, true
	}
	return Event{}, false
}

// add puts tick n at frame at into the fit and updates the estimate.
func (f *Follower) add(n, at int64) {
	if f.count >= 2 {
		// innovation: how far the tick lands from the line's prediction
		pred := f.a + f.p*float64(n-f.nLast)
		copy(f.inn[:], f.inn[1:])
		f.inn[stepRun-1] = float64(at) - pred
		f.innN = min(f.innN+1, stepRun)
		if f.innN == stepRun && f.count >= 2*stepRun {
			var m float64
			for _, v := range f.inn {
				m += v
			}
			m /= stepRun
			// The mean's standard error: the ticks' own jitter (σ²/D)
			// plus the error of the line they are predicted from, its
			// phase (≈4σ²/N at the window's end) and its slope carried
			// D/2 ticks on (12σ²/N³·D²/4).
			c := float64(f.count)
			se := f.jitter() * math.Sqrt(1.0/stepRun+4/c+3*stepRun*stepRun/(c*c*c))
			if math.Abs(m) > stepSigmas*se {
				// A tempo change: start again from the last tick before
				// this one (once a step is seen, the ticks before it only
				// pull the line off).
				f.head = (f.head + f.count - 1) % maxWindow
				f.count = 1
				f.innN = 0
			}
		}
	}
	if f.count >= 2 && n == f.n[(f.head+f.count-1)%maxWindow]+1 {
		// The jitter from second differences of consecutive ticks:
		// t[k+1] - 2t[k] + t[k-1] is 0 at a steady tempo whatever it is,
		// a tempo step moves only one, and independent jitter of
		// variance σ² gives it 6σ². Clipped at 5 σ once the estimate has
		// some samples, so a step or a late tick barely moves it.
		i1, i0 := (f.head+f.count-1)%maxWindow, (f.head+f.count-2)%maxWindow
		if f.n[i0]+1 == f.n[i1] {
			d := float64(at) - 2*float64(f.t[i1]) + float64(f.t[i0])
			v := d * d / 6
			if f.jitN >= stepRun {
				v = math.Min(v, 25*f.jit2)
			}
			f.jitN = min(f.jitN+1, jitterAvg)
			f.jit2 += (v - f.jit2) / float64(f.jitN)
		}
	}
	if f.count == maxWindow {
		f.head = (f.head + 1) % maxWindow
		f.count--
	}
	i := (f.head + f.count) % maxWindow
	f.n[i], f.t[i] = n, at
	f.count++
	f.fit()
}

// fit fits the line to the window, relative to its oldest tick (so the
// sums stay small whatever the frame count).
func (f *Follower) fit() {
	last := (f.head + f.count - 1) % maxWindow
	f.nLast = f.n[last]
	if f.count < minTicks {
		f.a, f.p = float64(f.t[last]), f.periodOf(f.bpm)
		return
	}
	n0, t0 := f.n[f.head], f.t[f.head]
	var sx, sy, sxx, sxy float64
	for k := 0; k < f.count; k++ {
		j := (f.head + k) % maxWindow
		x, y := float64(f.n[j]-n0), float64(f.t[j])-float64(t0)
		sx += x
		sy += y
		sxx += x * x
		sxy += x * y
	}
	c := float64(f.count)
	den := c*sxx - sx*sx
	p := (c*sxy - sx*sy) / den
	lo, hi := f.periodOf(MaxBPM), f.periodOf(MinBPM)
	if !(p >= lo) { // NaN, zero, backwards
		p = lo
	}
	p = math.Min(p, hi)
	a := (sy - p*sx) / c // intercept at x = 0
	f.p = p
	f.a = float64(t0) + a + p*float64(f.nLast-n0)
	f.bpm = clampBPM(f.rate * 60 / (p * TicksPerBeat))
}
