package engine

import (
	"fmt"
	"reflect"
	"sync/atomic"

	"gridbox/audio"
)

// A Bank holds everything voices play: decoded samples at the player's rate
// and the sampler instruments that map notes to them. It is built on the
// control side when a set loads and is immutable once handed to New or
// Player.StageBank (a reload).
//
// A long sample may stream from disk instead of being held whole: then
// Streams[i] reads all of it and Samples[i] holds only its first frames
// (the preload), which a voice plays while the streamer gets ahead of it.
// Streams is empty, or as long as Samples with nil for samples in memory.
// Only audio clips stream; instruments' zones play samples in memory.
type Bank struct {
	Samples     []*audio.Buffer // mono or stereo, at the Player's rate
	Streams     []audio.Source  // at the Player's rate, with Samples' channels
	Instruments []Instrument

	refs *bankRefs // set by New or StageBank
}

// bankRefs counts what may still play a bank, for Player.Uses. The control
// side makes it (New, StageBank); the render side counts; anyone reads.
type bankRefs struct {
	bank *Bank        // whose: a Bank copied from another gets its own
	held atomic.Int32 // 1 while the player's current bank, 1 while staged
	// Commands taken in with the bank and not yet applied: PlayClips per
	// sample, NoteOns per instrument (they may start any of its zones).
	clips []atomic.Int32
	notes []atomic.Int32
	// voices counts, per sample, the voices playing it (a stolen one
	// fading out in a tail slot too).
	voices []atomic.Int32
}

// refsOf returns b's counters, made on first use (control side, before b
// is handed to the render side).
func refsOf(b *Bank) *bankRefs {
	if b.refs == nil || b.refs.bank != b {
		b.refs = &bankRefs{
			bank:   b,
			clips:  make([]atomic.Int32, len(b.Samples)),
			notes:  make([]atomic.Int32, len(b.Instruments)),
			voices: make([]atomic.Int32, len(b.Samples)),
		}
	}
	return b.refs
}

// busy reports whether anything of the bank may still play: it is current
// or staged, or a command taken in with it waits, or a voice of it sounds.
func (r *bankRefs) busy() bool {
	if r.held.Load() > 0 {
		return true
	}
	for _, cs := range [...][]atomic.Int32{r.clips, r.notes, r.voices} {
		for i := range cs {
			if cs[i].Load() > 0 {
				return true
			}
		}
	}
	return false
}

// playing reports whether anything of b may still play sample s: b is
// current or staged, a command taken in with it waits to start s, or a
// voice of it plays s. The counts are read in the order a use moves on
// (held, waiting, sounding), each use begun before the one before it ends,
// so that a use moving on between two reads is not missed.
func (b *Bank) playing(s int32) bool {
	r := b.refs
	if r.held.Load() > 0 || r.clips[s].Load() > 0 {
		return true
	}
	for i := range b.Instruments {
		if r.notes[i].Load() == 0 {
			continue
		}
		for _, z := range b.Instruments[i].Zones {
			if z.Sample == s {
				return true
			}
		}
		if sf := b.Instruments[i].SoundFont; sf != nil && sf.Sample == s {
			return true
		}
	}
	return r.voices[s].Load() > 0
}

// source returns sample s's Source, or nil if it does not stream.
func (b *Bank) source(s int32) audio.Source {
	if b.streamed(s) {
		return b.Streams[s]
	}
	return nil
}

// waiting returns the counter that c, taken in with b and not yet applied,
// counts in (nil: c starts no voice of b).
func (b *Bank) waiting(c *Command) *atomic.Int32 {
	switch {
	case c.Op == PlayClip && c.Sample >= 0 && int(c.Sample) < len(b.Samples):
		return &b.refs.clips[c.Sample]
	case c.Op == NoteOn && c.Instrument >= 0 && int(c.Instrument) < len(b.Instruments):
		return &b.refs.notes[c.Instrument]
	}
	return nil
}

// Frames returns sample s's length in frames: all of it, streamed or not.
func (b *Bank) Frames(s int32) int {
	if b.streamed(s) {
		return int(b.Streams[s].Frames())
	}
	return b.Samples[s].Frames()
}

func is16(src audio.Source) bool {
	_, ok := src.(pcm16)
	return ok
}

// streams reports whether any sample of b streams.
func (b *Bank) streams() bool {
	for _, s := range b.Streams {
		if s != nil {
			return true
		}
	}
	return false
}

// streamed reports whether sample s streams.
func (b *Bank) streamed(s int32) bool { return int(s) < len(b.Streams) && b.Streams[s] != nil }

// An Instrument maps keys to samples. Every zone whose Low..High range holds
// a key plays it (zones layer, as in a drum rack or SFZ). An instrument
// with a SoundFont plays that instead of zones; one with MIDI sends its
// notes to a MIDI port (MIDIOut).
type Instrument struct {
	Zones     []Zone
	SoundFont *SoundFont
	MIDI      *MIDIOut // a MIDI instrument: its notes go to a MIDI port, not to voices
}

// A Zone plays Sample for keys Low..High, pitched so that Root plays it at its
// natural speed. Gain is linear. A Gate zone fades out at note-off; otherwise
// the sample plays to its end (one-shot).
type Zone struct {
	Low, High, Root uint8
	Sample          int32
	Gain            float32
	Gate            bool
}

func (b *Bank) check(rate int) error {
	// A SoundFont's sample data is at the font's rates, given per region.
	font := map[int32]bool{}
	for i, in := range b.Instruments {
		sf := in.SoundFont
		if sf == nil {
			continue
		}
		if sf.Sample < 0 || int(sf.Sample) >= len(b.Samples) || b.Samples[sf.Sample] == nil {
			return fmt.Errorf("engine: instrument %d: SoundFont sample %d out of range", i, sf.Sample)
		}
		s := b.Samples[sf.Sample]
		if s.Channels != 1 || s.PCM16 == nil || len(s.PCM16) != sf.frames || b.streamed(sf.Sample) {
			return fmt.Errorf("engine: instrument %d: SoundFont sample %d is not the font's data (mono 16-bit, %d points, in memory)", i, sf.Sample, sf.frames)
		}
		font[sf.Sample] = true
	}
	for i, s := range b.Samples {
		switch {
		case s == nil:
			return fmt.Errorf("engine: sample %d is nil", i)
		case s.Rate != rate && !font[int32(i)]:
			return fmt.Errorf("engine: sample %d is at %d Hz, the player runs at %d Hz", i, s.Rate, rate)
		case s.Channels != 1 && s.Channels != 2:
			return fmt.Errorf("engine: sample %d has %d channels, want 1 or 2", i, s.Channels)
		}
	}
	if len(b.Streams) != 0 && len(b.Streams) != len(b.Samples) {
		return fmt.Errorf("engine: %d streams for %d samples", len(b.Streams), len(b.Samples))
	}
	for i, src := range b.Streams {
		switch {
		case src == nil:
		case !reflect.TypeOf(src).Comparable():
			// The streamer tells Sources apart by identity (one reader at a
			// time for each, whichever banks share it).
			return fmt.Errorf("engine: sample %d streams from a %T, which is not comparable (use a pointer)", i, src)
		case src.Channels() != b.Samples[i].Channels:
			return fmt.Errorf("engine: sample %d streams %d channels, its preload has %d", i, src.Channels(), b.Samples[i].Channels)
		case src.Frames() < int64(b.Samples[i].Frames()):
			return fmt.Errorf("engine: sample %d streams %d frames, fewer than its preload's %d", i, src.Frames(), b.Samples[i].Frames())
		case b.Samples[i].PCM16 != nil && !is16(src):
			return fmt.Errorf("engine: sample %d has a 16-bit preload but its source cannot read 16-bit samples", i)
		}
	}
	for i, in := range b.Instruments {
		for j, z := range in.Zones {
			if z.Sample < 0 || int(z.Sample) >= len(b.Samples) {
				return fmt.Errorf("engine: instrument %d zone %d: sample %d out of range", i, j, z.Sample)
			}
			if b.streamed(z.Sample) {
				return fmt.Errorf("engine: instrument %d zone %d: sample %d streams; zones play samples in memory", i, j, z.Sample)
			}
		}
	}
	return nil
}
