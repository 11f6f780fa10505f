package config_test

import (
	"errors"
	"fmt"
	"os"

	"gridbox/config"
	"gridbox/sets"
)

// A config file is parsed into plain values; relative paths start at the
// config file's folder.
func ExampleParse() {
	c, err := config.Parse("/etc/gridbox/config.toml", []byte(`
set = "sets/live.toml"

[audio]
device = "USB"
block = 256

[gpio]
footswitch = "GPIO17"
footswitch_action = "tap"
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Set)
	fmt.Println(c.Audio.Device, c.Audio.Rate, c.Audio.Block, c.Audio.Lead)
	fmt.Println(c.GPIO.Footswitch, c.GPIO.FootswitchAction, c.GPIO.StatusLED == "")
	// A problem found later, when the pin is opened, can point at the key.
	fmt.Println(&sets.Error{File: c.File, Pos: c.Pos("gpio.footswitch"), Msg: "GPIO17 is busy"})
	// Output:
	// /etc/gridbox/sets/live.toml
	// USB 48000 256 2
	// GPIO17 tap true
	// /etc/gridbox/config.toml:9:14: GPIO17 is busy
}

// Every problem is reported at once, one per line, as FILE:LINE:COL.
func ExampleParse_errors() {
	_, err := config.Parse("config.toml", []byte(`
[audio]
rate = 4410
latency = 5

[gpio]
footswich = "GPIO4"
status_led = "GPIO28"
`))
	fmt.Println(err)
	// Output:
	// config.toml:3:8: audio.rate 4410 is out of range 8000..384000
	// config.toml:4:1: unknown key "latency" in [audio]; did you mean "latency_offset"?
	// config.toml:7:1: unknown key "footswich" in [gpio]; did you mean "footswitch"?
	// config.toml:8:14: gpio.status_led "GPIO28": the Pi's header has GPIO0..GPIO27
}

// At start-up gridbox plays the set named in the config, or the one it
// played last.
func ExampleLast() {
	dir, _ := os.MkdirTemp("", "gridbox-state") // LastDir(system) in gridbox
	defer os.RemoveAll(dir)

	c := config.Default() // set = "last"
	if _, err := config.Last(dir); errors.Is(err, config.ErrNoLast) {
		fmt.Println("no set played yet")
	}
	if err := config.RememberLast(dir, "/home/pi/sets/live.toml"); err != nil {
		fmt.Println(err)
		return
	}
	set := c.Set
	if set == config.SetLast {
		set, _ = config.Last(dir)
	}
	fmt.Println(set)
	// Output:
	// no set played yet
	// /home/pi/sets/live.toml
}
