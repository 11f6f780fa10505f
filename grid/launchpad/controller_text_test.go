package launchpad_test

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"gridbox/grid"
	"gridbox/grid/launchpad"
	"gridbox/grid/launchpad/launchpadtest"
)

const demoText = "192.168.1.23 Demo set"

// textModels are the models that can scroll text; noTextModels the others.
func textModels() (yes, no []launchpad.Model) {
	for _, m := range launchpad.Models {
		if m.ScrollsText() {
			yes = append(yes, m)
		} else {
			no = append(no, m)
		}
	}
	return yes, no
}

func TestTextModels(t *testing.T) {
	yes, no := textModels()
	want := []launchpad.Model{launchpad.LaunchpadS, launchpad.LaunchpadMK2, launchpad.LaunchpadPro, launchpad.LaunchpadX, launchpad.LaunchpadMiniMK3}
	if len(yes) != len(want) || len(no) != len(launchpad.Models)-len(want) {
		t.Fatalf("models that scroll text: %v", yes)
	}
	for i, m := range want {
		if yes[i] != m {
			t.Fatalf("models that scroll text: %v, want %v", yes, want)
		}
		if r := m.ReportsTextEnd(); r != (m != launchpad.LaunchpadX && m != launchpad.LaunchpadMiniMK3) {
			t.Errorf("%v: ReportsTextEnd %v", m, r)
		}
	}
}

// closed reports whether ch is closed within d.
func closed(ch <-chan struct{}, d time.Duration) bool {
	if d <= 0 {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	select {
	case <-ch:
		return true
	case <-time.After(d):
		return false
	}
}

// fullBytes is how many bytes the whole of frame f takes on model m: what
// a Flush sends when it repaints everything.
func fullBytes(m launchpad.Model, f map[grid.Button]grid.Light) int {
	next := launchpad.NewFrame(m)
	for b, l := range f {
		next.Set(lp(b), toLight(l))
	}
	n := 0
	for _, msg := range launchpad.NewEncoder(m).Encode(nil, next) {
		n += len(msg)
	}
	return n
}

// showFrame sets f on c and flushes it.
func showFrame(t *testing.T, c *launchpad.Controller, f map[grid.Button]grid.Light) {
	t.Helper()
	for b, l := range f {
		c.Set(b, l)
	}
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
}

// wantText is what the device should show for ScrollText(demoText, red).
func wantText(m launchpad.Model, text string) launchpadtest.Text {
	speed := 4
	if !m.ReportsTextEnd() {
		speed = 10
	}
	return launchpadtest.Text{Text: text, Color: launchpad.Color{R: 255}, Speed: speed}
}

var red = grid.Color{R: 255}

// eventually fails the test unless cond becomes true within 5 seconds.
func eventually(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestControllerScrollText: the demo text reaches the device as text; while
// it scrolls Flush sends nothing, however the frame changes; done closes
// when the text is over (the device's report on the S, MK2 and Pro, the
// estimate on the X and Mini MK3), and the next Flush sends the whole new
// frame.
func TestControllerScrollText(t *testing.T) {
	yes, _ := textModels()
	for _, m := range yes {
		t.Run(m.String(), func(t *testing.T) {
			r := rand.New(rand.NewPCG(10, uint64(m)))
			c, d := open(t, m)
			var _ grid.TextScroller = c
			if !c.CanScrollText() {
				t.Fatal("CanScrollText false")
			}
			if m.ReportsTextEnd() {
				c.SetTextWait(func(string) time.Duration { return time.Hour }) // only the report ends it
			} else {
				d.SetTextDuration(100 * time.Millisecond)
				c.SetTextWait(func(text string) time.Duration {
					if text != demoText {
						t.Errorf("text wait asked for %q", text)
					}
					return 300 * time.Millisecond
				})
			}
			before := gridFrame(r, m)
			showFrame(t, c, before)

			done, err := c.ScrollText(demoText, red)
			if err != nil {
				t.Fatal(err)
			}
			if got, ok := d.Text(); !ok || got != wantText(m, demoText) {
				t.Fatalf("device shows text %+v %v, want %+v", got, ok, wantText(m, demoText))
			}
			if closed(done, 0) {
				t.Fatal("done closed as the text started")
			}

			after := gridFrame(r, m)
			msgs := d.Messages()
			for b, l := range after {
				c.Set(b, l)
			}
			for range 3 {
				if err := c.Flush(); err != nil {
					t.Fatalf("Flush during the text: %v", err)
				}
			}
			if got := d.Messages() - msgs; got != 0 {
				t.Fatalf("Flush sent %d messages while the text scrolled", got)
			}
			checkShows(t, d, before, "under the text")

			if m.ReportsTextEnd() {
				if closed(done, 50*time.Millisecond) {
					t.Fatal("done closed before the device reported the end")
				}
				if !d.FinishText() {
					t.Fatal("the device scrolls no text")
				}
			}
			if !closed(done, 5*time.Second) {
				t.Fatal("done not closed after the text ended")
			}
			if _, ok := d.Text(); ok {
				t.Fatal("the device still scrolls the text")
			}
			if m.ReportsTextEnd() { // Stats follow once the reader has fed the chunk
				eventually(t, func() bool { return c.Stats().Parser.TextEnds == 1 }, "TextEnds 1")
			}
			w := d.Writes()
			if err := c.Flush(); err != nil {
				t.Fatal(err)
			}
			if got, want := d.Writes()-w, fullBytes(m, after); got != want {
				t.Fatalf("first Flush after the text sent %d bytes, want the whole frame's %d", got, want)
			}
			checkShows(t, d, after, "after the text")
			w = d.Writes()
			if err := c.Flush(); err != nil || d.Writes() != w {
				t.Fatalf("second Flush after the text: %v, %d bytes", err, d.Writes()-w)
			}
		})
	}
}

// TestControllerTextEndReport: on the S, MK2 and Pro the device's own
// report, sent when its scroll is over (50 ms here), closes done long
// before the driver's estimate (over 2 s) would. In virtual time, so the
// report is known to have closed it, however late a busy machine runs the
// driver's goroutines.
func TestControllerTextEndReport(t *testing.T) {
	yes, _ := textModels()
	for _, m := range yes {
		if !m.ReportsTextEnd() {
			continue
		}
		t.Run(m.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, d := open(t, m)
				d.SetTextDuration(50 * time.Millisecond)
				if got := launchpad.TextDuration(m, "Hi"); got < 2*time.Second {
					t.Fatalf("estimate %v", got)
				}
				start := time.Now()
				done, err := c.ScrollText("Hi", red)
				if err != nil {
					t.Fatal(err)
				}
				if !closed(done, 2*time.Second) {
					t.Fatal("done not closed by the device's report")
				}
				if e := time.Since(start); e != 50*time.Millisecond {
					t.Fatalf("done closed after %v, want 50ms: when the device reported the end, not by the estimate (%v)", e, launchpad.TextDuration(m, "Hi"))
				}
			})
		})
	}
}

// TestControllerTextLateReport: when the estimate ends a text that the
// device is in fact still scrolling, the device's later report makes the
// next Flush repaint the whole frame again (what was written meanwhile may
// have been lost under the text).
func TestControllerTextLateReport(t *testing.T) {
	yes, _ := textModels()
	for _, m := range yes {
		if !m.ReportsTextEnd() {
			continue
		}
		t.Run(m.String(), func(t *testing.T) {
			r := rand.New(rand.NewPCG(11, uint64(m)))
			c, d := open(t, m)
			c.SetTextWait(func(string) time.Duration { return 20 * time.Millisecond })
			f := gridFrame(r, m)
			showFrame(t, c, f)
			done, err := c.ScrollText("late", red)
			if err != nil {
				t.Fatal(err)
			}
			if !closed(done, 5*time.Second) {
				t.Fatal("done not closed by the estimate")
			}
			w := d.Writes()
			if err := c.Flush(); err != nil {
				t.Fatal(err)
			}
			if got, want := d.Writes()-w, fullBytes(m, f); got != want {
				t.Fatalf("Flush after the estimate sent %d bytes, want %d", got, want)
			}
			d.FinishText() // the report comes late
			eventually(t, func() bool { return c.Stats().Parser.TextEnds == 1 }, "the late report read")
			w = d.Writes()
			if err := c.Flush(); err != nil {
				t.Fatal(err)
			}
			if got, want := d.Writes()-w, fullBytes(m, f); got != want {
				t.Fatalf("Flush after the late report sent %d bytes, want the whole frame's %d", got, want)
			}
			checkShows(t, d, f, "after the late report")
		})
	}
}

// TestControllerStopText: StopText ends the text at once (done is closed
// when it returns, the device scrolls nothing, its mode is set again), the
// next Flush repaints; a StopText with no text sends nothing.
func TestControllerStopText(t *testing.T) {
	yes, _ := textModels()
	for _, m := range yes {
		t.Run(m.String(), func(t *testing.T) {
			r := rand.New(rand.NewPCG(12, uint64(m)))
			c, d := open(t, m)
			c.SetTextWait(func(string) time.Duration { return time.Hour })
			f := gridFrame(r, m)
			showFrame(t, c, f)
			msgs := d.Messages()
			if err := c.StopText(); err != nil || d.Messages() != msgs {
				t.Fatalf("StopText with no text: %v, %d messages", err, d.Messages()-msgs)
			}
			done, err := c.ScrollText(demoText, red)
			if err != nil {
				t.Fatal(err)
			}
			msgs = d.Messages()
			if err := c.StopText(); err != nil {
				t.Fatal(err)
			}
			if !closed(done, 0) {
				t.Fatal("done open after StopText")
			}
			if _, ok := d.Text(); ok {
				t.Fatal("the device still scrolls")
			}
			if got, want := d.Messages()-msgs, 1+len(launchpad.EnterMessages(m)); got != want {
				t.Fatalf("StopText sent %d messages, want the stop and EnterMessages, %d", got, want)
			}
			w := d.Writes()
			if err := c.Flush(); err != nil {
				t.Fatal(err)
			}
			if got, want := d.Writes()-w, fullBytes(m, f); got != want {
				t.Fatalf("Flush after StopText sent %d bytes, want %d", got, want)
			}
			checkShows(t, d, f, "after StopText")
			msgs = d.Messages()
			if err := c.StopText(); err != nil || d.Messages() != msgs {
				t.Fatalf("second StopText: %v, %d messages", err, d.Messages()-msgs)
			}
		})
	}
}

// TestControllerCloseDuringText: Close stops the text, closes done, and
// restores the device as always (LEDs off, port closed).
func TestControllerCloseDuringText(t *testing.T) {
	yes, _ := textModels()
	for _, m := range yes {
		t.Run(m.String(), func(t *testing.T) {
			r := rand.New(rand.NewPCG(13, uint64(m)))
			c, d := open(t, m)
			c.SetTextWait(func(string) time.Duration { return time.Hour })
			showFrame(t, c, gridFrame(r, m))
			done, err := c.ScrollText(demoText, red)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			if !closed(done, 0) {
				t.Fatal("done open after Close")
			}
			if _, ok := d.Text(); ok {
				t.Fatal("the device still scrolls after Close")
			}
			if !d.Closed() {
				t.Fatal("port not closed")
			}
			for _, b := range m.LEDs() {
				if s := d.State(b); s != (launchpadtest.State{}) {
					t.Fatalf("after Close, LED %v shows %+v", b, s)
				}
			}
			if _, err := c.ScrollText("x", red); !errors.Is(err, grid.ErrClosed) {
				t.Fatalf("ScrollText after Close: %v", err)
			}
			if err := c.StopText(); !errors.Is(err, grid.ErrClosed) {
				t.Fatalf("StopText after Close: %v", err)
			}
		})
	}
}

// TestControllerCloseAfterText: a text that has ended is stopped again on
// Close (harmless), one never sent is not.
func TestControllerCloseAfterText(t *testing.T) {
	m := launchpad.LaunchpadMK2
	c, d := open(t, m)
	stop := string(launchpad.StopTextMessage(m))
	msgs := d.Messages()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if got := d.Messages() - msgs; got != len(launchpad.ExitMessages(m)) {
		t.Fatalf("Close with no text ever sent %d messages, want ExitMessages only", got)
	}
	c, d = open(t, m)
	if _, err := c.ScrollText("x", red); err != nil {
		t.Fatal(err)
	}
	d.FinishText()
	msgs = d.Messages()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if got := d.Messages() - msgs; got != 1+len(launchpad.ExitMessages(m)) {
		t.Fatalf("Close after a text sent %d messages, want the stop %q and ExitMessages", got, stop)
	}
}

// TestControllerTextReplace: a second text replaces the first and closes
// its done; only the second's end closes the second done.
func TestControllerTextReplace(t *testing.T) {
	yes, _ := textModels()
	for _, m := range yes {
		t.Run(m.String(), func(t *testing.T) {
			c, d := open(t, m)
			c.SetTextWait(func(string) time.Duration { return time.Hour })
			first, err := c.ScrollText("one", red)
			if err != nil {
				t.Fatal(err)
			}
			second, err := c.ScrollText("two", red)
			if err != nil {
				t.Fatal(err)
			}
			if !closed(first, 0) || closed(second, 0) {
				t.Fatalf("after the second text: first closed %v, second %v", closed(first, 0), closed(second, 0))
			}
			if got, _ := d.Text(); got.Text != "two" || d.Texts() != 2 {
				t.Fatalf("device shows %+v after %d texts", got, d.Texts())
			}
			if err := c.StopText(); err != nil || !closed(second, 0) {
				t.Fatalf("StopText: %v", err)
			}
		})
	}
}

// TestControllerTextUnplug: the device going away closes done; ScrollText
// then fails with ErrGone.
func TestControllerTextUnplug(t *testing.T) {
	yes, _ := textModels()
	for _, m := range yes {
		t.Run(m.String(), func(t *testing.T) {
			c, d := open(t, m)
			c.SetTextWait(func(string) time.Duration { return time.Hour })
			done, err := c.ScrollText(demoText, red)
			if err != nil {
				t.Fatal(err)
			}
			d.Unplug()
			if !closed(done, 5*time.Second) {
				t.Fatal("done open after the unplug")
			}
			for range c.Pads() {
			}
			if _, err := c.ScrollText("x", red); !errors.Is(err, launchpad.ErrGone) {
				t.Fatalf("ScrollText after the unplug: %v", err)
			}
			if err := c.Flush(); !errors.Is(err, launchpad.ErrGone) {
				t.Fatalf("Flush after the unplug: %v", err)
			}
		})
	}
}

// TestControllerTextWriteError: a text that cannot be sent returns the
// error and no done; the next Flush sends the whole frame.
func TestControllerTextWriteError(t *testing.T) {
	m := launchpad.LaunchpadX
	r := rand.New(rand.NewPCG(14, uint64(m)))
	c, d := open(t, m)
	f := gridFrame(r, m)
	showFrame(t, c, f)
	d.FailWrites(1)
	done, err := c.ScrollText(demoText, red)
	if !errors.Is(err, launchpadtest.ErrWrite) || done != nil {
		t.Fatalf("ScrollText with a failing write: %v, %v", done, err)
	}
	if _, ok := d.Text(); ok {
		t.Fatal("the device scrolls a text it never got")
	}
	w := d.Writes()
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, want := d.Writes()-w, fullBytes(m, f); got != want {
		t.Fatalf("Flush after the failed text sent %d bytes, want %d", got, want)
	}
}

// TestControllerTextEmptyAndSanitised: an empty text stops any text and
// returns a closed done; other text reaches the device as printable ASCII,
// cut to the model's limit.
func TestControllerTextEmptyAndSanitised(t *testing.T) {
	yes, _ := textModels()
	for _, m := range yes {
		t.Run(m.String(), func(t *testing.T) {
			c, d := open(t, m)
			c.SetTextWait(func(string) time.Duration { return time.Hour })
			done, err := c.ScrollText("", red)
			if err != nil || !closed(done, 0) || d.Texts() != 0 {
				t.Fatalf("empty text with none scrolling: %v, closed %v, %d texts", err, closed(done, 0), d.Texts())
			}
			if _, err := c.ScrollText("Ünïcode ✓\n", red); err != nil {
				t.Fatal(err)
			}
			if got, _ := d.Text(); got != wantText(m, "?n?code ??") {
				t.Fatalf("device shows %+v", got)
			}
			first, err := c.ScrollText(strings.Repeat("ab", 100), red)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := d.Text(); got.Text != strings.Repeat("ab", 100)[:m.MaxText()] {
				t.Fatalf("long text shows as %q (%d characters), want the first %d", got.Text, len(got.Text), m.MaxText())
			}
			done, err = c.ScrollText("", red)
			if err != nil || !closed(done, 0) || !closed(first, 0) {
				t.Fatalf("empty text while one scrolls: %v", err)
			}
			if _, ok := d.Text(); ok {
				t.Fatal("an empty text did not stop the scrolling one")
			}
		})
	}
}

// TestControllerTextUnsupported: models that cannot scroll text say so,
// and their ScrollText and StopText fail with grid.ErrTextUnsupported
// without sending anything.
func TestControllerTextUnsupported(t *testing.T) {
	_, no := textModels()
	for _, m := range no {
		t.Run(m.String(), func(t *testing.T) {
			c, d := open(t, m)
			var ts grid.TextScroller = c
			if ts.CanScrollText() {
				t.Fatal("CanScrollText true")
			}
			w := d.Writes()
			done, err := ts.ScrollText(demoText, red)
			if !errors.Is(err, grid.ErrTextUnsupported) || done != nil {
				t.Fatalf("ScrollText: %v, %v", done, err)
			}
			if err := ts.StopText(); !errors.Is(err, grid.ErrTextUnsupported) {
				t.Fatalf("StopText: %v", err)
			}
			if d.Writes() != w {
				t.Fatalf("%d bytes sent", d.Writes()-w)
			}
		})
	}
}

// TestTextRoundTrip: every text model's simulator, written from the
// protocol notes, shows what TextMessage asked for, loops a looping text
// and stops on StopTextMessage.
func TestTextRoundTrip(t *testing.T) {
	yes, _ := textModels()
	colors := []launchpad.Color{{R: 255}, {G: 255}, {R: 255, G: 255}, {B: 255}, {R: 10, G: 200, B: 90}, {}}
	for _, m := range yes {
		t.Run(m.String(), func(t *testing.T) {
			d := launchpadtest.New(m)
			for i, col := range colors {
				loop := i%2 == 1
				text := demoText[:1+i*3]
				if _, err := d.Write(launchpad.TextMessage(m, text, col, loop)); err != nil {
					t.Fatal(err)
				}
				got, ok := d.Text()
				if !ok || got.Text != text || got.Loop != loop || got.Color != textColor(m, col) {
					t.Fatalf("%v loop %v: device shows %+v %v, want %q in %v", col, loop, got, ok, text, textColor(m, col))
				}
				d.FinishText()
				if _, ok := d.Text(); ok != loop {
					t.Fatalf("after the end, still scrolling: %v, loop %v", ok, loop)
				}
			}
			d.Write(launchpad.TextMessage(m, "x", colors[0], true))
			d.Write(launchpad.StopTextMessage(m))
			if _, ok := d.Text(); ok {
				t.Fatal("text scrolls after the stop message")
			}
			if err := d.Err(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// textColor is the colour a device of model m should show a text in for c,
// by the protocol notes: red/green levels (amber when both are off), the
// nearest palette entry (white for black), or RGB at 7 bits (white for
// black).
func textColor(m launchpad.Model, c launchpad.Color) launchpad.Color {
	switch m.Colors() {
	case launchpad.RedGreen:
		r, g := (uint16(c.R)*3+127)/255, (uint16(c.G)*3+127)/255
		if r+g == 0 {
			r, g = 3, 3
		}
		return launchpad.Color{R: uint8(85 * r), G: uint8(85 * g)}
	case launchpad.RGB64:
		p := launchpad.RGBToPalette(c)
		if p == 0 {
			p = 3
		}
		return launchpad.Palette[p]
	}
	if c == (launchpad.Color{}) {
		return launchpad.Color{R: 255, G: 255, B: 255}
	}
	sc := func(v uint8) uint8 { s := (int(v)*127 + 127) / 255; return uint8((s*255 + 63) / 127) }
	return launchpad.Color{R: sc(c.R), G: sc(c.G), B: sc(c.B)}
}
