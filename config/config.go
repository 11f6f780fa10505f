package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gridbox/internal/spell"
	"gridbox/internal/tomlpos"
	"gridbox/sets"
)

// Where the files are; see Path and LastDir.
const (
	// SystemPath is the system service's config file, Path(true).
	SystemPath = "/etc/gridbox/config.toml"
	// SystemLastDir is the system service's state folder, LastDir(true).
	SystemLastDir = "/var/lib/gridbox"
	// LastFile is the name of the last-set file inside a LastDir.
	LastFile = "last"
)

// SetLast is Config.Set's value for "the set played last".
const SetLast = "last"

// Defaults and limits of the config file's values.
const (
	DefaultRate  = 48000 // Hz
	DefaultBlock = 128   // frames
	DefaultLead  = 2     // blocks

	MinRate, MaxRate   = 8000, 384000
	MinBlock, MaxBlock = 16, 8192
	MinLead, MaxLead   = 1, 64

	DefaultPreload         = time.Second
	MinPreload, MaxPreload = 250 * time.Millisecond, 60 * time.Second
	MaxDeviceIndex         = 1023 // for audio.device written as a number
	MaxPin                 = 27   // GPIO0..GPIO27, the Pi's 40-pin header

	// MaxInputChannels bounds audio.input_channels (a set's track input
	// names channels up to sets.MaxInputChannel).
	MaxInputChannels = sets.MaxInputChannel
	// MaxLatencyOffset bounds audio.latency_offset either way.
	MaxLatencyOffset = time.Second

	MaxFileSize = 64 << 10 // bytes; a real config is a few hundred
	MaxIgnore   = 256      // controllers.ignore entries
	MaxNameLen  = 256      // characters, for device and ignore entries
	MaxPathLen  = 4096     // bytes, for set and state.dir (Linux's PATH_MAX)
)

// Config is gridbox's configuration. The zero value is not useful; start
// from Default. A Config returned by Parse or Load is immutable: share it
// between goroutines freely.
type Config struct {
	// File is the config file it was read from; "" for Default (and for
	// Load when there was no file at the default path).
	File string

	// Set is the set to play at start-up: SetLast ("last") or a set file's
	// path. A relative path in the file has been joined to the config
	// file's folder.
	Set string

	Audio       Audio
	Samples     Samples
	Controllers Controllers
	GPIO        GPIO
	State       State
	HTTP        HTTP

	pos map[string]sets.Pos // value positions by encoded key path
}

// Audio is the [audio] table.
type Audio struct {
	// Device is the PortAudio output: "" for the default, a decimal index,
	// or (part of) a device name; it goes to portaudio.Config.Device as it
	// is. See DeviceIndex.
	Device string
	Rate   int // sample rate in Hz, MinRate..MaxRate
	Block  int // frames per callback, MinBlock..MaxBlock
	Lead   int // blocks rendered ahead of the device, MinLead..MaxLead

	// Input is the PortAudio input recorded from: "" for the output
	// device's own inputs (none if it has none), InputNone for no input,
	// or a decimal index or (part of) a device name, as Device; it goes
	// to portaudio.Config.Input as it is.
	Input string
	// InputChannels is how many of the input's channels to open, from
	// its first, 1..MaxInputChannels; 0 (the default) for all it has.
	InputChannels int
	// LatencyOffset is this rig's correction to the latencies the device
	// reports, -MaxLatencyOffset..MaxLatencyOffset: a recording is
	// aligned by input latency + output latency + LatencyOffset (what
	// gridbox calibrate measures). Default 0.
	LatencyOffset time.Duration
}

// InputNone is Audio.Input's value for "no audio input".
const InputNone = "none"

// DeviceIndex returns the device index, and true, when Device is a decimal
// number (written as 2 or "2") rather than a name.
func (a Audio) DeviceIndex() (int, bool) {
	if a.Device == "" || strings.TrimLeft(a.Device, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(a.Device)
	return n, err == nil
}

// Controllers is the [controllers] table.
type Controllers struct {
	// Ignore lists the models, ports and port-name substrings of
	// controllers gridbox must not open, as written; nil for none. No
	// entry is empty.
	Ignore []string
}

// GPIO is the [gpio] table. Pin names are "GPIO0".."GPIO27" (normalised to
// upper case, without leading zeros), or "" for none; they are different
// unless both are "".
type GPIO struct {
	Footswitch       string
	FootswitchAction FootswitchAction
	StatusLED        string
}

// FootswitchAction is what a footswitch press does.
type FootswitchAction int

const (
	StartStop FootswitchAction = iota // start the transport, or stop it
	Tap                               // tap the tempo
)

var actionNames = []string{"startstop", "tap"}

// String returns the action as the config file spells it.
func (a FootswitchAction) String() string {
	if a >= 0 && int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "FootswitchAction(" + strconv.Itoa(int(a)) + ")"
}

// HTTP is the [http] table: the browser view ("gridbox play" serves it).
type HTTP struct {
	// Listen is the address the browser view serves on, "host:port"
	// (port 0: any free one); "" serves none (written "off"). Default
	// DefaultListen: this machine only.
	Listen string
	// Token is what a browser must give before it sees or plays
	// anything, MinTokenLen..MaxTokenLen printable ASCII characters
	// without spaces; "" for none, which only a loopback Listen allows
	// (play makes one for the run otherwise, and says it).
	Token string
	// Sets is the folder whose sets the page lists and can switch to;
	// "" for the folder of the set playing. A relative path in the file
	// has been joined to the config file's folder.
	Sets string
}

// The [http] table's default, its "off" and its token's limits.
const (
	DefaultListen = "127.0.0.1:8080"
	ListenOff     = "off"
	MinTokenLen   = 8
	MaxTokenLen   = 128
)

// Samples is the [samples] table: how samples are held in memory.
type Samples struct {
	// Preload is how much of a streamed sample (a long one; see the set
	// key ram) stays in memory, MinPreload..MaxPreload.
	Preload time.Duration
	// RAM holds every sample whole in memory: nothing streams.
	RAM bool
}

// State is the [state] table.
type State struct {
	// Dir is the folder for the set's state files; "" for the default
	// beside the set file (ForSet in package state). A relative path in
	// the file has been joined to the config file's folder.
	Dir string
}

// Default returns the configuration used when there is no config file:
// play the last set, on the default audio output at 48 kHz in blocks of
// 128 frames, 2 blocks ahead; use every controller; no footswitch or
// status light; state beside the set; the browser view on this machine
// only (DefaultListen).
func Default() *Config {
	return &Config{
		Set:     SetLast,
		Audio:   Audio{Rate: DefaultRate, Block: DefaultBlock, Lead: DefaultLead},
		Samples: Samples{Preload: DefaultPreload},
		GPIO:    GPIO{FootswitchAction: StartStop},
		HTTP:    HTTP{Listen: DefaultListen},
	}
}

// Pos returns the position in c.File of the value of key, a dotted key
// such as "gpio.footswitch" or "audio.rate" (or "controllers.ignore[1]"
// for an element), so that a problem found later, such as a pin that
// cannot be opened, can be reported as sets.Error{File: c.File, Pos: …}.
// It returns the zero Pos for a key that is not in the file.
func (c *Config) Pos(key string) sets.Pos {
	return c.pos[key]
}

// Path returns where the config file is: SystemPath for the system service
// (system true); for a user run, $XDG_CONFIG_HOME/gridbox/config.toml, or
// ~/.config/gridbox/config.toml when XDG_CONFIG_HOME is unset or not an
// absolute path (as the XDG base directory specification says). It returns
// "" for a user run when there is no home folder either.
func Path(system bool) string {
	if system {
		return SystemPath
	}
	return xdgDir("XDG_CONFIG_HOME", ".config", "config.toml")
}

// LastDir returns the folder of the last-set file: SystemLastDir for the
// system service (system true); for a user run, $XDG_STATE_HOME/gridbox, or
// ~/.local/state/gridbox when XDG_STATE_HOME is unset or not absolute. It
// returns "" for a user run when there is no home folder either.
func LastDir(system bool) string {
	if system {
		return SystemLastDir
	}
	return xdgDir("XDG_STATE_HOME", filepath.Join(".local", "state"), "")
}

// xdgDir returns $env/gridbox/name, or ~/fallback/gridbox/name.
func xdgDir(env, fallback, name string) string {
	dir := os.Getenv(env)
	if !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil || !filepath.IsAbs(home) {
			return ""
		}
		dir = filepath.Join(home, fallback)
	}
	return filepath.Join(dir, "gridbox", name)
}

// Load reads and parses the config file file, usually Path(system).
//
// When file is one of the default paths, Path(true) or Path(false), and
// there is nothing there, Load returns Default() (with File ""): the config
// file is optional. Any other missing file is an error satisfying
// errors.Is(err, fs.ErrNotExist). Load("") returns Default(), for when
// Path(false) found no home folder.
//
// Otherwise Load is Parse on the file's contents, which must be a regular
// file of at most MaxFileSize bytes. Errors are a sets.Errors naming file.
// Load runs on the control side.
func Load(file string) (*Config, error) {
	if file == "" {
		return Default(), nil
	}
	data, err := readLimited(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && isDefaultPath(file) {
			return Default(), nil
		}
		return nil, err
	}
	return Parse(file, data)
}

func isDefaultPath(file string) bool {
	file = filepath.Clean(file)
	return file == Path(true) || file == Path(false)
}

// readLimited reads file, refusing anything but a regular file of at most
// MaxFileSize bytes before reading it (and if it grows while being read).
func readLimited(file string) ([]byte, error) {
	fail := func(msg string, err error) ([]byte, error) {
		return nil, sets.Errors{{File: file, Msg: msg, Err: err}}
	}
	f, err := os.Open(file)
	if err != nil {
		return fail("cannot open the config file: "+spell.Error(err), err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fail("cannot read the config file: "+spell.Error(err), err)
	}
	switch {
	case fi.IsDir():
		return fail("is a folder, not a config file", nil)
	case !fi.Mode().IsRegular():
		return fail("is not a regular file", nil)
	case fi.Size() > MaxFileSize:
		return nil, tooLarge(file, fi.Size())
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return fail("cannot read the config file: "+spell.Error(err), err)
	}
	if len(data) > MaxFileSize {
		return nil, tooLarge(file, int64(len(data)))
	}
	return data, nil
}

func tooLarge(file string, size int64) sets.Errors {
	return sets.Errors{{File: file, Err: sets.ErrTooLarge, Msg: fmt.Sprintf(
		"file is %d bytes; a config file is limited to %d KiB", size, MaxFileSize>>10)}}
}

// Parse parses and checks the config file text data; file names it in
// errors, becomes Config.File, and its folder is where relative paths in
// the file start from. It checks the syntax, every key, type, range and
// word value, and the form of pin names, but touches no file or device.
//
// On any problem Parse returns a nil *Config and a sets.Errors listing every
// problem, sorted by position (at most 200, and then a line saying how many
// more). A syntax error, an oversized or over-deep file, or text that is not
// UTF-8 stops it early, so then there is only one.
//
// Parse runs on the control side; it never panics, whatever data holds.
func Parse(file string, data []byte) (*Config, error) {
	if len(data) > MaxFileSize {
		return nil, tooLarge(file, int64(len(data)))
	}
	src := strings.TrimPrefix(string(data), "\uFEFF") // a byte-order mark
	raw, fail := tomlpos.Decode(src, tomlpos.Rules{
		MaxDepth: sets.MaxDepth, Hint: syntaxHint, TooDeep: sets.ErrTooDeep, Syntax: sets.ErrSyntax,
	})
	if fail != nil {
		return nil, sets.Errors{{File: file, Pos: sets.Pos(fail.Pos), Msg: fail.Msg, Err: fail.Err}}
	}

	dir := ""
	if file != "" {
		dir = filepath.Dir(file)
	}
	d := &decoder{cfg: Default(), dir: dir}
	d.cfg.File = file
	d.decode(raw)
	ix := tomlpos.NewIndex(true) // a config file is small: keep every path
	tomlpos.Scan(src, sets.MaxDepth, ix)
	if d.probs.Len() > 0 {
		return nil, d.errors(file, ix)
	}
	d.cfg.pos = make(map[string]sets.Pos)
	for k, p := range ix.Values() {
		d.cfg.pos[k] = sets.Pos(p)
	}
	return d.cfg, nil
}

// syntaxHint adds advice to the TOML parser's message msg for the commonest
// slip: text without quotes (device = USB). lastKey is the dotted key the
// parser read last.
func syntaxHint(lastKey, msg string) string {
	key := tomlpos.LastKey(lastKey)
	if key == "" {
		return ""
	}
	return tomlpos.QuotesHint(key, msg)
}
