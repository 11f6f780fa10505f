package config

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"gridbox/sets"
)

// TestDefault: the defaults are the ones the package doc promises.
func TestDefault(t *testing.T) {
	c := Default()
	want := &Config{
		Set:     "last",
		Audio:   Audio{Device: "", Rate: 48000, Block: 128, Lead: 2},
		Samples: Samples{Preload: time.Second},
		GPIO:    GPIO{FootswitchAction: StartStop},
		HTTP:    HTTP{Listen: "127.0.0.1:8080"},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Default() = %+v, want %+v", c, want)
	}
	if c.Controllers.Ignore != nil || c.GPIO.Footswitch != "" || c.GPIO.StatusLED != "" || c.State.Dir != "" {
		t.Errorf("Default() has controllers, pins or a state folder: %+v", c)
	}
	if c.Pos("audio.rate") != (sets.Pos{}) {
		t.Errorf("Default().Pos(audio.rate) = %v, want the zero Pos", c.Pos("audio.rate"))
	}
	if Default() == c {
		t.Error("Default returned the same *Config twice; callers may change theirs")
	}
}

// TestParse_EmptyIsDefault: an empty file, or one with only comments and
// empty tables, is the defaults.
func TestParse_EmptyIsDefault(t *testing.T) {
	for _, src := range []string{"", "# nothing here\n", "\uFEFF", "[audio]\n[controllers]\n[gpio]\n[state]\n", "audio = {}\n"} {
		c, err := Parse("config.toml", []byte(src))
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		want := Default()
		want.File = "config.toml"
		c.pos = nil
		if !reflect.DeepEqual(c, want) {
			t.Errorf("Parse(%q) = %+v, want the defaults %+v", src, c, want)
		}
	}
}

// TestParse_EveryKey: testdata/full.toml sets every key; each lands in its
// field, and Pos finds each value.
func TestParse_EveryKey(t *testing.T) {
	data, err := os.ReadFile("testdata/full.toml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse("testdata/full.toml", data)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		File: "testdata/full.toml",
		Set:  filepath.Join("testdata", "sets", "live.toml"),
		Audio: Audio{
			Device: "USB Audio",
			Rate:   44100,
			Block:  256,
			Lead:   3,

			Input:         "Scarlett",
			InputChannels: 4,
			LatencyOffset: -2500 * time.Microsecond,
		},
		Samples:     Samples{Preload: 2500 * time.Millisecond, RAM: true},
		Controllers: Controllers{Ignore: []string{"launchpad-mk2", "/dev/ttyUSB0", "Launchpad Pro MK3 LPX"}},
		GPIO:        GPIO{Footswitch: "GPIO17", FootswitchAction: Tap, StatusLED: "GPIO27"},
		State:       State{Dir: "/var/lib/gridbox/state"},
		HTTP:        HTTP{Listen: "0.0.0.0:8080", Token: "k7dqz3mh9xwe", Sets: filepath.Join("testdata", "sets")},
	}
	got := *c
	got.pos = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse(full.toml) =\n%+v\nwant\n%+v", got, want)
	}
	for key, pos := range map[string]sets.Pos{
		"set":                    {Line: 2, Col: 7},
		"audio":                  {Line: 4, Col: 1},
		"audio.device":           {Line: 5, Col: 10},
		"audio.rate":             {Line: 6, Col: 8},
		"audio.block":            {Line: 7, Col: 9},
		"audio.lead":             {Line: 8, Col: 8},
		"audio.input":            {Line: 9, Col: 9},
		"audio.input_channels":   {Line: 10, Col: 18},
		"audio.latency_offset":   {Line: 11, Col: 18},
		"samples.preload":        {Line: 14, Col: 11},
		"samples.ram":            {Line: 15, Col: 7},
		"controllers.ignore":     {Line: 18, Col: 10},
		"controllers.ignore[1]":  {Line: 18, Col: 28},
		"gpio.footswitch":        {Line: 21, Col: 14},
		"gpio.footswitch_action": {Line: 22, Col: 21},
		"gpio.status_led":        {Line: 23, Col: 14},
		"state.dir":              {Line: 26, Col: 7},
		"nothing.here":           {},
	} {
		if got := c.Pos(key); got != pos {
			t.Errorf("Pos(%q) = %v, want %v", key, got, pos)
		}
	}
}

// TestParse_Forms: the same settings written as dotted keys, inline tables,
// in other cases and with whole floats decode alike.
func TestParse_Forms(t *testing.T) {
	tests := []struct {
		name, src string
		check     func(c *Config) bool
	}{
		{"dotted keys", "audio.rate = 44100\ngpio.footswitch = \"GPIO5\"",
			func(c *Config) bool { return c.Audio.Rate == 44100 && c.GPIO.Footswitch == "GPIO5" }},
		{"inline table", `audio = { rate = 96000, block = 64 }`,
			func(c *Config) bool { return c.Audio.Rate == 96000 && c.Audio.Block == 64 && c.Audio.Lead == 2 }},
		{"whole float", "[audio]\nrate = 48000.0",
			func(c *Config) bool { return c.Audio.Rate == 48000 }},
		{"device index as a number", "[audio]\ndevice = 2",
			func(c *Config) bool { i, ok := c.Audio.DeviceIndex(); return c.Audio.Device == "2" && ok && i == 2 }},
		{"device index as digits", "[audio]\ndevice = \"12\"",
			func(c *Config) bool { i, ok := c.Audio.DeviceIndex(); return ok && i == 12 }},
		{"device name", "[audio]\ndevice = \"hifiberry\"",
			func(c *Config) bool { _, ok := c.Audio.DeviceIndex(); return c.Audio.Device == "hifiberry" && !ok }},
		{"words in any case", "set = \"LAST\"\n[gpio]\nfootswitch_action = \"StartStop\"",
			func(c *Config) bool { return c.Set == SetLast && c.GPIO.FootswitchAction == StartStop }},
		{"pins normalised", "[gpio]\nfootswitch = \"gpio04\"\nstatus_led = \"Gpio0\"",
			func(c *Config) bool { return c.GPIO.Footswitch == "GPIO4" && c.GPIO.StatusLED == "GPIO0" }},
		{"no pins", "[gpio]\nfootswitch = \"\"\nstatus_led = \"\"",
			func(c *Config) bool { return c.GPIO.Footswitch == "" && c.GPIO.StatusLED == "" }},
		{"absolute set", `set = "/home/pi/sets/../sets/live.toml"`,
			func(c *Config) bool { return c.Set == "/home/pi/sets/live.toml" }},
		{"a set named last", `set = "./last"`,
			func(c *Config) bool { return c.Set == "/etc/gridbox/last" }},
		{"relative state dir", "[state]\ndir = \"state\"",
			func(c *Config) bool { return c.State.Dir == "/etc/gridbox/state" }},
		{"empty ignore list", "[controllers]\nignore = []",
			func(c *Config) bool { return c.Controllers.Ignore == nil }},
		{"no input", "[audio]\ninput = \" None \"",
			func(c *Config) bool { return c.Audio.Input == InputNone }},
		{"input index", "[audio]\ninput = 3",
			func(c *Config) bool { return c.Audio.Input == "3" }},
		{"the output's inputs", "[audio]\ninput = \"\"\ninput_channels = 0",
			func(c *Config) bool { return c.Audio.Input == "" && c.Audio.InputChannels == 0 }},
		{"latency_offset whole", "[audio]\nlatency_offset = 12",
			func(c *Config) bool { return c.Audio.LatencyOffset == 12*time.Millisecond }},
		{"latency_offset fraction", "[audio]\nlatency_offset = -0.0205",
			func(c *Config) bool { return c.Audio.LatencyOffset == -20500*time.Nanosecond }},
		{"input range ends", "[audio]\ninput_channels = 64\nlatency_offset = -1000",
			func(c *Config) bool { return c.Audio.InputChannels == 64 && c.Audio.LatencyOffset == -time.Second }},
		{"range ends", "[audio]\nrate = 8000\nblock = 8192\nlead = 64",
			func(c *Config) bool { return c.Audio.Rate == 8000 && c.Audio.Block == 8192 && c.Audio.Lead == 64 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("/etc/gridbox/config.toml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("Parse(%q) = %+v", tt.src, c)
			}
		})
	}
}

// TestParse_NoFileNameLeavesPathsAlone: with no file name there is no
// folder to resolve relative paths against.
func TestParse_NoFileNameLeavesPathsAlone(t *testing.T) {
	c, err := Parse("", []byte("set = \"live.toml\"\n[state]\ndir = \"state\""))
	if err != nil {
		t.Fatal(err)
	}
	if c.Set != "live.toml" || c.State.Dir != "state" {
		t.Errorf("Set %q, State.Dir %q; want them as written", c.Set, c.State.Dir)
	}
}

func TestFootswitchAction_String(t *testing.T) {
	for a, want := range map[FootswitchAction]string{StartStop: "startstop", Tap: "tap", 7: "FootswitchAction(7)"} {
		if got := a.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(a), got, want)
		}
	}
}

func TestSuggest(t *testing.T) {
	keys := keysOf("gpio")
	for in, want := range map[string]string{
		"footswich":        "footswitch",
		"FOOTSWITCH":       "footswitch",
		"statusled":        "status_led",
		"status_light":     "",
		"foot":             "",
		"footswitch_act":   "footswitch_action",
		"footswitchaction": "footswitch_action",
		"":                 "",
	} {
		if got := suggest(in, keys); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}
