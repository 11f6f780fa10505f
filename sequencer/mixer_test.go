package sequencer

import (
	"testing"

	"gridbox/engine"
)

func TestSlotAtShowsWhatIsHeard(t *testing.T) {
	r := &recorder{}
	s := NewSession(song(), r, rate)
	s.Press(0, 0, 0)
	s.Advance(bar) // committed: clip 0 plays from frame 0
	s.Press(0, 1, beats(2))
	s.Advance(bar + 100) // the switch to clip 1 at bar 1 is committed, not heard yet
	if st := s.Slot(0, 1); st != SlotPlaying {
		t.Fatalf("committed state of slot (0,1): %v, want playing", st)
	}
	for _, c := range []struct {
		now        engine.Frame
		old, newer SlotState
	}{
		{bar - 1, SlotStopping, SlotQueued},
		{bar, SlotStopped, SlotPlaying},
		{bar + 50, SlotStopped, SlotPlaying},
	} {
		if o, n := s.SlotAt(0, 0, c.now), s.SlotAt(0, 1, c.now); o != c.old || n != c.newer {
			t.Errorf("at frame %d: slots 0,1 = %v,%v; want %v,%v", c.now, o, n, c.old, c.newer)
		}
	}
	// A stop committed ahead: still playing (stopping) until its frame.
	s.StopTrack(0, bar+200)
	s.Advance(2*bar + 10)
	if st := s.SlotAt(0, 1, 2*bar-1); st != SlotStopping {
		t.Errorf("before a committed stop: %v, want stopping", st)
	}
	if st := s.SlotAt(0, 1, 2*bar); st != SlotStopped {
		t.Errorf("at a committed stop: %v, want stopped", st)
	}
	// From silence, a committed start is queued until it sounds.
	s.Press(1, 0, 2*bar+20)
	s.Advance(3*bar + 10)
	if a, b := s.SlotAt(1, 0, 3*bar-1), s.SlotAt(1, 0, 3*bar); a != SlotQueued || b != SlotPlaying {
		t.Errorf("start from silence: %v then %v, want queued then playing", a, b)
	}
}

func TestMixMuteSoloVolume(t *testing.T) {
	r := &recorder{}
	s := NewSession(song(), r, rate)
	last := func(x int) engine.Command {
		var c engine.Command
		for _, m := range r.ops(engine.SetTrack) {
			if int(m.Track) == x {
				c = m
			}
		}
		return c
	}
	s.SetMix(1, Mix{Volume: 0.5}, 10)
	if c := last(1); c.Gain != 0.5 || c.Mute || c.At != 10 {
		t.Fatalf("volume 0.5: %+v", c)
	}
	s.SetMix(0, Mix{Volume: 1, Solo: true}, 20)
	if !s.Soloed() {
		t.Fatal("Soloed false after a solo")
	}
	if a, b, c := last(0), last(1), last(2); a.Mute || !b.Mute || !c.Mute || b.Gain != 0.5 {
		t.Fatalf("solo track 0: mutes %v %v %v (gain of 1: %v)", a.Mute, b.Mute, c.Mute, b.Gain)
	}
	s.SetMix(0, Mix{Volume: 1}, 30)
	if a, b := last(0), last(2); a.Mute || b.Mute || s.Soloed() {
		t.Fatalf("unsolo: mutes %v %v", a.Mute, b.Mute)
	}
	s.SetMix(2, Mix{Volume: 1, Mute: true, Arm: true}, 40)
	if c := last(2); !c.Mute || !s.Mix(2).Arm {
		t.Fatalf("mute track 2: %+v, %+v", c, s.Mix(2))
	}
	if m := s.Mix(99); m != (Mix{}) {
		t.Fatalf("Mix of a missing track: %+v", m)
	}
}

// Two changes committed for one frame (a follow action and a press) show
// the clip heard before them as stopping, and the one that never sounds
// as nothing special.
func TestSlotAtTwoChangesAtOneFrame(t *testing.T) {
	sg := song()
	sg.Tracks[0].Clips[0].Follow = &Follow{After: 4, Action: Next, Chance: 1}
	r := &recorder{}
	s := NewSession(sg, r, rate)
	s.Press(0, 0, 0)
	s.Advance(bar / 2)
	s.Press(0, 2, bar/2) // for bar 1, where the follow action launches slot 1
	s.Advance(bar + 100)
	for y, want := range []SlotState{SlotStopping, SlotStopped, SlotQueued} {
		if got := s.SlotAt(0, y, bar-1); got != want {
			t.Errorf("slot %d just before bar 1: %v, want %v", y, got, want)
		}
	}
	if got := s.SlotAt(0, 2, bar); got != SlotPlaying {
		t.Errorf("slot 2 at bar 1: %v, want playing", got)
	}
}
