package config

import (
	"errors"
	"strings"
	"testing"

	"gridbox/sets"
)

// malformed is a table of bad configs. Each wants exactly the listed
// problems, in order, each in full as Parse("config.toml", src) prints it.
var malformed = []struct {
	name string
	src  string
	want []string
}{
	// Unknown keys, with suggestions.
	{"misspelt top-level key", `sett = "x"`,
		[]string{`config.toml:1:1: unknown key "sett" at the top level; did you mean "set"?`}},
	{"unknown key without suggestion", `bpm = 120`,
		[]string{`config.toml:1:1: unknown key "bpm" at the top level; valid keys are set, audio, samples, controllers, gpio, state, http`}},
	{"misspelt table", "[adio]\nrate = 1",
		[]string{`config.toml:1:1: unknown key "adio" at the top level; did you mean "audio"?`}},
	{"key outside its table", `rate = 48000`,
		[]string{`config.toml:1:1: unknown key "rate" at the top level; rate belongs in [audio]`}},
	{"key in another table", "[gpio]\nrate = 1",
		[]string{`config.toml:2:1: unknown key "rate" in [gpio]; rate belongs in [audio]`}},
	{"top-level key in a table", "[audio]\nset = \"x\"",
		[]string{`config.toml:2:1: unknown key "set" in [audio]; set belongs at the top level, above the first [table]`}},
	{"table inside a table", "[gpio]\naudio = { rate = 48000 }",
		[]string{`config.toml:2:1: unknown key "audio" in [gpio]; [audio] is a table of its own`}},
	{"misspelt key in a table", "[gpio]\nfootswich = \"GPIO4\"",
		[]string{`config.toml:2:1: unknown key "footswich" in [gpio]; did you mean "footswitch"?`}},
	{"longer key", "[state]\ndirectory = \"x\"",
		[]string{`config.toml:2:1: unknown key "directory" in [state]; did you mean "dir"?`}},
	{"unknown key in an inline table", `audio = { rat = 48000 }`,
		[]string{`config.toml:1:11: unknown key "rat" in [audio]; did you mean "rate"?`}},
	{"unknown dotted key", "controllers.ignor = []",
		[]string{`config.toml:1:13: unknown key "ignor" in [controllers]; did you mean "ignore"?`}},
	{"quoted unknown key", `"quoted key" = 1`,
		[]string{`config.toml:1:1: unknown key "quoted key" at the top level; valid keys are set, audio, samples, controllers, gpio, state, http`}},

	// Tables.
	{"table as a value", `audio = 5`,
		[]string{`config.toml:1:9: audio: expected an [audio] table, got number 5`}},
	{"array of tables", "[[audio]]\nrate = 48000",
		[]string{`config.toml:1:1: audio must be a single [audio] table: write [audio] with single brackets`}},
	{"table for a value", "[audio.rate]\nx = 1",
		[]string{`config.toml:1:1: audio.rate: expected a whole number, got a table`}},

	// set.
	{"set type", `set = 3`,
		[]string{`config.toml:1:7: set: expected a set file's path or "last", got number 3`}},
	{"set date", `set = 1979-05-27`,
		[]string{`config.toml:1:7: set: expected a set file's path or "last", got a date`}},
	{"set empty", `set = ""`,
		[]string{`config.toml:1:7: set: the path is empty; write a set file's path, or "last" for the set played last`}},
	{"set tilde", `set = "~/sets/live.toml"`,
		[]string{`config.toml:1:7: set "~/sets/live.toml": "~" is not expanded here; write the whole path, starting with "/"`}},
	{"set NUL", `set = "a\u0000b"`,
		[]string{`config.toml:1:7: set "a\x00b": the path contains a NUL character`}},
	{"set too long", `set = "/` + strings.Repeat("x", 5000) + `"`,
		[]string{`config.toml:1:7: set is 5001 bytes long; the limit is 4096`}},

	// [audio]: types and ranges.
	{"rate range", "[audio]\nrate = 4410",
		[]string{`config.toml:2:8: audio.rate 4410 is out of range 8000..384000`}},
	{"rate type", "[audio]\nrate = \"48k\"",
		[]string{`config.toml:2:8: audio.rate: expected a whole number, got string "48k"`}},
	{"rate inf", "[audio]\nrate = inf",
		[]string{`config.toml:2:8: audio.rate: expected a whole number, got number inf`}},
	{"block fraction", "[audio]\nblock = 100.5",
		[]string{`config.toml:2:9: audio.block: expected a whole number, got number 100.5`}},
	{"block huge", "[audio]\nblock = 1e10",
		[]string{`config.toml:2:9: audio.block 1e+10 is out of range 16..8192`}},
	{"block small", "[audio]\nblock = 8",
		[]string{`config.toml:2:9: audio.block 8 is out of range 16..8192`}},
	{"lead range", "[audio]\nlead = 0",
		[]string{`config.toml:2:8: audio.lead 0 is out of range 1..64`}},
	{"lead nan", "[audio]\nlead = nan",
		[]string{`config.toml:2:8: audio.lead: expected a whole number, got number nan`}},
	{"preload range", "[samples]\npreload = 0.1",
		[]string{`config.toml:2:11: samples.preload 0.1 is out of range 0.25..60 seconds`}},
	{"preload nan", "[samples]\npreload = nan",
		[]string{`config.toml:2:11: samples.preload nan is out of range 0.25..60 seconds`}},
	{"preload type", "[samples]\npreload = \"2s\"",
		[]string{`config.toml:2:11: samples.preload: expected a number of seconds, got string "2s"`}},
	{"ram type", "[samples]\nram = 1",
		[]string{`config.toml:2:7: samples.ram: expected true or false, got number 1`}},
	{"input type", "[audio]\ninput = false",
		[]string{`config.toml:2:9: audio.input: expected a device's name (or part of it) or index, "" for the output device's inputs, or "none", got false`}},
	{"input index range", "[audio]\ninput = 1024",
		[]string{`config.toml:2:9: audio.input 1024 is out of range 0..1023`}},
	{"input with a NUL", "[audio]\ninput = \"a\\u0000b\"",
		[]string{`config.toml:2:9: audio.input "a\x00b": contains a NUL character`}},
	{"input_channels range", "[audio]\ninput_channels = 65",
		[]string{`config.toml:2:18: audio.input_channels 65 is out of range 0..64`}},
	{"input_channels type", "[audio]\ninput_channels = \"1-2\"",
		[]string{`config.toml:2:18: audio.input_channels: expected a whole number, got string "1-2"`}},
	{"latency_offset range", "[audio]\nlatency_offset = -1000.5",
		[]string{`config.toml:2:18: audio.latency_offset -1000.5 is out of range -1000..1000 ms`}},
	{"latency_offset nan", "[audio]\nlatency_offset = nan",
		[]string{`config.toml:2:18: audio.latency_offset nan is out of range -1000..1000 ms`}},
	{"latency_offset with a unit", "[audio]\nlatency_offset = \"3 ms\"",
		[]string{`config.toml:2:18: audio.latency_offset: expected a number of milliseconds, got string "3 ms"`}},
	{"latency_offset misspelt", "[audio]\nlatency_ofset = 3",
		[]string{`config.toml:2:1: unknown key "latency_ofset" in [audio]; did you mean "latency_offset"?`}},
	{"latency_offset elsewhere", "latency_offset = 3",
		[]string{`config.toml:1:1: unknown key "latency_offset" at the top level; latency_offset belongs in [audio]`}},
	{"device type", "[audio]\ndevice = true",
		[]string{`config.toml:2:10: audio.device: expected a device's name (or part of it) or index, or "" for the default, got true`}},
	{"device index range", "[audio]\ndevice = -1",
		[]string{`config.toml:2:10: audio.device -1 is out of range 0..1023`}},
	{"device index fraction", "[audio]\ndevice = 1.5",
		[]string{`config.toml:2:10: audio.device: expected a whole number, got number 1.5`}},
	{"device name too long", "[audio]\ndevice = \"" + strings.Repeat("é", 300) + "\"",
		[]string{`config.toml:2:10: audio.device is 300 characters long; the limit is 256`}},

	// [controllers].
	{"ignore type", "[controllers]\nignore = \"launchpad\"",
		[]string{`config.toml:2:10: controllers.ignore: expected a list of strings like ["launchpad-mk2", "/dev/ttyUSB0"], got string "launchpad"`}},
	{"ignore entries", "[controllers]\nignore = [\"a\", 3, \"\", \"  \"]",
		[]string{
			`config.toml:2:16: controllers.ignore: expected a model, port or part of a port's name as a string, got number 3`,
			`config.toml:2:19: controllers.ignore: an empty entry would match every controller; remove it`,
			`config.toml:2:23: controllers.ignore: an empty entry would match every controller; remove it`,
		}},
	{"ignore over the limit", "[controllers]\nignore = [" + strings.Repeat(`"x", `, 257) + "]",
		[]string{`config.toml:2:1291: controllers.ignore: too many entries: 257; the limit is 256`}},

	// [gpio]: pin names (form only) and the action.
	{"pin past GPIO27", "[gpio]\nfootswitch = \"GPIO28\"",
		[]string{`config.toml:2:14: gpio.footswitch "GPIO28": the Pi's header has GPIO0..GPIO27`}},
	{"pin not GPIOn", "[gpio]\nfootswitch = \"pin11\"",
		[]string{`config.toml:2:14: gpio.footswitch "pin11": expected a pin name GPIO0..GPIO27, like "GPIO17", or "" for none`}},
	{"pin negative", "[gpio]\nstatus_led = \"GPIO-1\"",
		[]string{`config.toml:2:14: gpio.status_led "GPIO-1": expected a pin name GPIO0..GPIO27, like "GPIO17", or "" for none`}},
	{"pin digits", "[gpio]\nstatus_led = \"27\"",
		[]string{`config.toml:2:14: gpio.status_led "27": expected a pin name like "GPIO27" (the GPIO number, not the header pin number)`}},
	{"pin number", "[gpio]\nfootswitch = 17",
		[]string{`config.toml:2:14: gpio.footswitch: expected a pin name like "GPIO17" (the GPIO number, not the header pin number), got number 17`}},
	{"pin type", "[gpio]\nfootswitch = false",
		[]string{`config.toml:2:14: gpio.footswitch: expected a pin name like "GPIO17", or "" for none, got false`}},
	{"same pin twice", "[gpio]\nfootswitch = \"GPIO17\"\nstatus_led = \"gpio17\"",
		[]string{`config.toml:3:14: gpio.status_led "GPIO17" is the footswitch's pin too (line 2); give each its own pin`}},
	{"action", "[gpio]\nfootswitch_action = \"stop\"",
		[]string{`config.toml:2:21: gpio.footswitch_action "stop": expected one of startstop, tap`}},
	{"action misspelt", "[gpio]\nfootswitch_action = \"start-stop\"",
		[]string{`config.toml:2:21: gpio.footswitch_action "start-stop": expected one of startstop, tap; did you mean "startstop"?`}},
	{"action type", "[gpio]\nfootswitch_action = 1",
		[]string{`config.toml:2:21: gpio.footswitch_action: expected one of startstop, tap, got number 1`}},

	// [state].
	{"state dir type", "[state]\ndir = 5",
		[]string{`config.toml:2:7: state.dir: expected a folder's path, or "" for beside the set, got number 5`}},
	{"state dir tilde", "[state]\ndir = \"~\"",
		[]string{`config.toml:2:7: state.dir "~": "~" is not expanded here; write the whole path, starting with "/"`}},

	// Problems that stop Parse at once.
	{"text without quotes", "[audio]\ndevice = USB",
		[]string{`config.toml:2:10: syntax error: expected value but found "USB" instead; text needs quotes: device = "USB"`}},
	{"unclosed header", "[audio\nrate=1",
		[]string{`config.toml:1:7: syntax error: expected '.' or ']' to end table name, but got '\n' instead`}},
	{"key twice", "set = \"a\"\nset = \"b\"",
		[]string{`config.toml:2:1: syntax error: Key 'set' has already been defined.`}},
	{"too deep", "a = " + strings.Repeat("[", 40),
		[]string{`config.toml:1:37: nested too deeply: more than 32 levels of [ ] and { }`}},
	{"too many dots", strings.Repeat("a.", 40) + "a = 1",
		[]string{`config.toml:1:64: key has too many dotted parts: more than 32`}},
	{"not UTF-8", "set = \"\xff\"",
		[]string{`config.toml:1:8: the file is not UTF-8 text (byte 0xff); save it as UTF-8`}},
	{"too large", strings.Repeat("#", MaxFileSize+1),
		[]string{`config.toml: file is 65537 bytes; a config file is limited to 64 KiB`}},
}

// TestParse_Errors: each kind of problem gets its exact message, at the
// value (or the key, for unknown keys), and nothing else is reported.
func TestParse_Errors(t *testing.T) {
	for _, tt := range malformed {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("config.toml", []byte(tt.src))
			if c != nil {
				t.Errorf("Parse returned a config with the error")
			}
			var es sets.Errors
			if !errors.As(err, &es) {
				t.Fatalf("Parse: got %v (%T), want sets.Errors", err, err)
			}
			if got, want := err.Error(), strings.Join(tt.want, "\n"); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestParse_ErrorSentinels: the problems that stop Parse early wrap the
// same sentinels as the set file's.
func TestParse_ErrorSentinels(t *testing.T) {
	for src, want := range map[string]error{
		"[audio":                           sets.ErrSyntax,
		"a = " + strings.Repeat("{b=", 40): sets.ErrTooDeep,
		strings.Repeat(" ", MaxFileSize+1): sets.ErrTooLarge,
	} {
		_, err := Parse("config.toml", []byte(src))
		if !errors.Is(err, want) {
			t.Errorf("Parse(%.20q…) = %v, want errors.Is %v", src, err, want)
		}
	}
}

// TestParse_ManyProblemsCapped: a file of thousands of unknown keys reports
// the first 200 and says how many more there were.
func TestParse_ManyProblemsCapped(t *testing.T) {
	var b strings.Builder
	for i := range 1000 {
		b.WriteString("k")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString(string(rune('a' + i%26)))
		b.WriteString(strings.Repeat("0", i/26))
		b.WriteString(" = 1\n")
	}
	_, err := Parse("config.toml", []byte(b.String()))
	var es sets.Errors
	if !errors.As(err, &es) {
		t.Fatal(err)
	}
	if len(es) != maxReported+1 {
		t.Fatalf("%d problems, want %d", len(es), maxReported+1)
	}
	if last := es[len(es)-1]; last.Msg != "too many problems; 800 more not shown" || last.Pos.Line != 201 {
		t.Errorf("last line %q", last)
	}
}
