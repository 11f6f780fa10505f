package perfscript

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gridbox/internal/spell"
)

// Limits on what Parse accepts.
const (
	MaxSize    = 1 << 20 // bytes in a script file
	MaxLine    = 4096    // bytes in one line, comment included
	MaxNumber  = 4095    // largest x, y, row or track
	MaxSeconds = 86400   // largest time in seconds (24 hours)
	MaxBeats   = 100000  // largest time in beats (almost 14 hours at 120 BPM)
	PadCols    = 8       // pad and padup: col 0 to PadCols-1
	PadRows    = 8       // pad and padup: row 0 to PadRows-1
	// DefaultVelocity is a pad line's velocity when it gives none.
	DefaultVelocity = 100
)

// maxErrors is how many bad lines Parse lists before it only counts them.
const maxErrors = 50

// ErrTooLarge reports a script file over MaxSize bytes.
var ErrTooLarge = errors.New("script too large")

// Unit is the unit of a Time.
type Unit int

// The units a script can write times in.
const (
	Seconds Unit = iota // "1.5s": wall-clock seconds from the start
	Beats               // "6b": beats from the start, through the tempo map
)

// String returns the suffix the unit is written with: "s" or "b".
func (u Unit) String() string {
	switch u {
	case Seconds:
		return "s"
	case Beats:
		return "b"
	}
	return fmt.Sprintf("Unit(%d)", int(u))
}

// Time is when an event happens, counted from the start of the transport.
// Value is finite, at least 0 and at most MaxSeconds or MaxBeats.
type Time struct {
	Value float64
	Unit  Unit
}

// String returns the time as a script writes it ("1.5s", "6b"), which Parse
// reads back to the same Value.
func (t Time) String() string {
	return strconv.FormatFloat(t.Value, 'f', -1, 64) + t.Unit.String()
}

// Kind says what an Event does.
type Kind int

// The event kinds, one per command word.
const (
	Press      Kind = iota // a grid pad pressed: X = track column, Y = scene row
	Release                // a grid pad let go: X, Y as for Press
	Scene                  // a scene-launch button: Y = scene row
	Stop                   // a track's stop button: X = track column
	StopAll                // the stop-all button
	End                    // the render (or playback) ends here
	MIDI                   // raw MIDI bytes from the controller Model
	Serial                 // raw serial bytes from the controller Model
	Load                   // the set at Path replaces the running one, as a reload does
	Pad                    // a pad of the virtual controller pressed: X = col, Y = row, Velocity
	PadUp                  // a pad of the virtual controller let go: X = col, Y = row
	Button                 // a named button of the virtual controller pressed and released: Name
	ButtonDown             // a named button pressed and held: Name
	ButtonUp               // a held named button let go: Name
	MIDIIn                 // raw MIDI bytes arriving on the set's input Port (midi-in)
)

var kindWords = [...]string{
	Press:      "press",
	Release:    "release",
	Scene:      "scene",
	Stop:       "stop",
	StopAll:    "stopall",
	End:        "end",
	MIDI:       "midi",
	Serial:     "serial",
	Load:       "load",
	Pad:        "pad",
	PadUp:      "padup",
	Button:     "button",
	ButtonDown: "buttondown",
	ButtonUp:   "buttonup",
	MIDIIn:     "midi-in",
}

// buttonNames are the named buttons of the virtual controller, which the
// button lines press: its top row from the left, its left column from the
// top, its bottom row from the left (grid/virtual lays them out; its tests
// check that the two lists agree).
var buttonNames = []string{
	"up", "down", "left", "right", "session", "mixer", "volume", "stopall",
	"note", "drum", "step", "record", "undo", "redo", "metronome", "shift",
	"clear", "duplicate", "quantize", "length",
}

// ButtonNames returns the names a button, buttondown or buttonup line may
// give, in the virtual controller's layout order. The slice is the
// caller's.
func ButtonNames() []string { return slices.Clone(buttonNames) }

// String returns the command word of the kind, as a script writes it.
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindWords) {
		return kindWords[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Event is one line of a script.
//
// Which fields mean something depends on Kind: X and Y for Press and Release;
// Y (the row) for Scene; X (the track) for Stop; Model and Bytes for MIDI and
// Serial; Path for Load; X (the col), Y (the row) and Velocity for Pad, X and
// Y for PadUp; Name for Button, ButtonDown and ButtonUp; Port and Bytes for
// MIDIIn. The other fields are zero.
type Event struct {
	Line     int // 1-based line in the file
	At       Time
	Kind     Kind
	X, Y     int
	Model    string // controller model, e.g. "launchpad-mini-mk3" (MIDI, Serial)
	Bytes    []byte // raw bytes, at least one (MIDI, Serial, MIDIIn)
	Port     string // a MIDI input port's name, as the set names it or containing that (MIDIIn)
	Path     string // a set file, as written: relative to the script's folder (Load)
	Velocity uint8  // 1 to 127 (Pad)
	Name     string // one of ButtonNames (Button, ButtonDown, ButtonUp)
}

// String returns the event as a script line (without a comment), which Parse
// reads back to the same event.
func (e Event) String() string {
	var b strings.Builder
	b.WriteString(e.At.String())
	b.WriteByte(' ')
	b.WriteString(e.Kind.String())
	switch e.Kind {
	case Press, Release, PadUp:
		fmt.Fprintf(&b, " %d %d", e.X, e.Y)
	case Pad:
		fmt.Fprintf(&b, " %d %d", e.X, e.Y)
		if e.Velocity != DefaultVelocity {
			fmt.Fprintf(&b, " %d", e.Velocity)
		}
	case Button, ButtonDown, ButtonUp:
		b.WriteByte(' ')
		b.WriteString(e.Name)
	case Scene:
		fmt.Fprintf(&b, " %d", e.Y)
	case Stop:
		fmt.Fprintf(&b, " %d", e.X)
	case Load:
		b.WriteByte(' ')
		b.WriteString(e.Path)
	case MIDI, Serial, MIDIIn:
		b.WriteByte(' ')
		if e.Kind == MIDIIn {
			b.WriteString(portText(e.Port))
		} else {
			b.WriteString(e.Model)
		}
		for _, c := range e.Bytes {
			fmt.Fprintf(&b, " %02x", c)
		}
	}
	return b.String()
}

// Script is a parsed performance script.
type Script struct {
	File   string  // the name given to Parse, used in messages
	Events []Event // in file order; see Sort
}

// Sort orders the events by the frame that frame returns for their time,
// keeping file order among events on the same frame (a stable sort). frame is
// the caller's tempo map; it is called once per event.
func (s *Script) Sort(frame func(Time) int64) {
	type keyed struct {
		frame int64
		e     Event
	}
	ks := make([]keyed, len(s.Events))
	for i, e := range s.Events {
		ks[i] = keyed{frame(e.At), e}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return cmp.Compare(a.frame, b.frame) })
	for i, k := range ks {
		s.Events[i] = k.e
	}
}

// LineError is a problem with one line of a script.
type LineError struct {
	File string
	Line int    // 1-based
	Msg  string // what is wrong, without the position
}

// Error returns "FILE:LINE: message".
func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Parse reads a script. file names it in messages. Parse reports every bad line
// at once, joined with errors.Join, each a *LineError; a file over MaxSize bytes
// gives an error wrapping ErrTooLarge. On error the Script is nil.
func Parse(file string, data []byte) (*Script, error) { return parse(file, data, nil) }

// ParseFor is Parse for a script that plays the set b describes: an event
// outside it (a track, scene row or controller model the set or gridbox
// does not have) is a bad line too, reported with the others, in line order.
func ParseFor(file string, data []byte, b Bounds) (*Script, error) { return parse(file, data, &b) }

// Bounds describe the set a script plays, for ParseFor and Validate.
type Bounds struct {
	Tracks int // pad columns x and stop's track: 0 to Tracks-1
	Scenes int // pad rows y and scene's row: 0 to Scenes-1
	// Model returns what is wrong with the controller model of a midi or
	// serial line, or "" when there is such a model; nil accepts any.
	Model func(k Kind, model string) string
	// Port returns what is wrong with the port of a midi-in line (the
	// set has no such input), or ""; nil accepts any.
	Port func(port string) string
}

// Validate checks every event of s against b and reports those outside the
// set, each a *LineError, joined with errors.Join in line order; nil if
// there are none.
func (s *Script) Validate(b Bounds) error {
	var errs []error
	for _, e := range s.Events {
		if msg := b.check(e); msg != "" {
			errs = append(errs, &LineError{File: s.File, Line: e.Line, Msg: msg})
		}
	}
	slices.SortStableFunc(errs, func(a, b error) int { return cmp.Compare(a.(*LineError).Line, b.(*LineError).Line) })
	return errors.Join(errs...)
}

// check returns what is wrong with e in the set b describes, or "".
func (b Bounds) check(e Event) string {
	track := func(x int) string {
		if x < b.Tracks {
			return ""
		}
		return fmt.Sprintf("%s: there is no track %d; the set has %s", e.words(), x, count(b.Tracks, "track", "", ""))
	}
	row := func(y int) string {
		if y < b.Scenes {
			return ""
		}
		return fmt.Sprintf("%s: there is no scene row %d; the set has %s", e.words(), y, count(b.Scenes, "scene", "row ", "rows "))
	}
	switch e.Kind {
	case Press, Release:
		if msg := track(e.X); msg != "" {
			return msg
		}
		return row(e.Y)
	case Scene:
		return row(e.Y)
	case Stop:
		return track(e.X)
	case MIDI, Serial:
		if b.Model != nil {
			if msg := b.Model(e.Kind, e.Model); msg != "" {
				return fmt.Sprintf("%s %s: %s", e.Kind, e.Model, msg)
			}
		}
	case MIDIIn:
		if b.Port != nil {
			if msg := b.Port(e.Port); msg != "" {
				return fmt.Sprintf("%s %s: %s", e.Kind, portText(e.Port), msg)
			}
		}
	}
	return ""
}

// words returns the event's command and numbers as written: "press 3 0".
func (e Event) words() string {
	s := e.String()
	_, rest, _ := strings.Cut(s, " ")
	return rest
}

// count says how many of noun a set has and how they are numbered:
// "no tracks", "1 track (0)", "4 scenes (rows 0 to 3)".
func count(n int, noun, one, many string) string {
	switch n {
	case 0:
		return "no " + noun + "s"
	case 1:
		return fmt.Sprintf("1 %s (%s0)", noun, one)
	}
	return fmt.Sprintf("%d %ss (%s0 to %d)", n, noun, many, n-1)
}

func parse(file string, data []byte, b *Bounds) (*Script, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: %w: %d bytes, the limit is 1 MiB", file, ErrTooLarge, len(data))
	}
	s := &Script{File: file}
	var errs []error
	skipped := 0
	endLine := 0
	for n := 1; len(data) > 0; n++ {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		e, ok, msg := parseLine(line)
		if msg == "" && ok && b != nil {
			msg = b.check(e)
		}
		if msg == "" && ok && e.Kind == End {
			if endLine != 0 {
				msg = fmt.Sprintf("second end (the first is on line %d)", endLine)
			} else {
				endLine = n
			}
		}
		if msg != "" {
			if len(errs) < maxErrors {
				errs = append(errs, &LineError{File: file, Line: n, Msg: msg})
			} else {
				skipped++
			}
			continue
		}
		if ok {
			e.Line = n
			s.Events = append(s.Events, e)
		}
	}
	if skipped > 0 {
		errs = append(errs, fmt.Errorf("%s: too many errors; %s not listed", file, spell.Count(skipped, "more bad line")))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// parseLine parses one line without its newline. ok is false for a blank or
// comment-only line; msg is non-empty when the line is bad.
func parseLine(line []byte) (e Event, ok bool, msg string) {
	if len(line) > MaxLine {
		return e, false, fmt.Sprintf("line is %d bytes, over the %d-byte limit", len(line), MaxLine)
	}
	if i := bytes.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	f := strings.Fields(string(line))
	if len(f) == 0 {
		return e, false, ""
	}
	if _, isWord := kindOf(f[0]); isWord {
		return e, false, fmt.Sprintf("line starts with %q, not a time: write e.g. \"4b %s\"", f[0], strings.Join(f, " "))
	}
	at, msg := parseTime(f[0])
	if msg != "" {
		return e, false, msg
	}
	if len(f) == 1 {
		return e, false, fmt.Sprintf("time %q without a command (%s)", f[0], strings.Join(kindWords[:], ", "))
	}
	kind, known := kindOf(f[1])
	if !known {
		return e, false, unknownCommand(f[1])
	}
	e = Event{At: at, Kind: kind}
	args := f[2:]
	switch kind {
	case Press, Release:
		if len(args) != 2 {
			return e, false, fmt.Sprintf("%s needs 2 numbers (x y), got %d", kind, len(args))
		}
		if e.X, msg = parseNumber(kind, "x", args[0]); msg != "" {
			return e, false, msg
		}
		if e.Y, msg = parseNumber(kind, "y", args[1]); msg != "" {
			return e, false, msg
		}
	case Scene:
		if len(args) != 1 {
			return e, false, fmt.Sprintf("scene needs 1 number (row), got %d", len(args))
		}
		if e.Y, msg = parseNumber(kind, "row", args[0]); msg != "" {
			return e, false, msg
		}
	case Stop:
		if len(args) != 1 {
			return e, false, fmt.Sprintf("stop needs 1 number (track), got %d", len(args))
		}
		if e.X, msg = parseNumber(kind, "track", args[0]); msg != "" {
			return e, false, msg
		}
	case Load:
		if len(args) != 1 {
			return e, false, fmt.Sprintf("load needs 1 set file (a path without spaces), got %d words", len(args))
		}
		e.Path = args[0]
	case StopAll, End:
		if len(args) != 0 {
			return e, false, fmt.Sprintf("%s takes no arguments, got %d", kind, len(args))
		}
	case Pad, PadUp:
		if n := len(args); n != 2 && (kind == PadUp || n != 3) {
			if kind == Pad {
				return e, false, fmt.Sprintf("pad needs 2 numbers (col row) and an optional velocity, got %d", n)
			}
			return e, false, fmt.Sprintf("padup needs 2 numbers (col row), got %d", n)
		}
		if e.X, msg = parseInRange(kind, "col", args[0], 0, PadCols-1); msg != "" {
			return e, false, msg
		}
		if e.Y, msg = parseInRange(kind, "row", args[1], 0, PadRows-1); msg != "" {
			return e, false, msg
		}
		if kind == Pad {
			e.Velocity = DefaultVelocity
			if len(args) == 3 {
				v, msg := parseInRange(kind, "velocity", args[2], 1, 127)
				if msg != "" {
					return e, false, msg
				}
				e.Velocity = uint8(v)
			}
		}
	case Button, ButtonDown, ButtonUp:
		if len(args) != 1 {
			return e, false, fmt.Sprintf("%s needs 1 button name (e.g. %q), got %d words", kind, kind.String()+" shift", len(args))
		}
		if !slices.Contains(buttonNames, args[0]) {
			return e, false, fmt.Sprintf("%s: no button %s%s", kind, spell.Quote(args[0]), spell.DidYouMean(args[0], buttonNames, true))
		}
		e.Name = args[0]
	case MIDIIn:
		rest := afterWords(string(line), 2)
		if e.Port, rest, msg = parsePort(rest); msg != "" {
			return e, false, msg
		}
		if e.Bytes, msg = hexBytes(kind, strings.Fields(rest)); msg != "" {
			return e, false, msg
		}
	case MIDI, Serial:
		if len(args) < 2 {
			return e, false, fmt.Sprintf("%s needs a controller model and at least one hex byte, e.g. %q", kind, rawExample(kind))
		}
		if !validModel(args[0]) {
			return e, false, fmt.Sprintf("%s: model %q: must start with a lower-case letter and hold only a-z, 0-9, '-', '_' and '.' (e.g. %q)", kind, args[0], rawExample(kind))
		}
		e.Model = args[0]
		if e.Bytes, msg = hexBytes(kind, args[1:]); msg != "" {
			return e, false, msg
		}
	}
	return e, true, ""
}

// hexBytes parses a raw line's bytes: two hex digits each.
func hexBytes(k Kind, args []string) ([]byte, string) {
	if len(args) == 0 {
		return nil, fmt.Sprintf("%s: no bytes: give at least one, two hex digits each, e.g. %q", k, rawExample(k))
	}
	out := make([]byte, len(args))
	for i, a := range args {
		v, err := strconv.ParseUint(a, 16, 8)
		if len(a) != 2 || err != nil {
			return nil, fmt.Sprintf("%s: byte %d %q: expected two hex digits (00 to ff)", k, i+1, a)
		}
		out[i] = byte(v)
	}
	return out, ""
}

// afterWords returns s after its first n whitespace-separated words and
// the space after them.
func afterWords(s string, n int) string {
	for range n {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
			s = s[i:]
		} else {
			s = ""
		}
	}
	return strings.TrimLeftFunc(s, unicode.IsSpace)
}

// MaxPortLen is the longest port name a midi-in line may give, in bytes.
const MaxPortLen = 256

// parsePort reads a midi-in line's port from the start of s: a word, or a
// name in double quotes (which may hold spaces), and returns the rest.
func parsePort(s string) (port, rest, msg string) {
	const example = `e.g. "0b midi-in MPC f8" or "0b midi-in \"Akai MPC\" f8"`
	switch {
	case s == "":
		return "", "", "midi-in needs a port name and at least one hex byte, " + example
	case s[0] == '"':
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return "", "", "midi-in: the port name's closing quote is missing, " + example
		}
		port, rest = s[1:1+end], s[2+end:]
		if rest != "" && !unicode.IsSpace(rune(rest[0])) {
			return "", "", "midi-in: a space must follow the quoted port name, " + example
		}
	default:
		i := strings.IndexFunc(s, unicode.IsSpace)
		if i < 0 {
			i = len(s)
		}
		port, rest = s[:i], s[i:]
		if strings.ContainsRune(port, '"') {
			return "", "", "midi-in: port " + strconv.Quote(port) + ": a quote may only enclose the whole name, " + example
		}
	}
	switch {
	case strings.TrimSpace(port) == "":
		return "", "", "midi-in: the port name is empty, " + example
	case len(port) > MaxPortLen:
		return "", "", fmt.Sprintf("midi-in: the port name is %d bytes long; the limit is %d", len(port), MaxPortLen)
	case !utf8.ValidString(port) || strings.ContainsFunc(port, unicode.IsControl):
		return "", "", "midi-in: port " + strconv.Quote(port) + ": not printable text"
	}
	return port, rest, ""
}

// portText writes a port name as a midi-in line gives it: quoted when it
// is not a single word.
func portText(p string) string {
	if p != "" && !strings.ContainsFunc(p, unicode.IsSpace) {
		return p
	}
	return `"` + p + `"`
}

func rawExample(k Kind) string {
	if k == MIDIIn {
		return "midi-in MPC f8"
	}
	if k == Serial {
		return "serial monome-128 21 03 04"
	}
	return "midi launchpad-mini-mk3 90 0b 7f"
}

func kindOf(word string) (Kind, bool) {
	for k, w := range kindWords {
		if w == word {
			return Kind(k), true
		}
	}
	return 0, false
}

// parseTime parses "1.5s" or "6b": digits, an optional fraction and a unit.
func parseTime(s string) (Time, string) {
	bad := fmt.Sprintf("time %q: expected seconds (1.5s) or beats (6b)", s)
	num, unit := s[:len(s)-1], s[len(s)-1]
	var t Time
	switch unit {
	case 's':
		t.Unit = Seconds
	case 'b':
		t.Unit = Beats
	default:
		return t, bad
	}
	lower := strings.ToLower(strings.TrimLeft(num, "+-"))
	if strings.HasPrefix(lower, "nan") || strings.HasPrefix(lower, "inf") {
		return t, fmt.Sprintf("time %q: not a finite number", s)
	}
	if strings.HasPrefix(num, "-") {
		return t, fmt.Sprintf("time %q: must not be negative", s)
	}
	if !decimal(num) {
		return t, bad
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil { // only a range error can get here; over any limit anyway
		v = MaxSeconds + MaxBeats
	}
	limit := float64(MaxSeconds)
	if t.Unit == Beats {
		limit = MaxBeats
	}
	if v > limit {
		return t, fmt.Sprintf("time %q: over the limit of %g%s", s, limit, t.Unit)
	}
	t.Value = v
	return t, ""
}

// decimal reports whether s is digits with an optional fraction: "6", "6.25".
func decimal(s string) bool {
	intPart, frac, hasDot := strings.Cut(s, ".")
	return digits(intPart) && (!hasDot || digits(frac))
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseNumber parses a whole number 0..MaxNumber named name (x, y, row, track).
func parseNumber(k Kind, name, s string) (int, string) {
	if strings.HasPrefix(s, "-") && digits(s[1:]) {
		return 0, fmt.Sprintf("%s: %s %q: must not be negative", k, name, s)
	}
	if !digits(s) {
		return 0, fmt.Sprintf("%s: %s %q: expected a whole number from 0 to %d", k, name, s, MaxNumber)
	}
	v, err := strconv.Atoi(s)
	if err != nil || v > MaxNumber {
		return 0, fmt.Sprintf("%s: %s %q: over the limit of %d", k, name, s, MaxNumber)
	}
	return v, ""
}

// parseInRange parses a whole number lo..hi named name (col, row, velocity).
func parseInRange(k Kind, name, s string, lo, hi int) (int, string) {
	v, err := strconv.Atoi(s)
	if !digits(strings.TrimPrefix(s, "-")) || err != nil || v < lo || v > hi {
		return 0, fmt.Sprintf("%s: %s %s: expected a whole number from %d to %d", k, name, spell.Quote(s), lo, hi)
	}
	return v, ""
}

func validModel(s string) bool {
	if len(s) > 64 || s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// unknownCommand names the nearest command word, or lists them all.
func unknownCommand(word string) string {
	if best := spell.Suggest(word, kindWords[:]); best != "" {
		return fmt.Sprintf("unknown command %q (did you mean %q?)", word, best)
	}
	return fmt.Sprintf("unknown command %q (commands: %s)", word, strings.Join(kindWords[:], ", "))
}
