package show

import (
	"io"
	"testing"

	"gridbox/engine"
	"gridbox/show/showtest"
)

// countingClock is a clock that stands still and counts its calls.
type countingClock struct{ nexts, commits, turns int }

func (c *countingClock) next() (engine.Frame, error) { c.nexts++; return 0, nil }
func (c *countingClock) commit(engine.Frame)         { c.commits++ }
func (c *countingClock) turn(now engine.Frame) (engine.Frame, string, error) {
	c.turns++
	return now, "", nil
}

// Every pass of the loop does its whole turn before the ends are checked:
// a show that has ended before it starts (an end at frame 0, a script with
// no events) still has its first turn, as a render writes its first block
// and play shows its state once.
func TestRunTurnsBeforeItEnds(t *testing.T) {
	e := &Env{Stdout: io.Discard, Stderr: io.Discard}
	l, p, err := prepare(e, showtest.ClickSet(t, ""), "", 48000, e.memory())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, c := range []struct {
		name  string
		end   engine.Frame
		limit engine.Frame
		want  string
	}{
		{"script end at 0", 0, engine.Never, "the script ended"},
		{"limit at 0", engine.Never, 0, "limit"},
	} {
		p.end = c.end
		var clk countingClock
		reason, err := p.run(&clk, c.limit, "limit")
		if err != nil || reason != c.want || clk.nexts != 1 || clk.commits != 1 || clk.turns != 1 {
			t.Errorf("%s: %q, %v after %+v; want %q after one whole pass", c.name, reason, err, clk, c.want)
		}
	}
}
