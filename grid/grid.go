package grid

import "errors"

// A Button is a pad, a button or a light on a controller's surface. The main
// grid is X 0..Cols-1 from the left and Y 0..Rows-1 from the top; buttons
// around it keep counting outward (a Launchpad's top row is Y = −1, its
// scene column X = Cols).
type Button struct{ X, Y int }

// A Pad is a press or a release.
type Pad struct {
	Button
	Down bool
	// Velocity is 1..127 on a press (127 where the hardware has no
	// velocity) and 0 on a release.
	Velocity uint8
}

// A Color is a light's colour. Each driver maps it to what its device can
// show: a palette entry, red/green levels, a monome brightness level.
type Color struct{ R, G, B uint8 }

// Black is a light turned off.
var Black Color

// Mode is how a light shows its colour.
type Mode uint8

const (
	Static Mode = iota // steady
	Flash              // on and off, in tempo where the device follows MIDI clock
	Pulse              // breathing, in tempo where the device follows MIDI clock
)

// A Light is what one LED shows.
type Light struct {
	Color Color
	Mode  Mode
}

// Off is a light turned off.
var Off Light

// AppendText appends the light as the controller log and the browser view
// write it: "off", or the colour in hex and the mode ("ff8000",
// "ff8000/flash", "ff8000/pulse").
func (l Light) AppendText(b []byte) []byte {
	if l.Color == Black {
		return append(b, "off"...)
	}
	const hex = "0123456789abcdef"
	for _, v := range [3]uint8{l.Color.R, l.Color.G, l.Color.B} {
		b = append(b, hex[v>>4], hex[v&15])
	}
	switch l.Mode {
	case Flash:
		b = append(b, "/flash"...)
	case Pulse:
		b = append(b, "/pulse"...)
	}
	return b
}

// String returns the light as AppendText writes it.
func (l Light) String() string { return string(l.AppendText(nil)) }

// Info describes a controller.
type Info struct {
	Model      string   // as performance scripts name it: "launchpad-x", "monome-128", …
	Port       string   // where it is attached (an ALSA port, a serial device)
	Cols, Rows int      // the main grid
	Buttons    []Button // every button and light, the main grid included
	Velocity   bool     // pads report how hard they are hit
	// Labels names the printed function of the buttons that have one, in
	// the words of LabelVocabulary ("shift", "record", "up", …). Several
	// buttons may share a word (the eight "track" buttons of a Pro MK3's
	// bottom row). Labels is nil for a controller whose buttons are not
	// printed with functions (most Launchpads, monome grids): the surface
	// then lays out its controls itself. A driver returns a fresh map from
	// every Info call, so callers may keep or change it.
	Labels map[Button]string
	// ShiftLabels names, in the same words, the functions printed for
	// Shift held with a button, where a model prints them (the Pro MK3's
	// Undo under Record Arm); nil for most. A fresh map, as Labels.
	ShiftLabels map[Button]string
}

// LabelVocabulary lists every word Info.Labels may use, lower case:
// navigation, the session view's modes, the note, drum and step modes,
// recording and editing, and the track functions of the larger models.
var LabelVocabulary = []string{
	"up", "down", "left", "right",
	"session", "mixer", "volume", "stopall",
	"note", "drum", "step",
	"record", "undo", "redo", "metronome", "shift",
	"clear", "duplicate", "quantize", "length",
	"play", "arm", "mute", "solo", "stop", "track",
}

// Has reports whether the controller has button b.
func (in Info) Has(b Button) bool {
	for _, x := range in.Buttons {
		if x == b {
			return true
		}
	}
	return false
}

// A Controller is a grid of pads with lights: a Launchpad, a monome or a
// fake. The package documentation numbers the rules of its contract.
type Controller interface {
	// Info describes the controller (rule 1).
	Info() Info
	// Pads delivers presses and releases, and is closed when the device
	// goes away or is closed (rule 2).
	Pads() <-chan Pad
	// Set writes button b's light into the local frame, without I/O
	// (rule 3).
	Set(b Button, l Light)
	// Flush sends what changed since the last Flush (rules 4 and 5).
	Flush() error
	// Close restores the device's normal mode and closes Pads (rule 6).
	Close() error
}

// A Follower is a Controller whose Flash and Pulse lights can keep the
// music's tempo. The LED goroutine calls Beat before Flush with the
// transport's position in beats (quarter notes), which only grows while the
// music plays. A Launchpad that times flashing from MIDI clock is sent one
// clock tick (F8) per 24th of a beat passed since the last call; a
// controller that flashes in software takes its phase from it: a Flash
// light is on during the first half of each beat, a Pulse breathes once
// every two beats, so both start on the beat.
type Follower interface {
	Controller
	Beat(pos float64) error
}

// A TextScroller is a Controller that can scroll a line of text across its
// pads, as most Launchpads since the S can. One driver type may serve
// models with and without the ability, so CanScrollText says whether this
// controller has it; where it does not, ScrollText and StopText return
// ErrTextUnsupported and send nothing. ScrollText and StopText belong to
// the LED goroutine, like Set and Flush; the channel ScrollText returns may
// be waited on anywhere.
//
// While a text scrolls, Flush sends nothing and returns nil (the device is
// showing the text), and Set keeps writing the local frame. The first Flush
// after the text has ended sends the whole frame, so the pads show what was
// Set meanwhile; from then on rules 4 and 5 hold as before.
type TextScroller interface {
	Controller
	// CanScrollText reports whether the controller can scroll text. It is
	// fixed for the controller's life.
	CanScrollText() bool
	// ScrollText scrolls text once across the pads in colour c (a colour
	// the device would show as off scrolls in white). Characters the
	// device cannot draw become '?', and a text longer than the driver's
	// documented limit is cut short. It returns done, which is closed when
	// the text has ended: when the device reports that it has scrolled out
	// or, where the device reports nothing, when a conservative estimate of
	// its length has passed; when a later ScrollText replaces it or
	// StopText stops it; when the controller is closed or its device goes
	// away. An empty text only stops any text, and done is already closed.
	// On error no text scrolls and done is nil.
	ScrollText(text string, c Color) (done <-chan struct{}, err error)
	// StopText ends the scrolling text at once and closes its done; the
	// next Flush sends the whole frame. It does nothing when no text
	// scrolls.
	StopText() error
}

// ErrClosed is returned by Flush after Close.
var ErrClosed = errors.New("grid: controller closed")

// ErrTextUnsupported is returned by a TextScroller's ScrollText and
// StopText when CanScrollText is false.
var ErrTextUnsupported = errors.New("grid: controller cannot scroll text")

// GridButtons returns the buttons of a cols×rows main grid, row by row.
func GridButtons(cols, rows int) []Button {
	bs := make([]Button, 0, cols*rows)
	for y := range rows {
		for x := range cols {
			bs = append(bs, Button{x, y})
		}
	}
	return bs
}
