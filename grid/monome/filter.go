package monome

// DefaultBurst is Filter's default flood threshold: more key events than this
// at one coordinate within one read chunk is a flood. A read chunk covers a
// few milliseconds of input (a 3-byte mext key takes 0.26 ms at 115200 baud);
// eight events is four full presses of one key, which no finger does between
// two reads, while the norns#539 flood repeats one coordinate hundreds of
// times.
const DefaultBurst = 8

// FilterStats counts what a Filter dropped.
type FilterStats struct {
	OutOfRange uint64 // keys outside Cols×Rows
	Duplicate  uint64 // a Down for a held key, or an Up for a key not held
	Flooded    uint64 // keys dropped as part of a flood
	Floods     uint64 // read chunks that held a flood
}

// A Filter is the phantom-key hygiene between the parser and the rest of
// gridbox. On unplug, series grids have been seen to flood phantom key events
// with x, y and z all 1 (norns#539: 00 11 over and over); a misaligned stream
// can also produce keys that do not exist. Apply, called once per read chunk,
// drops:
//  1. keys outside Cols×Rows (when the size is known);
//  2. floods: when more than Burst events in one chunk share a coordinate,
//     all events at that coordinate in the chunk, and Apply reports it so the
//     driver can treat the device as going away;
//  3. repeats: a Down for a key already held or an Up for a key not held. A
//     real key alternates, so this keeps Downs and Ups paired, and the held
//     set is exact for Release.
//
// A Filter belongs to the goroutine that reads the device. The zero value
// checks no bounds and uses DefaultBurst.
type Filter struct {
	Cols, Rows int // known size; 0 skips the bounds check
	Burst      int // flood threshold; 0 means DefaultBurst

	held  [256 * 256 / 64]uint64 // bit y*256+x: key (x, y) is down
	count map[[2]int]int         // per-chunk events per coordinate; reused
	stats FilterStats
}

// Stats returns the counters.
func (f *Filter) Stats() FilterStats { return f.stats }

// Apply filters the keys parsed from one read chunk in place and returns the
// kept ones (a prefix of keys, in order) and whether the chunk held a flood.
func (f *Filter) Apply(keys []Key) (kept []Key, flood bool) {
	burst := f.Burst
	if burst <= 0 {
		burst = DefaultBurst
	}
	if len(keys) > burst {
		if f.count == nil {
			f.count = map[[2]int]int{}
		}
		clear(f.count)
		for _, k := range keys {
			f.count[[2]int{k.X, k.Y}]++
		}
	}
	kept = keys[:0]
	for _, k := range keys {
		switch {
		case k.X < 0 || k.Y < 0 || k.X > 255 || k.Y > 255 ||
			(f.Cols > 0 && k.X >= f.Cols) || (f.Rows > 0 && k.Y >= f.Rows):
			f.stats.OutOfRange++
		case len(keys) > burst && f.count[[2]int{k.X, k.Y}] > burst:
			f.stats.Flooded++
			flood = true
		case f.isHeld(k.X, k.Y) == k.Down:
			f.stats.Duplicate++
		default:
			f.setHeld(k.X, k.Y, k.Down)
			kept = append(kept, k)
		}
	}
	if flood {
		f.stats.Floods++
	}
	return kept, flood
}

// Release calls emit with an Up for every key still held, in row order, and
// forgets them: call it when the device goes away, so held pads get their
// note-offs (realtime-and-reliability.md test T10).
func (f *Filter) Release(emit func(Key)) {
	for w, word := range f.held {
		for word != 0 {
			b := 0
			for word&(1<<b) == 0 {
				b++
			}
			word &^= 1 << b
			i := w*64 + b
			if emit != nil {
				emit(Key{X: i % 256, Y: i / 256})
			}
		}
		f.held[w] = 0
	}
}

// Held reports whether key (x, y) is down as far as the filter knows.
func (f *Filter) Held(x, y int) bool {
	if x < 0 || y < 0 || x > 255 || y > 255 {
		return false
	}
	return f.isHeld(x, y)
}

func (f *Filter) isHeld(x, y int) bool {
	i := y*256 + x
	return f.held[i/64]&(1<<(i%64)) != 0
}

func (f *Filter) setHeld(x, y int, down bool) {
	i := y*256 + x
	if down {
		f.held[i/64] |= 1 << (i % 64)
	} else {
		f.held[i/64] &^= 1 << (i % 64)
	}
}
