package engine

import (
	"errors"
	"testing"

	"gridbox/audio"
)

// TestSwapBankDividesCommandsInSendOrder: a command resolves its bank when
// it is taken in, not when it applies. Clip A, sent before the SwapBank for
// a later frame, plays the old bank's sample 0 even though it applies after
// the swap was taken in; clip B, sent after it for an earlier frame, plays
// the new bank's sample 0; both frame-exactly. Also when A was taken in a
// block before the swap was sent.
func TestSwapBankDividesCommandsInSendOrder(t *testing.T) {
	for _, early := range []bool{false, true} {
		for _, block := range []int{64, 100, 333} {
			old := &Bank{Samples: []*audio.Buffer{constant(1000, 0.25)}}
			next := &Bank{Samples: []*audio.Buffer{constant(1000, 0.5)}}
			p := newPlayer(t, old, 1)
			send(t, p, Command{Op: PlayClip, At: 200, Sample: 0, Clip: 1, Gain: 1})
			var out []float32
			if early {
				out = render(p, 50, 50) // A is taken in, not yet applied
			}
			if err := p.StageBank(next); err != nil {
				t.Fatal(err)
			}
			send(t, p, Command{Op: SwapBank}, Command{Op: PlayClip, At: 150, Sample: 0, Clip: 2, Gain: 1})
			out = append(out, render(p, 400-len(out)/2, block)...)
			for f := range 400 {
				want := float32(0)
				switch {
				case f >= 200:
					want = 0.75
				case f >= 150:
					want = 0.5
				}
				if out[2*f] != want || out[2*f+1] != want {
					t.Fatalf("early %v, block %d: frame %d = %v, want %v", early, block, f, out[2*f], want)
				}
			}
			if p.Staged() {
				t.Fatal("the staged bank was not taken in")
			}
		}
	}
}

// TestStageBank: one bank waits at a time; Staged says so until a SwapBank
// takes it in; a SwapBank with nothing staged changes nothing; a bank that
// streams needs stream slots.
func TestStageBank(t *testing.T) {
	a := &Bank{Samples: []*audio.Buffer{constant(1000, 0.25)}}
	b := &Bank{Samples: []*audio.Buffer{constant(1000, 0.5)}}
	p := newPlayer(t, a, 1)
	if p.Staged() {
		t.Fatal("Staged before StageBank")
	}
	send(t, p, Command{Op: SwapBank}, Command{Op: PlayClip, Sample: 0, Gain: 1})
	if out := render(p, 10, 10); out[0] != 0.25 {
		t.Fatalf("after a SwapBank with nothing staged: %v, want the first bank's 0.25", out[0])
	}
	if err := p.StageBank(b); err != nil {
		t.Fatal(err)
	}
	if !p.Staged() {
		t.Fatal("not Staged after StageBank")
	}
	if err := p.StageBank(a); !errors.Is(err, ErrStaged) {
		t.Fatalf("StageBank twice: %v, want ErrStaged", err)
	}
	render(p, 10, 10) // no SwapBank sent yet: b stays staged
	if !p.Staged() {
		t.Fatal("the staged bank was taken without a SwapBank")
	}
	send(t, p, Command{Op: SwapBank})
	render(p, 10, 10)
	if p.Staged() {
		t.Fatal("still Staged after the SwapBank was taken in")
	}
	if err := p.StageBank(a); err != nil {
		t.Fatalf("StageBank after the swap: %v", err)
	}
	if err := p.StageBank(&Bank{Samples: []*audio.Buffer{{Rate: 44100, Channels: 1, Data: make([]float32, 10)}}}); err == nil {
		t.Fatal("a bank at another rate was accepted")
	}

	streams, _ := streamedBank(&Bank{Samples: []*audio.Buffer{constant(5000, 0.5)}}, 1000)
	if err := newPlayer(t, a, 1).StageBank(streams); err == nil {
		t.Fatal("a bank that streams was staged on a player without stream slots")
	}
	cfg := DefaultConfig(rate, 1)
	cfg.Streams = 4
	q, err := New(cfg, a)
	if err != nil {
		t.Fatal(err)
	}
	if q.Streamer() == nil {
		t.Fatal("Config.Streams > 0 and no Streamer")
	}
	if err := q.StageBank(streams); err != nil {
		t.Fatalf("a bank that streams, on a player with stream slots: %v", err)
	}
}
